package skyloft.spi;

/** Why a task is being handed to {@link SchedPolicy#enqueue}. */
public enum EnqueueReason {
    /** First time runnable, right after {@link SchedPolicy#taskInit}. */
    NEW,
    /** Was blocked (park, sleep, I/O, lock, monitor) and has been woken. */
    WAKEUP,
    /** Gave up the CPU voluntarily and is still runnable. */
    YIELD,
    /** Was preempted at a preemption point after {@code tick} or {@code requestPreempt}. */
    PREEMPTED
}
