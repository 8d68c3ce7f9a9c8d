package skyloft.trace;

import skyloft.spi.Task;

/**
 * Where a host (the runtime or the simulator) reports scheduling events as they happen.
 *
 * <p>Who calls it: the host only, never a policy. The simulator calls it from its single
 * thread. The runtime calls it from its carrier threads and its timer thread while it holds its
 * scheduler lock, so calls are serialized; an implementation used outside such a lock must be
 * thread-safe itself, or the host keeps one {@link TraceBuffer} per carrier and merges them with
 * {@link Trace#merge}.
 *
 * <p>Cost when off: hosts guard each call with {@code if (rec.enabled())}; {@link #OFF} answers a
 * constant {@code false}, so a disabled recorder costs one predictable branch and no allocation.
 * {@link #record} itself must not allocate in steady state (see {@link TraceBuffer}).
 */
public interface TraceRecorder {

    /** A recorder that records nothing. */
    TraceRecorder OFF = new TraceRecorder() {
        @Override public boolean enabled() { return false; }
        @Override public void record(long timeNs, TraceKind kind, int cpu, Task task, long arg) {}
    };

    /** False if {@link #record} would drop everything; hosts skip the call then. */
    boolean enabled();

    /**
     * One event at {@code timeNs} (host clock: virtual ns in the simulator, {@code System.nanoTime}
     * based in the runtime). {@code cpu} is -1 and {@code task} null where the kind has none.
     */
    void record(long timeNs, TraceKind kind, int cpu, Task task, long arg);

    /** Both recorders, {@code a} first; {@link #OFF} on either side drops out. */
    static TraceRecorder tee(TraceRecorder a, TraceRecorder b) {
        if (a == OFF) return b;
        if (b == OFF) return a;
        return new TraceRecorder() {
            @Override public boolean enabled() { return a.enabled() || b.enabled(); }
            @Override public void record(long timeNs, TraceKind kind, int cpu, Task task, long arg) {
                if (a.enabled()) a.record(timeNs, kind, cpu, task, arg);
                if (b.enabled()) b.record(timeNs, kind, cpu, task, arg);
            }
        };
    }
}
