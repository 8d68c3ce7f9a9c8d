package skyloft.trace;

/**
 * One recorded event, as read back from a {@link Trace}. {@code taskId} is 0 and
 * {@code taskName} null for events without a task; see {@link TraceKind} for {@code arg}.
 */
public record TraceEvent(long timeNs, TraceKind kind, int cpu, long taskId, String taskName, long arg) {}
