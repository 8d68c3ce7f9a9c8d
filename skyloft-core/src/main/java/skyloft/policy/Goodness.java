package skyloft.policy;

import java.io.PrintWriter;
import java.util.ArrayList;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * The Linux 2.4 scheduler, the O(n) baseline: one global run queue, and every pick scans all
 * of it for the highest "goodness" = remaining counter (in ticks) + 20 - nice, +15 if the task
 * last ran on the picking CPU (PROC_CHANGE_PENALTY); 0 once the counter is used up; -1 right
 * after a yield. When the best runnable goodness is 0 (every runnable task used its counter),
 * every known task, sleeping ones included, gets counter = counter / 2 + (20 - nice) / 4 + 1
 * ticks, so sleepers build up credit (up to twice the base); a task alone on its CPU whose
 * counter runs out starts such an epoch too and runs on. Ticks are scaled from 10ms to
 * 10us: a nice-0 task gets 60us. A woken task goes to an idle CPU if there is one; else it
 * preempts, of all CPUs, the one whose running task it beats by the most goodness there (2.4's
 * reschedule_idle), if it beats any. A yield's -1 holds for the next pick on its CPU only, as
 * 2.4 cleared SCHED_YIELD after the switch.
 *
 * <p>Parameters: none. Exists for the {@code bench pick} comparison: pick cost grows linearly
 * with the number of runnable tasks (O(1) and the O(log n) policies do not), and the counter
 * recalculation is O(all tasks).
 *
 * <p>Good at: simplicity; rewards interactive sleepers. Bad at: everything at scale: an O(n)
 * pick under a global lock, poor SMP affinity beyond the fixed bonus, coarse fairness.
 *
 * <p>Concurrency: serialized by the host; one global array list with swap-removal.
 */
public final class Goodness extends SchedPolicy {
    static final long TICK_NS = 10_000;
    static final int PROC_CHANGE_PENALTY = 15;

    static final class G {
        final Task task;
        int runIndex = -1, allIndex = -1;
        long counterNs, lastChargeNs;
        int nice, lastCpu = -1; // copies, so the O(n) scan touches only these objects
        boolean yielded;
        G(Task t) { task = t; }
    }

    private ArrayList<G> runnable, all;
    /** Per CPU, the task that just yielded there: its -1 holds for that CPU's next pick only. */
    private G[] yieldedOn;
    private long scans, scannedTasks, recalculations, wakeupPreemptions;

    public Goodness() {}

    Goodness(PolicyParams ignored) {}

    @Override
    public String name() {
        return "goodness";
    }

    @Override
    protected void init(int cpus) {
        runnable = new ArrayList<>();
        all = new ArrayList<>();
        yieldedOn = new G[cpus];
        scans = scannedTasks = recalculations = wakeupPreemptions = 0;
    }

    static long baseCounterNs(Task t) {
        return ((20 - t.attr().nice()) / 4 + 1) * TICK_NS;
    }

    private G g(Task t) {
        if (t.policyState instanceof G g) return g;
        G g = new G(t);
        t.policyState = g;
        g.counterNs = baseCounterNs(t);
        return g;
    }

    @Override
    public void taskInit(Task task, long nowNs) {
        G g = g(task);
        if (g.allIndex < 0) { g.allIndex = all.size(); all.add(g); }
    }

    @Override
    public void taskExit(Task task, long nowNs) {
        G g = g(task);
        if (g.allIndex >= 0) { swapRemove(all, g.allIndex, false); g.allIndex = -1; }
    }

    private static void swapRemove(ArrayList<G> list, int i, boolean runIdx) {
        G last = list.remove(list.size() - 1);
        if (i < list.size()) {
            list.set(i, last);
            if (runIdx) last.runIndex = i; else last.allIndex = i;
        }
    }

    int goodness(G g, int cpu) {
        if (g.yielded) return -1;
        if (g.counterNs <= 0) return 0;
        int w = (int) ((g.counterNs + TICK_NS - 1) / TICK_NS) + 20 - g.nice;
        if (g.lastCpu == cpu) w += PROC_CHANGE_PENALTY;
        return w;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        G g = g(task);
        if (g.allIndex < 0) { g.allIndex = all.size(); all.add(g); }
        g.nice = task.attr().nice();
        g.runIndex = runnable.size();
        runnable.add(g);
        if ((reason == EnqueueReason.WAKEUP || reason == EnqueueReason.NEW) && !ctx.isIdle(cpu)) {
            int target = preemptionTarget(g);
            if (target >= 0) { wakeupPreemptions++; ctx.requestPreempt(target); }
        }
    }

    /**
     * 2.4's reschedule_idle when the woken task's CPU is busy: none if some CPU is idle (it takes
     * the task from the global queue), else the CPU where the task beats the running one by the
     * most, if it beats any (its own CPU is one candidate among the others).
     */
    private int preemptionTarget(G g) {
        int target = -1, bestGap = 0;
        for (int c = 0, n = ctx.cpuCount(); c < n; c++) {
            Task cur = ctx.current(c);
            if (cur == null) return -1;
            int gap = goodness(g, c) - goodness(g(cur), c);
            if (gap > bestGap) { bestGap = gap; target = c; }
        }
        return target;
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        if (runnable.isEmpty()) return null;
        G best = scan(cpu);
        if (best != null && !best.yielded && goodness(best, cpu) == 0) { // every counter used up
            recalculate();
            best = scan(cpu);
        }
        swapRemove(runnable, best.runIndex, true);
        best.runIndex = -1;
        best.yielded = false;
        // as 2.4's schedule_tail cleared SCHED_YIELD: the penalty was for this pick only (else a
        // task that yielded once would wait behind CPU-bound tasks for good)
        if (yieldedOn[cpu] != null) {
            yieldedOn[cpu].yielded = false;
            yieldedOn[cpu] = null;
        }
        return best.task;
    }

    /** A new epoch: every known task, sleepers and running ones too, gets half its counter plus its base. */
    private void recalculate() {
        recalculations++;
        for (G g : all) g.counterNs = g.counterNs / 2 + baseCounterNs(g.task);
    }

    private G scan(int cpu) {
        scans++;
        G best = null;
        int bestW = Integer.MIN_VALUE;
        for (int i = 0, n = runnable.size(); i < n; i++) {
            G g = runnable.get(i);
            int w = goodness(g, cpu);
            if (w > bestW) { bestW = w; best = g; }
        }
        scannedTasks += runnable.size();
        return best;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        g(task).lastChargeNs = nowNs;
        g(task).lastCpu = cpu;
    }

    private static void charge(G g, long nowNs) {
        g.counterNs = Math.max(0, g.counterNs - (nowNs - g.lastChargeNs));
        g.lastChargeNs = nowNs;
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        G g = g(task);
        charge(g, nowNs);
        if (g.counterNs > 0) return false;
        if (!runnable.isEmpty()) return true;
        // Alone with its counter used up: 2.4's schedule() found every runnable counter at 0 (this
        // one's included), recalculated and picked it again; so a new epoch, and it keeps its CPU.
        // Before this audit it ran on at 0 with no new epoch, and sleepers gained no credit meanwhile.
        recalculate();
        return false;
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        G g = g(task);
        charge(g, nowNs);
        if (reason == StopReason.YIELD) {
            g.yielded = true;
            yieldedOn[cpu] = g;
        }
    }

    @Override
    public void attrChanged(Task task, skyloft.spi.SchedAttr old, long nowNs) {
        g(task).nice = task.attr().nice();
    }

    @Override
    public void dump(PrintWriter out) {
        out.println(name() + " runnable=" + runnable.size() + " known=" + all.size() + " scans=" + scans
                + " scannedTasks=" + scannedTasks + " recalculations=" + recalculations + " wakeupPreemptions=" + wakeupPreemptions);
    }
}
