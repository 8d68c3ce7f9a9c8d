package skyloft.sim;

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
 */
public record CostModel(long switchNs, long preemptDelayNs, long migrationNs, long lockNs) {

    public static final CostModel ZERO = new CostModel(0, 0, 0, 0);

    public CostModel {
        if (switchNs < 0 || preemptDelayNs < 0 || migrationNs < 0 || lockNs < 0) {
            throw new IllegalArgumentException("costs must not be negative: switch " + switchNs + "ns, preempt_delay "
                    + preemptDelayNs + "ns, migration " + migrationNs + "ns, lock " + lockNs + "ns");
        }
    }

    /** Without a lock. */
    public CostModel(long switchNs, long preemptDelayNs, long migrationNs) {
        this(switchNs, preemptDelayNs, migrationNs, 0);
    }
}
