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

    /** The task running on {@code cpu}, or {@code null} if it is idle. */
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
}
