package skyloft.spi;

/** Why a running task stopped; see {@link SchedPolicy#stopping}. */
public enum StopReason {
    /** Called {@code Thread.yield()} or the runtime's yield; enqueued again at once. */
    YIELD,
    /** Preempted at a preemption point; enqueued again at once. */
    PREEMPT,
    /** Blocked: it needs a wakeup before it can run again. */
    BLOCK,
    /** Finished; {@code taskExit} follows. */
    EXIT
}
