package skyloft.sim;

import skyloft.runtime.IdleSpin;

/**
 * The modelled costs of the simulator, in virtual ns; all zero gives the textbook model.
 *
 * @param switchNs       paid by a task each time a CPU starts it: its work begins this long after
 *                       the pick. Charged to the
 *                       task's CPU time, as a kernel charges the switch to the incoming task.
 * @param preemptDelayNs from a preemption request (tick answered true, or requestPreempt) to the
 *                       task actually stopping: the runtime's timer-to-poll delay.
 * @param migrationNs    extra start-up cost when a task starts on a CPU other than its last one
 *                       (cold caches), added to {@code switchNs}.
 * @param lockNs         how long each pick holds the one scheduler lock that all CPUs share, as
 *                       the runtime's lock around a switch's stop and pick: a CPU that finds it
 *                       held waits its turn, and the started task's work begins after the hold
 *                       and {@code switchNs}. 0: no lock.
 * @param wakeNs         how long a parked idle CPU takes to look once there is work: the OS's
 *                       wakeup of a parked carrier whose CPU idled. 0: idle CPUs never park and
 *                       look at once.
 * @param idleSpinMinNs  with {@code wakeNs}: the floor of each CPU's idle spin window, which
 *                       adapts as the runtime's does ({@link skyloft.runtime.IdleSpin}); an idle
 *                       CPU that has not looked for longer than its window has parked
 * @param idleSpinMaxNs  the ceiling of that window (equal to the floor: a fixed spin)
 */
public record CostModel(long switchNs, long preemptDelayNs, long migrationNs, long lockNs,
                        long wakeNs, long idleSpinMinNs, long idleSpinMaxNs) {

    public static final CostModel ZERO = new CostModel(0, 0, 0, 0);

    public CostModel {
        if (switchNs < 0 || preemptDelayNs < 0 || migrationNs < 0 || lockNs < 0 || wakeNs < 0 || idleSpinMinNs < 0) {
            throw new IllegalArgumentException("costs must not be negative: switch " + switchNs + "ns, preempt_delay "
                    + preemptDelayNs + "ns, migration " + migrationNs + "ns, lock " + lockNs + "ns, wake " + wakeNs
                    + "ns, idle_spin from " + idleSpinMinNs + "ns");
        }
        if (idleSpinMaxNs < idleSpinMinNs) {
            throw new IllegalArgumentException("idle_spin " + idleSpinMinNs + "ns.." + idleSpinMaxNs
                    + "ns: the maximum is below the minimum; allowed MIN..MAX with MIN <= MAX");
        }
    }

    /** Without parking: idle CPUs look at once. */
    public CostModel(long switchNs, long preemptDelayNs, long migrationNs, long lockNs) {
        this(switchNs, preemptDelayNs, migrationNs, lockNs, 0,
                IdleSpin.DEFAULT_MIN_NS, IdleSpin.DEFAULT_MAX_NS);
    }

    /** Without a lock or parking. */
    public CostModel(long switchNs, long preemptDelayNs, long migrationNs) {
        this(switchNs, preemptDelayNs, migrationNs, 0);
    }

    /** These costs with a wake cost and an idle spin window of {@code minNs..maxNs}. */
    public CostModel withWake(long wakeNs, long minNs, long maxNs) {
        return new CostModel(switchNs, preemptDelayNs, migrationNs, lockNs, wakeNs, minNs, maxNs);
    }
}
