package skyloft.trace;

/**
 * What a trace event says happened. The meaning of the event's {@code arg} depends on the kind
 * and is given with each constant; {@code cpu} is -1 for events that belong to no CPU.
 */
public enum TraceKind {
    /** A task starts running on {@code cpu}. arg: 1 if it was stolen from another CPU's queue, else 0. */
    RUN_START,
    /** The task running on {@code cpu} stops. arg: {@link skyloft.spi.StopReason} ordinal. */
    RUN_STOP,
    /** A task is handed to the policy's enqueue for {@code cpu}. arg: {@link skyloft.spi.EnqueueReason} ordinal. */
    ENQUEUE,
    /** A task runs on {@code cpu} after last running on another CPU. arg: the previous CPU. */
    MIGRATE,
    /** Preemption of {@code cpu}'s task was requested. arg: 0 by the policy's tick, 1 by requestPreempt. */
    PREEMPT_REQUEST,
    /** A job (periodic release, request arrival, run phase) of the task was released. arg: job index. */
    JOB_RELEASE,
    /** A job finished. arg: its response time in ns (release to completion). */
    JOB_COMPLETE,
    /** A job was still unfinished at its absolute deadline (the event's time). arg: its job index. */
    DEADLINE_MISS,
    /** {@code cpu} found nothing to run and went idle. No task. */
    IDLE,
    /** A task was created (after admit and taskInit). */
    TASK_NEW,
    /** A task exited. */
    TASK_EXIT;

    private static final TraceKind[] VALUES = values();

    static TraceKind of(int ordinal) {
        return VALUES[ordinal];
    }
}
