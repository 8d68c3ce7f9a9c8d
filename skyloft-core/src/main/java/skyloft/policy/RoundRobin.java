package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * Per-CPU round robin: each CPU runs its queue in order, a task runs for at most one slice
 * before it goes to the tail, and an idle CPU steals the older half of a random victim's queue.
 * The slice is enforced by {@link #tick} (so by the runtime's timer once preemption is on, and
 * by the simulator); a task that yields or blocks early simply goes to the tail or leaves, and
 * gets a whole slice when it next runs. A task preempted from outside before its slice ends (by
 * the LC class under {@code apps}, or by BE's floor there) goes back to the head of its queue and
 * keeps the rest of its slice, as Linux keeps a preempted SCHED_RR task at the head of its list.
 *
 * <p>Parameters: {@code slice} (default 50us, 5us..1s). A task's own {@code sliceNs} attribute,
 * when set, replaces it for that task.
 *
 * <p>Good at: bounding how long any task waits behind a long one (about queue length x slice),
 * which is what heavy-tailed request mixes need. Bad at: everything that needs weights or
 * deadlines (nice is ignored); short slices cost a switch each, and per-CPU queues are not
 * balanced while every CPU is busy.
 */
public final class RoundRobin extends SchedPolicy {
    public static final long DEFAULT_SLICE_NS = 50_000;
    public static final long MIN_SLICE_NS = 5_000;
    public static final long MAX_SLICE_NS = 1_000_000_000;

    private final long sliceNs;
    private PerCpuQueues queues;
    private long sliceExpiries;
    /** Preemptions from outside that put the task back at its queue's head, for dump(). */
    private long headRequeues;

    /** A task's slice so far. */
    private static final class Slice {
        /** Run of its slice before its current run, from runs that outside preemptions cut. */
        long usedNs;
        /** Set by tick when it ends the slice; read by stopping, which clears it. */
        boolean ended;
        /** Set by stopping for a preemption that tick did not ask for; read by the enqueue that follows. */
        boolean toHead;
    }

    private static Slice slice(Task t) {
        if (t.policyState instanceof Slice s) return s;
        Slice s = new Slice();
        t.policyState = s;
        return s;
    }

    public RoundRobin() {
        this(DEFAULT_SLICE_NS);
    }

    public RoundRobin(long sliceNs) {
        if (sliceNs < MIN_SLICE_NS || sliceNs > MAX_SLICE_NS) {
            throw new IllegalArgumentException("rr slice " + sliceNs + "ns is out of range; allowed 5us to 1s");
        }
        this.sliceNs = sliceNs;
    }

    RoundRobin(PolicyParams p) {
        this(p.durationNs("slice", DEFAULT_SLICE_NS, MIN_SLICE_NS, MAX_SLICE_NS));
    }

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a slice only ends when someone waits for the CPU
    }

    public long sliceNs() {
        return sliceNs;
    }

    @Override
    protected void init(int cpus) {
        queues = new PerCpuQueues(cpus);
        sliceExpiries = 0;
        headRequeues = 0;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        Slice s = slice(task);
        if (reason == EnqueueReason.PREEMPTED && s.toHead) {
            s.toHead = false;
            headRequeues++;
            queues.addFirst(cpu, task);
        } else {
            queues.addLast(cpu, task);
        }
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        Slice s = slice(task);
        s.toHead = reason == StopReason.PREEMPT && !s.ended;
        s.usedNs = s.toHead ? s.usedNs + ranNs : 0;
        s.ended = false;
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        return queues.pollFirst(cpu);
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        Slice s = slice(task);
        if (s.usedNs + ranNs >= sliceOf(task) && queues.size(cpu) > 0) { // alone on its CPU: keep running
            if (!s.ended) sliceExpiries++;
            s.ended = true;
            return true;
        }
        return false;
    }

    private long sliceOf(Task task) {
        return task.attr().sliceNs() > 0 ? task.attr().sliceNs() : sliceNs;
    }

    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        long left = sliceOf(task) - slice(task).usedNs - ranNs;
        if (left > 0) return nowNs + left; // the slice end; waiters come by enqueue
        return queues.size(cpu) == 0 ? Long.MAX_VALUE : nowNs; // alone past its slice: only an enqueue or a move for this CPU ends it
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        return idle ? queues.stealHalf(cpu, ctx) : 0;
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return queues.moveAll(stalledCpu, toCpu);
    }

    @Override
    public void dump(PrintWriter out) {
        queues.dump(name() + " slice=" + sliceNs + "ns sliceExpiries=" + sliceExpiries + " headRequeues=" + headRequeues, out);
    }
}
