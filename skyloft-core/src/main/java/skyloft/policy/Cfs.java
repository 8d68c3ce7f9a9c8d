package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.NiceWeights;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * The Completely Fair Scheduler as in Linux up to 6.5, at microsecond scale like Skyloft's
 * user-space CFS. Each CPU keeps its runnable tasks ordered by virtual runtime (ran ns x 1024 /
 * weight, weights from the nice table); the smallest runs next. A task runs for its share of
 * the period, period x weight / queue weight, where the period is {@code latency} while at
 * most latency / min_granularity tasks are runnable and nr_running x min_granularity beyond.
 * min_vruntime only moves forward. A waking task is placed at max(its vruntime, min_vruntime -
 * latency/2) (sleeper credit, bounded), and at most one period past min_vruntime; a new one at
 * min_vruntime + one virtual slice, counted with itself on the queue (Linux's sched_vslice).
 * The upper bound is this port's: a task's legitimate lead is
 * at most its slice, but the runtime charges wall time, so a run the OS stretched (the carrier
 * descheduled, a safepoint) or that reached no preemption point for milliseconds would keep the
 * task out for that long after every later wakeup. Linux charges clock_task, which leaves out
 * steal and IRQ time, and needs no bound. A woken
 * task preempts the running one if their vruntimes differ by more than the wakeup
 * granularity (converted to the woken task's virtual time).
 *
 * <p>Parameters: {@code latency} (default 50us), {@code min_granularity} (default 12.5us),
 * {@code wakeup_granularity} (default 10us, about Linux's 1/6 of latency). Yield is treated as
 * a preemption (the task is re-queued by vruntime).
 *
 * <p>Good at: proportional sharing by nice, and interactive tasks (sleepers come back near the
 * front). Bad at: latency guarantees (a task's delay grows with the number of runnable tasks),
 * and short-running latency-critical work against long-slice batch work of the same weight
 * (what EEVDF's slices fix).
 *
 * <p>Multicore: per-CPU run queues; wakeups prefer the previous CPU while it is idle; an idle
 * CPU pulls half of the busiest queue; a periodic balance (every 4 x latency) pulls half of
 * the difference when another queue is longer by two or more. Migrated tasks keep their
 * vruntime relative to min_vruntime. Complexity: pick and enqueue O(log n) (a binary heap
 * stands in for the red-black tree). Concurrency: serialized by the host; plain fields.
 */
public final class Cfs extends SchedPolicy {
    public static final long DEFAULT_LATENCY_NS = 50_000;
    public static final long DEFAULT_MIN_GRANULARITY_NS = 12_500;
    public static final long DEFAULT_WAKEUP_GRANULARITY_NS = 10_000;
    static final long MIN_LATENCY_NS = 1_000, MIN_MIN_GRANULARITY_NS = 500, MAX_PARAM_NS = 1_000_000_000;

    static final class Entity extends TaskHeap.Node {
        int weight;
        int cpu = -1;          // run queue the task is counted in (queued or running), or last one
        boolean counted;       // its weight is in that run queue's load
        long execStartNs;
        Entity(Task t) { super(t); }
    }

    static final class Rq {
        final TaskHeap heap = new TaskHeap();
        long minVruntime;
        long load;             // weight of queued tasks plus the running one
        int nr;                // number of queued tasks plus the running one
        Entity curr;
        /** Counters for dump(), per CPU so that two CPUs' ops write no common line. */
        long wakeupPreemptions, sliceExpiries, migrations, leadsCapped;
    }

    private final long latencyNs, minGranularityNs, wakeupGranularityNs;
    private Rq[] rqs;
    /** Tasks queued in all the CPUs' heaps (not running): lets an idle balance skip its scan of
     *  every CPU when only its own queue, or none, holds a task. Written by every op that adds to
     *  or takes from a heap, all under the host's serialization. */
    private int queued;

    public Cfs() {
        this(DEFAULT_LATENCY_NS, DEFAULT_MIN_GRANULARITY_NS, DEFAULT_WAKEUP_GRANULARITY_NS);
    }

    public Cfs(long latencyNs, long minGranularityNs, long wakeupGranularityNs) {
        PolicyParams.checkNs("cfs", "latency", latencyNs, MIN_LATENCY_NS, MAX_PARAM_NS);
        PolicyParams.checkNs("cfs", "min_granularity", minGranularityNs, MIN_MIN_GRANULARITY_NS, MAX_PARAM_NS);
        PolicyParams.checkNs("cfs", "wakeup_granularity", wakeupGranularityNs, 0, MAX_PARAM_NS);
        if (minGranularityNs > latencyNs) {
            throw new IllegalArgumentException("cfs min_granularity " + minGranularityNs + "ns exceeds latency " + latencyNs + "ns; allowed min_granularity <= latency");
        }
        this.latencyNs = latencyNs;
        this.minGranularityNs = minGranularityNs;
        this.wakeupGranularityNs = wakeupGranularityNs;
    }

    Cfs(PolicyParams p) {
        this(p.durationNs("latency", DEFAULT_LATENCY_NS, MIN_LATENCY_NS, MAX_PARAM_NS),
                p.durationNs("min_granularity", DEFAULT_MIN_GRANULARITY_NS, MIN_MIN_GRANULARITY_NS, MAX_PARAM_NS),
                p.durationNs("wakeup_granularity", DEFAULT_WAKEUP_GRANULARITY_NS, 0, MAX_PARAM_NS));
    }

    @Override
    public String name() {
        return "cfs";
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a slice only ends when someone waits for the CPU
    }

    @Override
    protected void init(int cpus) {
        rqs = new Rq[cpus];
        for (int i = 0; i < cpus; i++) rqs[i] = new Rq();
        queued = 0;
    }

    private static Entity e(Task t) {
        if (t.policyState instanceof Entity e) return e;
        Entity e = new Entity(t);
        e.weight = t.attr().weight();
        t.policyState = e;
        return e;
    }

    private static long toVirtual(long ns, int weight) {
        return weight == NiceWeights.NICE_0_WEIGHT ? ns : ns * NiceWeights.NICE_0_WEIGHT / weight;
    }

    private long periodNs(int nr) {
        return nr <= latencyNs / minGranularityNs ? latencyNs : nr * minGranularityNs;
    }

    /** Wall-clock slice of {@code e} on {@code rq}: period x weight / queue weight, with e counted
     *  in both if it is not on the queue yet (a new task, as Linux's sched_slice). */
    private long sliceNs(Rq rq, Entity e) {
        int nr = e.counted ? rq.nr : rq.nr + 1;
        long load = e.counted ? rq.load : rq.load + e.weight;
        return periodNs(nr) * e.weight / load;
    }

    private void updateCurr(Rq rq, long nowNs) {
        Entity c = rq.curr;
        if (c == null) return;
        long delta = nowNs - c.execStartNs;
        if (delta > 0) {
            c.key += toVirtual(delta, c.weight);
            c.execStartNs = nowNs;
        }
        updateMin(rq);
    }

    private static void updateMin(Rq rq) {
        long m = Long.MAX_VALUE;
        if (rq.curr != null) m = rq.curr.key;
        TaskHeap.Node left = rq.heap.peek();
        if (left != null) m = Math.min(m, left.key);
        if (m != Long.MAX_VALUE && m > rq.minVruntime) rq.minVruntime = m;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        Entity e = e(task);
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        if (e.cpu >= 0 && e.cpu != cpu) e.key = e.key - rqs[e.cpu].minVruntime + rq.minVruntime; // keep relative position
        e.weight = task.attr().weight();
        switch (reason) {
            case NEW -> e.key = rq.minVruntime + toVirtual(sliceNs(rq, e), e.weight);
            case WAKEUP -> {
                long cap = rq.minVruntime + toVirtual(periodNs(rq.nr + 1), e.weight); // one period's run
                if (e.key > cap) rq.leadsCapped++;
                e.key = Math.min(Math.max(e.key, rq.minVruntime - latencyNs / 2), cap);
            }
            default -> { }
        }
        e.cpu = cpu;
        addToRq(rq, e);
        if ((reason == EnqueueReason.WAKEUP || reason == EnqueueReason.NEW) && rq.curr != null
                && rq.curr.key - e.key > toVirtual(wakeupGranularityNs, e.weight)) {
            rq.wakeupPreemptions++;
            ctx.requestPreempt(cpu);
        }
    }

    private void addToRq(Rq rq, Entity e) {
        rq.heap.add(e);
        queued++;
        rq.load += e.weight;
        rq.nr++;
        e.counted = true;
    }

    private void removeFromRq(Rq rq, Entity e) {
        if (rq.heap.remove(e)) queued--; // a running task is counted in nr but not in the heap
        rq.load -= e.weight;
        rq.nr--;
        e.counted = false;
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = (Entity) rq.heap.poll();
        if (e == null) return null;
        queued--;
        rq.curr = e;
        updateMin(rq);
        return e.task;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        e(task).execStartNs = nowNs;
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        if (rq.heap.isEmpty()) return false;
        long slice = sliceNs(rq, e(task));
        boolean expired = ranNs >= slice
                || (ranNs >= minGranularityNs && e(task).key - rq.heap.peek().key > toVirtual(slice, e(task).weight));
        if (expired) rq.sliceExpiries++;
        return expired;
    }

    /** Its tick says yes at the first of: its slice used up, or min_granularity run and its
     *  vruntime more than a virtual slice past the leftmost's. Both move only with its own
     *  running while the queue stays as it is (an enqueue, a move or a weight change voids the
     *  hint). With nothing queued only an enqueue or a move can make it say yes. */
    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = e(task);
        TaskHeap.Node left = rq.heap.peek();
        if (left == null) return Long.MAX_VALUE;
        long slice = sliceNs(rq, e);
        long bySlice = nowNs + Math.max(0, slice - ranNs);
        long dv = left.key + toVirtual(slice, e.weight) - e.key; // it says yes once e.key - left.key > this
        long lead = dv < 0 ? 0 : dv * e.weight / NiceWeights.NICE_0_WEIGHT; // rounded down: never late
        long byLead = nowNs + Math.max(Math.max(0, minGranularityNs - ranNs), lead);
        return Math.min(bySlice, byLead);
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        Entity e = e(task);
        if (rq.curr == e) rq.curr = null;
        if (e.counted) { rq.load -= e.weight; rq.nr--; e.counted = false; }
    }

    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        Entity e = e(task);
        int w = task.attr().weight();
        if (e.counted) {
            Rq rq = rqs[e.cpu];
            if (rq.curr == e) updateCurr(rq, nowNs);
            rq.load += w - e.weight;
        }
        e.weight = w;
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        Rq dst = rqs[cpu];
        if (queued == dst.heap.size()) return 0; // no other queue holds a task: the scan below would move none
        int busiest = -1;
        for (int c = 0; c < rqs.length; c++) {
            if (c != cpu && (busiest < 0 || rqs[c].heap.size() > rqs[busiest].heap.size())) busiest = c;
        }
        if (busiest < 0) return 0;
        Rq src = rqs[busiest];
        if (!idle && src.nr - dst.nr < 2) return 0;
        return move(busiest, cpu, idle ? (src.heap.size() + 1) / 2 : (src.nr - dst.nr) / 2);
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return move(stalledCpu, toCpu, Integer.MAX_VALUE);
    }

    /** Moves up to {@code want} queued tasks from {@code from} to {@code to}, keeping each one's
     *  vruntime relative to min_vruntime. */
    private int move(int from, int to, int want) {
        Rq src = rqs[from], dst = rqs[to];
        int moved = 0;
        for (; moved < want && !src.heap.isEmpty(); moved++) {
            Entity e = (Entity) src.heap.at(src.heap.size() - 1); // a leaf: cheap to remove, rarely the next to run
            removeFromRq(src, e);
            e.key = e.key - src.minVruntime + dst.minVruntime;
            e.cpu = to;
            addToRq(dst, e);
        }
        dst.migrations += moved;
        return moved;
    }

    @Override
    public long balanceIntervalNs() {
        return 4 * latencyNs;
    }

    /** Tasks queued in all the heaps (for tests: it must match what the host has queued). */
    int queuedTasks() {
        return queued;
    }

    /** Virtual runtime of {@code task} (for tests and traces). */
    public static long vruntimeNs(Task task) {
        return e(task).key;
    }

    public long minVruntimeNs(int cpu) {
        return rqs[cpu].minVruntime;
    }

    @Override
    public void dump(PrintWriter out) {
        out.print(name() + " latency=" + latencyNs + "ns min_granularity=" + minGranularityNs + "ns queued");
        for (int c = 0; c < rqs.length; c++) out.print(" cpu" + c + "=" + rqs[c].heap.size());
        long wakeupPreemptions = 0, sliceExpiries = 0, migrations = 0, leadsCapped = 0;
        for (Rq rq : rqs) {
            wakeupPreemptions += rq.wakeupPreemptions;
            sliceExpiries += rq.sliceExpiries;
            migrations += rq.migrations;
            leadsCapped += rq.leadsCapped;
        }
        out.println(" wakeupPreemptions=" + wakeupPreemptions + " sliceExpiries=" + sliceExpiries + " migrations=" + migrations + " leadsCapped=" + leadsCapped);
    }
}
