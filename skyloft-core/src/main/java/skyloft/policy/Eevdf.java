package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.NiceWeights;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * EEVDF (Earliest Eligible Virtual Deadline First), Linux 6.6+, at microsecond scale. Each CPU
 * tracks V, the weight-averaged vruntime of its runnable tasks (the running one included); a
 * task's lag is w x (V - vruntime), and the lags sum to zero. A task is eligible when its lag is
 * not negative (vruntime &lt;= V). Its virtual deadline is vruntime + slice x 1024 / weight; the
 * eligible task with the earliest virtual deadline runs. When the running task's vruntime
 * reaches its deadline it gets a new one and, if others wait, is preempted. A task keeps its lag
 * across sleep: it is placed at V - lag x (W + w) / W, so that adding its own weight to the
 * average leaves its lag intact (lag clamped to two slices, own or base whichever is longer, as Linux clamps it to two slices or a tick).
 * With {@code sleeplag=decay}, a negative lag is paid off while the task sleeps, as Linux 6.12's
 * delayed dequeue has it: there the sleeper stays queued (its weight still in V) until V reaches
 * its vruntime, and leaves at lag 0 when next picked. So at wakeup its lag is what it would be
 * had it stayed on the CPU it slept from, if still negative, else 0; woken there while still
 * owing, it goes back to the vruntime it stopped at. A new task
 * starts at lag 0 with a first deadline half a slice away. A woken task preempts only if it
 * would be the pick. Yield pushes the task's deadline one slice later. A nice change keeps the
 * task's lag and scales its relative virtual deadline by old weight / new (Linux's reweight).
 *
 * <p>Parameters: {@code slice} (base slice, default 12.5us as Skyloft's); {@code sleeplag}
 * ({@code keep}, the default, as Linux 6.6; or {@code decay}, as 6.12); {@code wakeup}
 * ({@code pick}, the default: a woken task that would be the pick preempts at once; {@code
 * parity}: not while the running task is eligible and has its slice left since its pick, as
 * Linux 6.6's RUN_TO_PARITY; {@code parity_short}: the same, but a woken task with a shorter
 * slice that is eligible and ahead by deadline still preempts, as 6.12's PREEMPT_SHORT). A
 * task's own {@code sliceNs} attribute replaces it for that task: short slices get earlier
 * deadlines and so lower latency, at the same long-run share.
 *
 * <p>Good at: fairness by weight like CFS plus latency control per task through the slice,
 * without CFS's heuristics. Bad at: a task's latency still grows with the total weight
 * runnable; short slices cost more switches.
 *
 * <p>Implementation: two heaps per CPU stand in for Linux's augmented red-black tree: eligible
 * candidates by deadline, and not-yet-eligible tasks by vruntime. At pick time tasks that
 * became eligible move over, and a heap top found ineligible (V moved back) moves back; each
 * move is O(log n), so pick is O(log n) amortized. V is kept as sums relative to a zero point
 * that follows the running task (exact integers, as Linux's avg_vruntime). Multicore as CFS:
 * per-CPU queues, idle pull of half the busiest queue, periodic balance; a moved task keeps its
 * lag. Concurrency: serialized by the host; plain fields.
 */
public final class Eevdf extends SchedPolicy {
    public static final long DEFAULT_SLICE_NS = 12_500;
    static final long MIN_SLICE_NS = 1_000, MAX_SLICE_NS = 1_000_000_000;

    static final class Entity extends TaskHeap.Node {
        long vruntime, deadline, vlag, execStartNs;
        /** Its deadline when last picked: while unchanged, it has not used that slice up (parity). */
        long pickedDeadline;
        int weight;
        int cpu = -1;
        boolean counted;
        Entity(Task t) { super(t); }
    }

    static final class Rq {
        final TaskHeap eligible = new TaskHeap(); // key = virtual deadline
        final TaskHeap pending = new TaskHeap();  // key = vruntime
        long zero, sumW, sumWv;                   // sumWv = sum of w * (v - zero)
        Entity curr;
        /** Counters for dump(), per CPU so that two CPUs' ops write no common line. */
        long wakeupPreemptions, deadlineExpiries, migrations, eligibilityFlips, parityHolds;
        int queued() { return eligible.size() + pending.size(); }
    }

    /** When a woken task that would be the pick preempts the running one. */
    public enum Wakeup {
        /** At once (the default). */
        PICK,
        /** Not while the running task is eligible and has not used up the slice it was picked
         *  with: Linux 6.6's RUN_TO_PARITY. */
        PARITY,
        /** As PARITY, except that an eligible woken task with a shorter slice and an earlier
         *  deadline (or a running task no longer eligible) ends the protection: 6.12's PREEMPT_SHORT. */
        PARITY_SHORT
    }

    private final long sliceNs;
    private final boolean decaySleeperLag;
    private final Wakeup wakeup;
    private Rq[] rqs;

    public Eevdf() {
        this(DEFAULT_SLICE_NS);
    }

    public Eevdf(long sliceNs) {
        this(sliceNs, false);
    }

    /** @param decaySleeperLag true for Linux 6.12's treatment of a sleeper's negative lag (see the class header) */
    public Eevdf(long sliceNs, boolean decaySleeperLag) {
        this(sliceNs, decaySleeperLag, Wakeup.PICK);
    }

    /** @param wakeup when a woken task preempts (see {@link Wakeup}) */
    public Eevdf(long sliceNs, boolean decaySleeperLag, Wakeup wakeup) {
        this.sliceNs = PolicyParams.checkNs("eevdf", "slice", sliceNs, MIN_SLICE_NS, MAX_SLICE_NS);
        this.decaySleeperLag = decaySleeperLag;
        this.wakeup = java.util.Objects.requireNonNull(wakeup, "wakeup");
    }

    Eevdf(PolicyParams p) {
        this(p.durationNs("slice", DEFAULT_SLICE_NS, MIN_SLICE_NS, MAX_SLICE_NS),
                p.choice("sleeplag", "keep", "keep", "decay").equals("decay"),
                Wakeup.valueOf(p.choice("wakeup", "pick", "pick", "parity", "parity_short").toUpperCase(java.util.Locale.ROOT)));
    }

    @Override
    public String name() {
        return "eevdf";
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a slice only ends when someone waits for the CPU
    }

    @Override
    protected void init(int cpus) {
        rqs = new Rq[cpus];
        for (int i = 0; i < cpus; i++) rqs[i] = new Rq();
    }

    private static Entity e(Task t) {
        if (t.policyState instanceof Entity e) return e;
        Entity e = new Entity(t);
        e.weight = t.attr().weight();
        t.policyState = e;
        return e;
    }

    private long sliceOf(Entity e) {
        return e.task.attr().sliceNs() > 0 ? e.task.attr().sliceNs() : sliceNs;
    }

    private long vsliceOf(Entity e) {
        return sliceOf(e) * NiceWeights.NICE_0_WEIGHT / e.weight;
    }

    // ---- the weighted average V ----

    private static long avg(Rq rq) {
        return rq.sumW == 0 ? rq.zero : rq.zero + Math.floorDiv(rq.sumWv, rq.sumW);
    }

    private static boolean eligible(Rq rq, Entity e) {
        return (e.vruntime - rq.zero) * rq.sumW <= rq.sumWv;
    }

    private static void count(Rq rq, Entity e) {
        rq.sumW += e.weight;
        rq.sumWv += e.weight * (e.vruntime - rq.zero);
        e.counted = true;
    }

    private static void uncount(Rq rq, Entity e) {
        rq.sumW -= e.weight;
        rq.sumWv -= e.weight * (e.vruntime - rq.zero);
        e.counted = false;
    }

    private static void moveZero(Rq rq, long zero) {
        rq.sumWv -= rq.sumW * (zero - rq.zero);
        rq.zero = zero;
    }

    private void updateCurr(Rq rq, long nowNs) {
        Entity c = rq.curr;
        if (c == null) return;
        long delta = nowNs - c.execStartNs;
        if (delta <= 0) return;
        c.execStartNs = nowNs;
        long dv = delta * NiceWeights.NICE_0_WEIGHT / c.weight;
        c.vruntime += dv;
        rq.sumWv += c.weight * dv;
        moveZero(rq, c.vruntime);
    }

    // ---- queueing ----

    private static void insert(Rq rq, Entity e) {
        if (eligible(rq, e)) { e.key = e.deadline; rq.eligible.add(e); }
        else { e.key = e.vruntime; rq.pending.add(e); }
    }

    private static void unlink(Rq rq, Entity e) {
        if (!rq.eligible.remove(e)) rq.pending.remove(e);
    }

    /** Moves tasks between the two heaps until the eligible top is truly eligible; returns it. */
    private Entity best(Rq rq) {
        while (true) {
            Entity p;
            while ((p = (Entity) rq.pending.peek()) != null && eligible(rq, p)) {
                rq.pending.poll();
                p.key = p.deadline;
                rq.eligible.add(p);
                rq.eligibilityFlips++;
            }
            Entity top = (Entity) rq.eligible.peek();
            if (top == null || eligible(rq, top)) return top;
            rq.eligible.poll();
            top.key = top.vruntime;
            rq.pending.add(top);
            rq.eligibilityFlips++;
        }
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        Entity e = e(task);
        e.weight = task.attr().weight();
        if (reason == EnqueueReason.NEW || reason == EnqueueReason.WAKEUP) {
            long lag = reason == EnqueueReason.NEW ? 0 : e.vlag;
            if (lag < 0 && decaySleeperLag && e.cpu >= 0) {
                // Its lag now, had it stayed queued where it slept: with its weight w in V there,
                // V' - v = W / (W + w) x (V - v). Placed back on that CPU, it lands at v again.
                Rq old = rqs[e.cpu];
                long owed = avg(old) - e.vruntime;
                lag = owed >= 0 ? 0 : Math.max(lag, owed * old.sumW / (old.sumW + e.weight));
            }
            placeWithLag(rq, e, lag);
            e.deadline = e.vruntime + (reason == EnqueueReason.NEW ? vsliceOf(e) / 2 : vsliceOf(e));
        } else if (reason == EnqueueReason.YIELD) {
            e.deadline += vsliceOf(e);
        }
        e.cpu = cpu;
        count(rq, e);
        insert(rq, e);
        Entity c = rq.curr;
        if (c != null && reason != EnqueueReason.YIELD && reason != EnqueueReason.PREEMPTED && best(rq) == e
                && (!eligible(rq, c) || e.deadline < c.deadline)) {
            if (protectedFrom(rq, c, e)) {
                rq.parityHolds++;
            } else {
                rq.wakeupPreemptions++;
                ctx.requestPreempt(cpu);
            }
        }
    }

    /** Whether running {@code c} keeps its CPU against woken {@code e}, which would be the pick
     *  ({@link Wakeup}): eligible, and its deadline still the one it was picked with. */
    private boolean protectedFrom(Rq rq, Entity c, Entity e) {
        if (wakeup == Wakeup.PICK || !eligible(rq, c) || c.deadline != c.pickedDeadline) return false;
        // PREEMPT_SHORT: a shorter slice, eligible, ahead by deadline (c is eligible here)
        return !(wakeup == Wakeup.PARITY_SHORT && sliceOf(e) < sliceOf(c)
                && eligible(rq, e) && e.deadline < c.deadline);
    }

    /** Sets the vruntime of {@code e}, about to be counted in {@code rq}, so that its lag there is
     *  {@code lag} (clamped to two slices): V - lag x (W + w) / W, since its own weight w joining
     *  the average moves V by w x lag / (W + w). */
    private void placeWithLag(Rq rq, Entity e, long lag) {
        long limit = 2 * Math.max(vsliceOf(e), sliceNs * NiceWeights.NICE_0_WEIGHT / e.weight);
        lag = Math.max(-limit, Math.min(limit, lag));
        if (rq.sumW > 0) lag = lag * (rq.sumW + e.weight) / rq.sumW;
        e.vruntime = avg(rq) - lag;
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = best(rq);
        if (e == null) e = (Entity) rq.pending.peek(); // unreachable: the least vruntime is always eligible
        if (e == null) return null;
        unlink(rq, e);
        rq.curr = e;
        e.pickedDeadline = e.deadline;
        return e.task;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        e(task).execStartNs = nowNs;
        moveZero(rqs[cpu], e(task).vruntime);
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        Entity c = e(task);
        if (c.vruntime < c.deadline) return false;
        c.deadline = c.vruntime + vsliceOf(c);
        rq.deadlineExpiries++;
        return rq.queued() > 0;
    }

    /** Its tick says yes only once its vruntime reaches its deadline, which takes (deadline -
     *  vruntime) x weight / 1024 of its own running (tick has just brought vruntime up to date);
     *  nothing else counts, since wakeup preemption is decided at enqueue. */
    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        Entity c = e(task);
        long dv = c.deadline - c.vruntime;
        return dv <= 0 ? nowNs : nowNs + Math.max(1, dv * c.weight / NiceWeights.NICE_0_WEIGHT); // rounded down: never late
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        updateCurr(rq, nowNs);
        Entity e = e(task);
        if (rq.curr == e) rq.curr = null;
        if (e.counted) {
            e.vlag = avg(rq) - e.vruntime;
            uncount(rq, e);
        }
    }

    /**
     * A new weight (nice): as Linux's reweight, the task keeps its lag w x (V - v), so its
     * vruntime moves to V - (V - v) x w_old / w_new (6.7's fix of 6.6), and its relative
     * virtual deadline scales by w_old / w_new (6.6): renicing a queued nice-19 task to 0 leaves
     * it a nice-0 deadline, not one 68 times further off. A sleeper's saved lag scales the same way.
     */
    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        Entity e = e(task);
        int oldW = e.weight, newW = task.attr().weight();
        if (e.counted) {
            Rq rq = rqs[e.cpu];
            if (rq.curr == e) updateCurr(rq, nowNs);
            boolean queued = e.queued();
            if (queued) unlink(rq, e);
            long v = avg(rq), relDeadline = e.deadline - e.vruntime;
            uncount(rq, e);
            e.weight = newW;
            if (newW != oldW) {
                e.vruntime = v - Math.floorDiv((v - e.vruntime) * oldW, newW);
                e.deadline = e.vruntime + Math.floorDiv(relDeadline * oldW, newW);
            }
            count(rq, e);
            if (queued) insert(rq, e);
        } else {
            e.weight = newW;
            e.vlag = Math.floorDiv(e.vlag * oldW, newW);
        }
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        Rq dst = rqs[cpu];
        int busiest = -1;
        for (int c = 0; c < rqs.length; c++) {
            if (c != cpu && (busiest < 0 || rqs[c].queued() > rqs[busiest].queued())) busiest = c;
        }
        if (busiest < 0) return 0;
        Rq src = rqs[busiest];
        int srcNr = src.queued() + (src.curr != null ? 1 : 0), dstNr = dst.queued() + (dst.curr != null ? 1 : 0);
        if (!idle && srcNr - dstNr < 2) return 0;
        return move(busiest, cpu, idle ? (src.queued() + 1) / 2 : (srcNr - dstNr) / 2, nowNs);
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return move(stalledCpu, toCpu, Integer.MAX_VALUE, nowNs);
    }

    /** Moves up to {@code want} queued tasks from {@code from} to {@code to}; each keeps its lag. */
    private int move(int from, int to, int want, long nowNs) {
        Rq src = rqs[from], dst = rqs[to];
        int moved = 0;
        updateCurr(src, nowNs); // the lags are read against V of both CPUs now
        updateCurr(dst, nowNs);
        for (; moved < want && src.queued() > 0; moved++) {
            TaskHeap h = src.pending.isEmpty() ? src.eligible : src.pending; // prefer tasks that would wait anyway
            Entity e = (Entity) h.at(h.size() - 1);
            h.remove(e);
            long lag = avg(src) - e.vruntime;
            uncount(src, e);
            placeWithLag(dst, e, lag);
            e.deadline = e.vruntime + vsliceOf(e);
            e.cpu = to;
            count(dst, e);
            insert(dst, e);
        }
        dst.migrations += moved;
        return moved;
    }

    @Override
    public long balanceIntervalNs() {
        return 16 * sliceNs;
    }

    // ---- for tests and traces ----

    public long avgVruntimeNs(int cpu) { return avg(rqs[cpu]); }
    public static long vruntimeNs(Task t) { return e(t).vruntime; }
    public static long deadlineNs(Task t) { return e(t).deadline; }

    @Override
    public void dump(PrintWriter out) {
        out.print(name() + " slice=" + sliceNs + "ns sleeplag=" + (decaySleeperLag ? "decay" : "keep") + " queued");
        for (int c = 0; c < rqs.length; c++) out.print(" cpu" + c + "=" + rqs[c].eligible.size() + "+" + rqs[c].pending.size());
        long wakeupPreemptions = 0, deadlineExpiries = 0, migrations = 0, eligibilityFlips = 0, parityHolds = 0;
        for (Rq rq : rqs) {
            wakeupPreemptions += rq.wakeupPreemptions;
            parityHolds += rq.parityHolds;
            deadlineExpiries += rq.deadlineExpiries;
            migrations += rq.migrations;
            eligibilityFlips += rq.eligibilityFlips;
        }
        out.println(" wakeupPreemptions=" + wakeupPreemptions + " deadlineExpiries=" + deadlineExpiries
                + " migrations=" + migrations + " eligibilityFlips=" + eligibilityFlips
                + (wakeup == Wakeup.PICK ? "" : " wakeup=" + wakeup.name().toLowerCase(java.util.Locale.ROOT) + " parityHolds=" + parityHolds));
    }
}
