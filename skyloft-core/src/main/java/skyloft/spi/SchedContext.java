package skyloft.spi;

/**
 * What a host offers a policy. Implemented by the runtime and by the simulator; every method
 * is called under the scheduler lock (from inside a policy op) and is cheap.
 */
public interface SchedContext {

    /** Number of CPUs, fixed for the life of the host. */
    int cpuCount();

    /** True if {@code cpu} runs no task right now. */
    boolean isIdle(int cpu);

    /** The task running on {@code cpu}, or {@code null} if it is idle. Under {@code apps} an inner
     *  policy sees only its own class's tasks: for a CPU running the other class's task this is
     *  {@code null} while {@link #isIdle} may be false, so test {@code isIdle} for idleness. */
    Task current(int cpu);

    /**
     * Asks that the task running on {@code cpu} be preempted as soon as possible (it stops with
     * PREEMPT at its next preemption point). Does nothing if the CPU is idle. Used for wakeup
     * preemption and by central dispatchers.
     */
    void requestPreempt(int cpu);

    /**
     * Asks the host to give the policy another look at {@code cpu} at or soon after
     * {@code atNs}: an idle CPU runs {@link SchedPolicy#balance} and {@link SchedPolicy#pickNext}
     * then, a busy one gets a {@link SchedPolicy#tick}. This is the policy's only timer (for
     * replenishing a throttled deadline server, releasing a delayed task). Several requests may
     * be pending; the host may call early or extra times, so the op must check the time itself.
     */
    void kickAt(int cpu, long atNs);

    /**
     * A pseudo-random int in {@code [0, bound)} for victim selection and the like. The
     * simulator's sequence is fixed by its seed, so policies stay deterministic there.
     */
    int randomInt(int bound);

    /**
     * During {@link SchedPolicy#selectCpu} and {@link SchedPolicy#enqueue} of a task woken
     * ({@link EnqueueReason#WAKEUP}) by a task running on one of this host's CPUs (an unpark, a
     * lock's release), that CPU; otherwise -1: a wakeup from outside (a timer, I/O, a platform
     * thread), any other op, or a host that does not track wakers. Lets a policy queue a wakee
     * beside its waker, which is about to block in a message handoff (Linux's wake-affine
     * placement, Go's runnext). The simulator's tasks wake by themselves, so there it is -1.
     */
    default int wakerCpu() {
        return -1;
    }
}
