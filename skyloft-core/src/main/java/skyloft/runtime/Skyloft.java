package skyloft.runtime;

/** Static entry points for code running on a Skyloft runtime. */
public final class Skyloft {
    private Skyloft() {}

    /** Gives up the CPU; the task is enqueued again at once (the policy decides what runs). */
    public static void yield() {
        Thread.yield();
    }

    /**
     * A preemption point: yields if the runtime has asked the calling thread's CPU to preempt
     * it, otherwise returns at the cost of one load. The agent inserts the same call.
     */
    public static void preemptionPoint() {
        Poll.poll();
    }
}
