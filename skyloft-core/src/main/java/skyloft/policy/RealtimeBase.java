package skyloft.policy;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * What {@link Deadline} (EDF over CBS) and {@link RateMonotonic} share: real-time tasks (those
 * with runtime/deadline/period attributes) in ready heaps ordered by a key the subclass sets
 * (absolute deadline, or period), either one global heap or one per CPU (partitioned); plain
 * tasks in one global background FIFO below every real-time task, round-robin with a 50us
 * slice among themselves; admission bookkeeping; first-fit-decreasing partitioning; and
 * preemption of the CPU running the least urgent task when a more urgent one becomes ready.
 *
 * <p>Global placement counts the tasks already sent to a CPU that has not switched yet. Each
 * CPU has a <em>claim</em>: the queued task {@link #makeReady} last sent it (by a
 * {@code requestPreempt} of its task, or a kick of it, or an enqueue on it, while idle). A claim
 * ends when the CPU starts a task ({@link #running}: it takes the heap's top, which is at least
 * as urgent) and is void once the claimed task is no longer queued. A CPU counts as running the
 * more urgent of its task and its claim; an idle CPU without a claim is free. A ready task goes
 * to the first free CPU (kicked unless it is the CPU the host is waking for this enqueue), else
 * to the CPU counted as running the least urgent task if it is more urgent than that, so tasks
 * released together each get their own CPU. Before 2026-11-23 each enqueue looked only at the
 * CPUs' current tasks: two releases at once both preempted the same CPU (the second waited for a
 * tick or a completion), or both went to one idle CPU while another stayed asleep. A claim that a
 * more urgent task takes over is left queued without one: it was the least urgent task any CPU
 * was about to run, so no CPU is left for it. A CPU that starts a task another CPU had claimed
 * hands its own claim to that CPU, which will take the next top instead. The global tick gives
 * way only for a queued task no pending switch will take: it counts the claims and at most that
 * many + 1 queued tasks more urgent than its own (a pruned heap walk), skips CPUs with a claim,
 * and, as before, gives way only if no CPU is free and every other CPU runs a more urgent task.
 * All of this is O(CPUs) per op. Partitioned placement has no claims: a task can only run on its
 * own CPU, which takes the most urgent of its queue when it switches.
 *
 * <p>Partitioned placement is recomputed at each admission: all admitted tasks, in decreasing
 * bandwidth order, go to the first CPU where {@link #fits} holds; a task that fits nowhere
 * (only possible with admission off) goes to the least loaded CPU. Queued tasks whose CPU
 * changed move at once, and their new CPU is kicked or preempted as at an enqueue; a running
 * one moves at its next enqueue.
 *
 * <p>Concurrency: the host serializes all ops, so the heaps and lists are plain fields.
 */
abstract class RealtimeBase extends SchedPolicy {
    static final long BACKGROUND_SLICE_NS = 50_000;

    /** Per-task state: the heap node plus the admitted parameters and the server state. */
    static final class Rt extends TaskHeap.Node {
        boolean rt;            // has admitted deadline parameters
        long cNs, dNs, tNs;    // admitted runtime, relative deadline, period
        long bw;               // admitted bandwidth, fixed point (RtAnalysis.BW_SHIFT)
        boolean admitted;      // counted in the admitted list
        int home = -1;         // partitioned: the CPU this task runs on
        TaskHeap in;           // the heap it is queued in, or null
        boolean inBackground;  // queued in the background FIFO
        long runtimeLeftNs, deadlineAbsNs, accountedAtNs; // CBS server state (deadline only)
        int claimedBy = -1;    // global: the CPU whose claim this queued task is, or -1

        Rt(Task t) { super(t); }
    }

    protected final boolean partitioned;
    protected final boolean admission;
    protected int cpus;
    protected TaskHeap[] ready;
    protected ArrayDeque<Task> background;
    protected List<Rt> admittedList;
    protected long preemptRequests, repartitions;
    /** Global placement: per CPU, its claim (see the class comment), or null; void once stale. */
    private Rt[] claim;

    RealtimeBase(boolean partitioned, boolean admission) {
        this.partitioned = partitioned;
        this.admission = admission;
    }

    @Override
    protected void init(int cpus) {
        this.cpus = cpus;
        ready = new TaskHeap[partitioned ? cpus : 1];
        for (int i = 0; i < ready.length; i++) ready[i] = new TaskHeap();
        background = new ArrayDeque<>();
        admittedList = new ArrayList<>();
        claim = new Rt[cpus];
        preemptRequests = repartitions = 0;
    }

    /** CPU a partitioned real-time task is bound to, -1 if none. */
    public static int homeCpu(Task task) {
        return state(task).home;
    }

    static Rt state(Task t) {
        if (t.policyState instanceof Rt s) return s;
        Rt s = new Rt(t);
        t.policyState = s;
        return s;
    }

    /** Would {@code cand} fit on a CPU already holding {@code onCpu}? (partitioned placement) */
    abstract boolean fits(List<Rt> onCpu, Rt cand);

    /** Admission check over the whole admitted set (candidate included); null if fine, else why not. */
    abstract String refusal(Rt cand);

    /** Sets {@code s.key} (and server state) for a task released by NEW or WAKEUP. */
    abstract void release(Rt s, EnqueueReason reason, long nowNs);

    // ---- admission ----

    @Override
    public void admit(Task task, SchedAttr proposed) {
        Rt s = state(task);
        boolean wasRt = s.admitted;
        long c = s.cNs, d = s.dNs, t = s.tNs, bw = s.bw;
        if (!proposed.hasDeadline()) {
            if (wasRt) { admittedList.remove(s); s.admitted = false; s.bw = 0; }
            return;
        }
        if (wasRt && c == proposed.runtimeNs() && d == proposed.deadlineNs() && t == proposed.periodNs()) return;
        s.cNs = proposed.runtimeNs();
        s.dNs = proposed.deadlineNs();
        s.tNs = proposed.periodNs();
        s.bw = RtAnalysis.bandwidth(s.cNs, s.tNs);
        if (!wasRt) { admittedList.add(s); s.admitted = true; }
        String why = admission ? refusal(s) : null;
        if (why != null) {
            if (wasRt) { s.cNs = c; s.dNs = d; s.tNs = t; s.bw = bw; } else { admittedList.remove(s); s.admitted = false; }
            throw new AdmissionException(name() + ": refusing runtime " + fmt(proposed.runtimeNs()) + " / deadline "
                    + fmt(proposed.deadlineNs()) + " / period " + fmt(proposed.periodNs()) + " for " + task.name()
                    + ": " + why, "create the policy with admission=off");
        }
        if (partitioned) { if (cpus == 1) s.home = 0; else firstFitDecreasing(true); } // one CPU: nothing to place
    }

    static String fmt(long ns) { return skyloft.util.Durations.format(ns); }

    @Override
    public void taskExit(Task task, long nowNs) {
        Rt s = state(task);
        if (s.admitted) { admittedList.remove(s); s.admitted = false; }
    }

    /** A partition: the tasks per CPU, and the first task that fit on no CPU (or null). */
    record Placement(List<List<Rt>> perCpu, Rt misfit) {}

    /** First fit decreasing by bandwidth over all admitted tasks; with {@code apply}, moves
     *  tasks to their new CPUs. A task that fits nowhere goes to the least loaded CPU. */
    Placement firstFitDecreasing(boolean apply) {
        if (apply) repartitions++;
        List<Rt> order = new ArrayList<>(admittedList);
        order.sort((a, b) -> a.bw != b.bw ? Long.compare(b.bw, a.bw) : Long.compare(a.tie, b.tie));
        List<List<Rt>> perCpu = new ArrayList<>();
        long[] load = new long[cpus];
        for (int i = 0; i < cpus; i++) perCpu.add(new ArrayList<>());
        Rt misfit = null;
        for (Rt s : order) {
            int chosen = -1;
            for (int c = 0; c < cpus && chosen < 0; c++) if (fits(perCpu.get(c), s)) chosen = c;
            if (chosen < 0) {
                if (misfit == null) misfit = s;
                chosen = 0;
                for (int c = 1; c < cpus; c++) if (load[c] < load[chosen]) chosen = c;
            }
            perCpu.get(chosen).add(s);
            load[chosen] += s.bw;
            if (apply && s.home != chosen) {
                s.home = chosen;
                if (s.in != null && s.in != throttledHeap()) {
                    s.in.remove(s);
                    s.in = ready[chosen];
                    ready[chosen].add(s);
                    nudge(s, chosen, 0); // admit has no clock: 0 is "now" to every host
                }
            }
        }
        return new Placement(perCpu, misfit);
    }

    /** The heap of throttled servers, if the subclass has one. */
    TaskHeap throttledHeap() { return null; }

    /** Runs before every op that sees the time: the deadline policy replenishes servers here. */
    void catchUp(long nowNs) {}

    // ---- placement and queues ----

    int homeOf(Rt s, int cpu) {
        return partitioned && s.rt ? Math.max(0, s.home) : cpu;
    }

    TaskHeap heapFor(int cpu) {
        return ready[partitioned ? cpu : 0];
    }

    @Override
    public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
        Rt s = state(task);
        if (partitioned && s.admitted && s.home >= 0) return s.home;
        return super.selectCpu(task, prevCpu, reason, nowNs);
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        catchUp(nowNs);
        Rt s = state(task);
        s.rt = s.admitted;
        if (!s.rt) {
            s.inBackground = true;
            background.addLast(task);
            return;
        }
        if (reason == EnqueueReason.NEW || reason == EnqueueReason.WAKEUP) release(s, reason, nowNs);
        if (!parkIfThrottled(s, cpu, nowNs)) makeReady(s, cpu, nowNs);
    }

    /** Subclass hook: queue a server with no runtime left until its replenishment; true if it did. */
    boolean parkIfThrottled(Rt s, int cpu, long nowNs) { return false; }

    /** Puts a real-time task in its ready heap and sends it to a CPU: partitioned, its own CPU;
     *  global, the first free CPU, else the CPU counted as running the least urgent task (its
     *  task or its claim) if {@code s} is more urgent (see the class comment). */
    void makeReady(Rt s, int cpu, long nowNs) {
        int target = homeOf(s, cpu);
        TaskHeap h = heapFor(target);
        s.in = h;
        s.claimedBy = -1;
        h.add(s);
        if (partitioned) {
            if (target != cpu || !ctx.isIdle(target)) nudge(s, target, nowNs); // the host wakes an idle enqueuing CPU itself
            return;
        }
        int worst = -1;
        Task worstTask = null;
        for (int c = 0; c < cpus; c++) {
            Task e = effective(c);
            if (e == null) { // free: the host wakes an idle enqueuing CPU itself
                setClaim(c, s);
                if (c != cpu) ctx.kickAt(c, nowNs);
                return;
            }
            if (worst < 0 || moreUrgent(worstTask, e)) { worst = c; worstTask = e; }
        }
        if (worst < 0 || !moreUrgent(s, worstTask)) return;
        Rt displaced = validClaim(worst);
        if (displaced == null) { preemptRequests++; ctx.requestPreempt(worst); } // busy: an idle CPU without a claim is free
        else displaced.claimedBy = -1; // the CPU already switches; see the class comment for why no CPU is left for it
        setClaim(worst, s);
    }

    private void setClaim(int c, Rt s) {
        claim[c] = s;
        s.claimedBy = c;
    }

    /** Global: {@code c}'s claim if it still holds (the task is queued and claimed by {@code c}), else null. */
    private Rt validClaim(int c) {
        Rt x = claim[c];
        if (x != null && (x.claimedBy != c || x.in != ready[0])) { claim[c] = null; x = null; }
        return x;
    }

    /** Global: the task CPU {@code c} counts as running: the more urgent of its task and its
     *  claim; null if it is idle without a claim (free). */
    private Task effective(int c) {
        Task cur = ctx.current(c);
        Rt x = validClaim(c);
        return x != null && moreUrgent(x, cur) ? x.task : cur;
    }

    /** Global: {@code cpu} starts {@code task}, so its claim ends. If another CPU had claimed
     *  {@code task}, that CPU will take the heap's next top when it switches: it gets this
     *  CPU's claim (or none). */
    @Override
    public void running(int cpu, Task task, long nowNs) {
        if (partitioned) return;
        Rt mine = validClaim(cpu);
        claim[cpu] = null;
        Rt picked = state(task);
        int other = picked.claimedBy;
        picked.claimedBy = -1;
        if (other >= 0 && other != cpu && claim[other] == picked) {
            claim[other] = mine;
            if (mine != null) mine.claimedBy = other;
        } else if (mine != null) {
            mine.claimedBy = -1;
        }
    }

    /** {@code s} is now ready in {@code cpu}'s heap: kicks that CPU at {@code atNs} if it is idle,
     *  else preempts its task if {@code s} is more urgent. */
    void nudge(Rt s, int cpu, long atNs) {
        if (ctx.isIdle(cpu)) ctx.kickAt(cpu, atNs);
        else if (moreUrgent(s, ctx.current(cpu))) { preemptRequests++; ctx.requestPreempt(cpu); }
    }

    /** True if {@code a} (a real-time task's state) should run before task {@code b}. */
    static boolean moreUrgent(Rt a, Task b) {
        if (b == null) return true;
        Rt o = state(b);
        if (!o.rt) return true;
        return a.key < o.key || (a.key == o.key && a.tie < o.tie);
    }

    /** True if task {@code a} is real-time and should run before {@code b}. */
    static boolean moreUrgent(Task a, Task b) {
        Rt s = state(a);
        return s.rt && moreUrgent(s, b);
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        catchUp(nowNs);
        TaskHeap.Node n = heapFor(cpu).poll();
        if (n != null) { ((Rt) n).in = null; return n.task; } // a claim on it is void from here; running ends it
        Task t = background.pollFirst();
        if (t != null) state(t).inBackground = false;
        return t;
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        catchUp(nowNs);
        Rt s = state(task);
        TaskHeap.Node top = heapFor(cpu).peek();
        if (!s.rt) return top != null || (ranNs >= BACKGROUND_SLICE_NS && !background.isEmpty());
        if (top == null || !moreUrgent((Rt) top, task)) return false;
        if (partitioned) return true;
        // Global: the CPUs with a claim switch soon and take the most urgent queued tasks; give
        // way only for one they leave, and only if this CPU runs the least urgent task of those
        // that do not switch and no CPU is free.
        int claims = 0;
        for (int c = 0; c < cpus; c++) if (validClaim(c) != null) claims++;
        if (claims > 0 && ready[0].countBefore(s.key, s.tie, claims + 1) <= claims) return false;
        for (int c = 0; c < cpus; c++) {
            if (c == cpu || validClaim(c) != null) continue;
            if (ctx.isIdle(c) || moreUrgent(s, ctx.current(c))) return false;
        }
        return true;
    }

    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        Rt s = state(task);
        SchedAttr now = task.attr();
        boolean sameParams = old.runtimeNs() == now.runtimeNs() && old.deadlineNs() == now.deadlineNs() && old.periodNs() == now.periodNs();
        // As Linux's sched_setattr: a change that leaves Q, D and P alone (nice, slice) leaves the
        // task where it is; above all, a throttled server must not get a fresh runtime from it.
        if (s.rt == s.admitted && (!s.rt || sameParams)) return;
        boolean queued = s.in != null || s.inBackground;
        if (s.in != null) { s.in.remove(s); s.in = null; s.claimedBy = -1; }
        if (s.inBackground) { background.remove(task); s.inBackground = false; }
        s.rt = s.admitted;
        if (s.rt) release(s, EnqueueReason.NEW, nowNs);
        if (!queued) return;
        if (!s.rt) { s.inBackground = true; background.addLast(task); }
        else if (!parkIfThrottled(s, Math.max(0, task.lastCpu()), nowNs)) makeReady(s, Math.max(0, task.lastCpu()), nowNs);
    }

    @Override
    public List<Task> drain(long nowNs) {
        List<Task> out = new ArrayList<>();
        for (TaskHeap h : ready) for (TaskHeap.Node n; (n = h.poll()) != null; ) { ((Rt) n).in = null; out.add(n.task); }
        TaskHeap th = throttledHeap();
        if (th != null) for (TaskHeap.Node n; (n = th.poll()) != null; ) { ((Rt) n).in = null; out.add(n.task); }
        for (Task t; (t = background.pollFirst()) != null; ) { state(t).inBackground = false; out.add(t); }
        return out;
    }

    @Override
    public void dump(PrintWriter out) {
        out.print(name() + (partitioned ? " partitioned" : " global") + " admission=" + (admission ? "on" : "off") + " ready");
        for (int i = 0; i < ready.length; i++) out.print((partitioned ? " cpu" + i : " all") + "=" + ready[i].size());
        TaskHeap th = throttledHeap();
        out.println((th != null ? " throttled=" + th.size() : "") + " background=" + background.size()
                + " admitted=" + admittedList.size() + " preemptRequests=" + preemptRequests + " repartitions=" + repartitions);
    }
}
