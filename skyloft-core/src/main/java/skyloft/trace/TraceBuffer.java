package skyloft.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import skyloft.spi.Task;

/**
 * An in-memory {@link TraceRecorder}: events go into parallel primitive arrays (time, kind,
 * cpu, arg) plus a reference to the task, so recording allocates nothing except when the arrays
 * grow (doubling, up to {@code maxEvents}). Past the cap, events are dropped and counted in
 * {@link #dropped()}, never silently. Task names are read only when a {@link Trace} is built.
 *
 * <p>Not thread-safe: one writer at a time (the simulator thread, or the runtime under its
 * scheduler lock). Keeps the tasks it saw reachable until it is cleared.
 */
public final class TraceBuffer implements TraceRecorder {
    /** Default cap: about 40 MB of arrays. */
    public static final int DEFAULT_MAX_EVENTS = 1 << 20;

    private final int maxEvents;
    private volatile boolean enabled = true;
    private long[] timeNs;
    private byte[] kind;
    private int[] cpu;
    private long[] arg;
    private Task[] task;
    private int size;
    private long dropped;
    /** Time of the first event refused, when {@link #dropped} is not 0. */
    private long firstDroppedNs;

    public TraceBuffer() {
        this(DEFAULT_MAX_EVENTS);
    }

    public TraceBuffer(int maxEvents) {
        if (maxEvents < 1) throw new IllegalArgumentException("trace buffer maxEvents " + maxEvents + " must be at least 1");
        this.maxEvents = maxEvents;
        int n = Math.min(1024, maxEvents);
        timeNs = new long[n];
        kind = new byte[n];
        cpu = new int[n];
        arg = new long[n];
        task = new Task[n];
    }

    /** Turns recording on or off; a disabled buffer keeps what it has. */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void record(long tNs, TraceKind k, int c, Task t, long a) {
        if (!enabled) return;
        if (size == timeNs.length && !grow()) {
            if (dropped++ == 0) firstDroppedNs = tNs;
            return;
        }
        timeNs[size] = tNs;
        kind[size] = (byte) k.ordinal();
        cpu[size] = c;
        task[size] = t;
        arg[size] = a;
        size++;
    }

    private boolean grow() {
        if (size >= maxEvents) return false;
        int n = (int) Math.min((long) maxEvents, 2L * timeNs.length);
        timeNs = Arrays.copyOf(timeNs, n);
        kind = Arrays.copyOf(kind, n);
        cpu = Arrays.copyOf(cpu, n);
        arg = Arrays.copyOf(arg, n);
        task = Arrays.copyOf(task, n);
        return true;
    }

    /** Events recorded so far. */
    public int size() {
        return size;
    }

    /** Events refused because the buffer was full. */
    public long dropped() {
        return dropped;
    }

    public void clear() {
        Arrays.fill(task, 0, size, null);
        size = 0;
        dropped = 0;
    }

    /** The events recorded so far, in recording order (not always time order: see {@link Trace}). */
    public List<TraceEvent> events() {
        List<TraceEvent> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Task t = task[i];
            out.add(new TraceEvent(timeNs[i], TraceKind.of(kind[i]), cpu[i], t == null ? 0 : t.id(), t == null ? null : t.name(), arg[i]));
        }
        return out;
    }

    /** A {@link Trace} of what was recorded by a host with {@code cpus} CPUs that ran from
     *  {@code startNs} (the origin of the time axis) to {@code endNs}; if the buffer filled up,
     *  the trace ends at the first event it refused, since what came later is unknown (a slice
     *  open then is cut there, not drawn as running to {@code endNs}), or at the last event it
     *  kept if that is later (a refused event may carry a clock read before a kept one's). */
    public Trace toTrace(String title, int cpus, long startNs, long endNs) {
        long lastKept = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) lastKept = Math.max(lastKept, timeNs[i]);
        long end = dropped > 0 ? Math.clamp(Math.max(firstDroppedNs, lastKept), startNs, Math.max(startNs, endNs)) : endNs;
        return new Trace(title, cpus, startNs, end, events(), dropped);
    }
}
