package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * The Linux 2.6.0-2.6.22 O(1) scheduler, with time scaled from milliseconds to microseconds.
 * 140 priority levels (0-99 real-time, unused here; 100-139 = nice -20..19). Each CPU has an
 * active and an expired array, each 140 FIFO lists plus a bitmap; the next task is the head of
 * the list of the first set bit of the active bitmap (find-first-set over three words), so
 * pick-next costs the same whatever the number of runnable tasks. A task whose timeslice runs
 * out moves to the expired array (its priority and slice recomputed); when the active array is
 * empty the two arrays swap. Timeslice by static priority: max(base x (140 - prio) / 20, 5),
 * base 400 below nice 0 and 100 otherwise, in microseconds: nice -20 800us, 0 100us, +19 5us.
 * Interactivity: a sleep average (up to 1000us, credited by sleeping, debited by running)
 * gives a bonus -5..+5 to the dynamic priority; an interactive task (bonus at least nice/4 + 2)
 * goes back to the active array when its slice ends, unless the expired array has been
 * starved for longer than 1000us per runnable task, or holds a task of better static priority
 * (Linux's best_expired_prio). A woken task goes to the active array (with
 * a fresh slice if it blocked with none left, as activate_task has it), and preempts the running
 * one if it outranks it. Yield moves the task to the expired array, as 2.6 did.
 *
 * <p>Parameters: none (the constants above are Linux's, scaled by 1/1000).
 *
 * <p>Good at: constant-time picks at any load, and responsiveness for sleepers. Bad at:
 * fairness: the interactivity heuristics can be gamed and misjudge tasks, nice levels give
 * slice lengths rather than proportional shares, and a CPU-bound task can wait a whole array
 * round (what CFS replaced it for).
 *
 * <p>Multicore: per-CPU arrays; wakeups prefer the previous CPU while idle; an idle CPU pulls
 * half of the busiest CPU's tasks, expired ones first (cache-cold); periodic balance every
 * 1ms when another CPU has two or more tasks more. Concurrency: serialized by the host; plain
 * fields, intrusive lists (no allocation per enqueue).
 */
public final class O1 extends SchedPolicy {
    static final int MAX_PRIO = 140, MAX_RT_PRIO = 100;
    static final long MIN_TIMESLICE_NS = 5_000, MAX_SLEEP_AVG_NS = 1_000_000, STARVATION_LIMIT_NS = 1_000_000;

    static final class Entity {
        final Task task;
        Entity prev, next;
        Prio array;            // the array it is queued in, or null
        int prio;              // dynamic priority 100..139
        long sliceLeftNs, sleepAvgNs, blockedAtNs, lastTickNs;
        boolean sliceDone;     // the slice ran out; goes to the expired array at its re-enqueue, unless woken
        int cpu = -1;
        Entity(Task t) { task = t; }
    }

    /** Tasks queued in all the CPUs' arrays (not running), one per policy instance: lets an idle
     *  balance skip its scan of every CPU when only its own arrays, or none, hold a task. Written
     *  by every Prio add and remove, all under the host's serialization. */
    static final class Queued {
        int n;
    }

    /** One priority array: 140 FIFO lists and a bitmap of the non-empty ones. */
    static final class Prio {
        final Entity[] head = new Entity[MAX_PRIO], tail = new Entity[MAX_PRIO];
        final long[] bitmap = new long[3];
        final Queued all;
        int count;

        Prio(Queued all) {
            this.all = all;
        }

        void add(Entity e, boolean atHead) {
            int p = e.prio;
            e.array = this;
            if (head[p] == null) { head[p] = tail[p] = e; e.prev = e.next = null; bitmap[p >>> 6] |= 1L << p; }
            else if (atHead) { e.prev = null; e.next = head[p]; head[p].prev = e; head[p] = e; }
            else { e.next = null; e.prev = tail[p]; tail[p].next = e; tail[p] = e; }
            count++;
            all.n++;
        }

        void remove(Entity e) {
            int p = e.prio;
            if (e.prev != null) e.prev.next = e.next; else head[p] = e.next;
            if (e.next != null) e.next.prev = e.prev; else tail[p] = e.prev;
            if (head[p] == null) bitmap[p >>> 6] &= ~(1L << p);
            e.prev = e.next = null;
            e.array = null;
            count--;
            all.n--;
        }

        /** First set bit: the best non-empty priority, or -1. */
        int first() {
            for (int w = 0; w < bitmap.length; w++) if (bitmap[w] != 0) return (w << 6) + Long.numberOfTrailingZeros(bitmap[w]);
            return -1;
        }
    }

    static final class Rq {
        Prio active, expired;
        long expiredSinceNs = -1;
        /** The best (lowest) static priority whose slice expired into the expired array since the
         *  last swap (MAX_PRIO: none), as Linux's best_expired_prio: an interactive task of a worse
         *  static priority does not go back ahead of it. */
        int bestExpiredPrio = MAX_PRIO;
        Entity curr;
        int nr() { return active.count + expired.count + (curr != null ? 1 : 0); }
        Rq(Queued all) {
            active = new Prio(all);
            expired = new Prio(all);
        }
    }

    private Rq[] rqs;
    private Queued queued;
    private long swaps, expiries, interactiveReinserts, wakeupPreemptions, migrations;

    public O1() {}

    O1(PolicyParams ignored) {}

    @Override
    public String name() {
        return "o1";
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a slice only ends when someone waits for the CPU
    }

    @Override
    protected void init(int cpus) {
        rqs = new Rq[cpus];
        queued = new Queued();
        for (int i = 0; i < cpus; i++) rqs[i] = new Rq(queued);
        swaps = expiries = interactiveReinserts = wakeupPreemptions = migrations = 0;
    }

    private static Entity e(Task t) {
        if (t.policyState instanceof Entity e) return e;
        Entity e = new Entity(t);
        t.policyState = e;
        e.prio = staticPrio(t);
        e.sliceLeftNs = timesliceNs(staticPrio(t));
        return e;
    }

    static int staticPrio(Task t) { return MAX_RT_PRIO + 20 + t.attr().nice(); }

    /** Linux 2.6: max(base x (140 - static_prio) / 20, 5), base 400 below nice 0 else 100; in us. */
    static long timesliceNs(int staticPrio) {
        long baseNs = staticPrio < 120 ? 400_000 : 100_000;
        return Math.max(baseNs * (MAX_PRIO - staticPrio) / 20, MIN_TIMESLICE_NS);
    }

    static int bonus(Entity e) {
        return (int) (e.sleepAvgNs * 10 / MAX_SLEEP_AVG_NS) - 5;
    }

    static boolean interactive(Entity e) {
        return bonus(e) >= Math.floorDiv(e.task.attr().nice(), 4) + 2;
    }

    private static void recalcPrio(Entity e) {
        e.prio = Math.max(MAX_RT_PRIO, Math.min(MAX_PRIO - 1, staticPrio(e.task) - bonus(e)));
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = e(task);
        e.cpu = cpu;
        if (reason == EnqueueReason.WAKEUP) {
            e.sleepAvgNs = Math.min(MAX_SLEEP_AVG_NS, e.sleepAvgNs + Math.max(0, nowNs - e.blockedAtNs));
            recalcPrio(e);
        }
        if (reason == EnqueueReason.YIELD) {
            addExpired(rq, e, nowNs);
        } else if (e.sliceDone && reason == EnqueueReason.WAKEUP) {
            // it blocked with its slice used up: Linux refilled that slice at the tick that ended
            // it, and activate_task puts a woken task in the active array, whatever its slice
            e.sliceDone = false;
            e.sliceLeftNs = timesliceNs(staticPrio(task));
            rq.active.add(e, false);
        } else if (e.sliceDone) {
            e.sliceDone = false;
            recalcPrio(e);
            e.sliceLeftNs = timesliceNs(staticPrio(task));
            // Linux's EXPIRED_STARVING: the expired array has waited over the limit per runnable task
            // (this one counted, as nr_running counts it), or holds a task of better static priority
            boolean starving = rq.expiredSinceNs >= 0 && nowNs - rq.expiredSinceNs > STARVATION_LIMIT_NS * (rq.nr() + 1)
                    || staticPrio(task) > rq.bestExpiredPrio;
            if (interactive(e) && !starving) { interactiveReinserts++; rq.active.add(e, false); }
            else {
                rq.bestExpiredPrio = Math.min(rq.bestExpiredPrio, staticPrio(task)); // as scheduler_tick: expiries only
                addExpired(rq, e, nowNs);
            }
        } else {
            rq.active.add(e, reason == EnqueueReason.PREEMPTED); // preempted with slice left: back to the head
        }
        Entity c = rq.curr;
        if ((reason == EnqueueReason.WAKEUP || reason == EnqueueReason.NEW) && c != null && e.prio < c.prio && e.array == rq.active) {
            wakeupPreemptions++;
            ctx.requestPreempt(cpu);
        }
    }

    private static void addExpired(Rq rq, Entity e, long nowNs) {
        if (rq.expired.count == 0) rq.expiredSinceNs = nowNs;
        rq.expired.add(e, false);
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        Rq rq = rqs[cpu];
        if (rq.active.count == 0 && rq.expired.count > 0) {
            Prio t = rq.active; rq.active = rq.expired; rq.expired = t;
            rq.expiredSinceNs = -1;
            rq.bestExpiredPrio = MAX_PRIO;
            swaps++;
        }
        int p = rq.active.first();
        if (p < 0) return null;
        Entity e = rq.active.head[p];
        rq.active.remove(e);
        rq.curr = e;
        return e.task;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        e(task).lastTickNs = nowNs;
    }

    private static void charge(Entity e, long nowNs) {
        long ran = Math.max(0, nowNs - e.lastTickNs);
        e.lastTickNs = nowNs;
        e.sliceLeftNs -= ran;
        e.sleepAvgNs = Math.max(0, e.sleepAvgNs - ran);
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = e(task);
        charge(e, nowNs);
        if (e.sliceLeftNs > 0) return false;
        expiries++;
        if (rq.active.count + rq.expired.count == 0) { // alone: a fresh slice, keep running
            recalcPrio(e);
            e.sliceLeftNs = timesliceNs(staticPrio(task));
            return false;
        }
        e.sliceDone = true;
        return true;
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        Rq rq = rqs[cpu];
        Entity e = e(task);
        charge(e, nowNs);
        if (e.sliceLeftNs <= 0) e.sliceDone = true;
        if (rq.curr == e) rq.curr = null;
        if (reason == StopReason.BLOCK) e.blockedAtNs = nowNs;
    }

    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        Entity e = e(task);
        Prio a = e.array;
        if (a != null) a.remove(e);
        recalcPrio(e);
        if (a != null) a.add(e, false);
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        Rq dst = rqs[cpu];
        if (queued.n == dst.active.count + dst.expired.count) return 0; // no other CPU holds a queued task: the scan below would move none
        int busiest = -1;
        for (int c = 0; c < rqs.length; c++) if (c != cpu && (busiest < 0 || rqs[c].nr() > rqs[busiest].nr())) busiest = c;
        if (busiest < 0) return 0;
        Rq src = rqs[busiest];
        int queued = src.active.count + src.expired.count;
        if (!idle && src.nr() - dst.nr() < 2) return 0;
        return move(busiest, cpu, idle ? (queued + 1) / 2 : (src.nr() - dst.nr()) / 2, nowNs);
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return move(stalledCpu, toCpu, Integer.MAX_VALUE, nowNs);
    }

    /** Moves up to {@code want} queued tasks, the least urgent first, from {@code fromCpu} to {@code toCpu}. */
    private int move(int fromCpu, int toCpu, int want, long nowNs) {
        Rq src = rqs[fromCpu], dst = rqs[toCpu];
        int moved = 0;
        for (; moved < want; moved++) {
            Prio from = src.expired.count > 0 ? src.expired : src.active;
            int p = lastSet(from);
            if (p < 0) break;
            Entity e = from.tail[p];
            from.remove(e);
            e.cpu = toCpu;
            if (from == src.expired) addExpired(dst, e, nowNs); else dst.active.add(e, false);
        }
        migrations += moved;
        return moved;
    }

    /** Tasks queued in all the arrays (for tests: it must match what the host has queued). */
    int queuedTasks() {
        return queued.n;
    }

    /** Lowest non-empty priority (the least urgent tasks move first). */
    private static int lastSet(Prio a) {
        for (int w = a.bitmap.length - 1; w >= 0; w--) if (a.bitmap[w] != 0) return (w << 6) + 63 - Long.numberOfLeadingZeros(a.bitmap[w]);
        return -1;
    }

    @Override
    public long balanceIntervalNs() {
        return 1_000_000;
    }

    /** Dynamic priority of {@code task}, 100..139 (for tests and traces). */
    public static int prio(Task task) { return e(task).prio; }

    /** True if {@code task} is queued in {@code cpu}'s expired array. */
    public boolean isExpired(int cpu, Task task) { return e(task).array == rqs[cpu].expired; }

    @Override
    public void dump(PrintWriter out) {
        out.print(name() + " queued(active/expired)");
        for (int c = 0; c < rqs.length; c++) out.print(" cpu" + c + "=" + rqs[c].active.count + "/" + rqs[c].expired.count);
        out.println(" swaps=" + swaps + " expiries=" + expiries + " interactiveReinserts=" + interactiveReinserts
                + " wakeupPreemptions=" + wakeupPreemptions + " migrations=" + migrations);
    }
}
