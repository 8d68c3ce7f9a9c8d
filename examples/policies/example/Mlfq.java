package example;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Arrays;
import skyloft.policy.PolicyParams;
import skyloft.spi.EnqueueReason;
import skyloft.spi.PolicyInfo;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * The Multi-Level Feedback Queue as taught in OSTEP (Arpaci-Dusseau, "Operating Systems: Three
 * Easy Pieces", chapter 8), as a policy written outside the project. One global set of
 * {@code levels} FIFO queues, level 0 on top:
 * <ol>
 *   <li>a CPU runs a task of the highest level that has any (rule 1), and a task that becomes
 *       runnable above the level of some running task preempts the lowest such one when no CPU
 *       is idle;</li>
 *   <li>tasks of the same level take turns (rule 2): one whose slice is over goes to the tail of
 *       its level when another task of that level or above waits; the slice is {@code slice} at
 *       level 0 and doubles at each level down;</li>
 *   <li>a new task enters level 0 (rule 3);</li>
 *   <li>a task moves down one level each time the CPU time it has used at its level reaches
 *       {@code allotment}, however many runs that took (rule 4): blocking or yielding just before
 *       the slice ends keeps the task where it is for a while, not for good. The run that
 *       crosses the allotment ends there if another task of the new level or above waits; time
 *       beyond the allotment counts at the next level;</li>
 *   <li>every {@code boost} (counted from the first task's arrival), every task, queued, running
 *       or blocked, goes back to level 0 with its used time forgotten (rule 5), so a long task
 *       gets CPU at least after each boost, and one whose behaviour changed can rise again.</li>
 * </ol>
 * Nice, a task's slice attribute and deadline parameters are ignored.
 *
 * <p>Parameters: {@code levels} (default 3, 2..16), {@code slice} (level 0's slice, default
 * 20us, 5us..100ms; the bottom level's, {@code slice} x 2^(levels-1), at most 1s),
 * {@code allotment} (CPU time per level, default 100us, 5us..1s, at least {@code slice}),
 * {@code boost} (default 5ms, 10us..10s, longer than {@code allotment}).
 *
 * <p>Good at: latency of short requests and of tasks that mostly wait, without being told who
 * is who: they stay on top and preempt the CPU-bound work that has sunk below them; the long
 * tasks at the bottom switch less often, on longer slices. Bad at: fairness between long tasks
 * and short ones (while short work fills the CPUs, a sunk task gets one allotment at the top
 * after each boost and nothing else: 100us in 5ms, 2% of a CPU, with the defaults); the
 * parameters are guesses tied to the load (a request longer than {@code allotment} is treated as
 * a hog, and a short {@code boost} brings the hogs back among the short requests often); every
 * new task, short or long, first gets {@code allotment} at top priority; no weights; scale and
 * locality (one global queue: any CPU takes any task, and picks scan up to {@code levels}
 * queues). A fuller version would keep a queue per CPU, take each level's slice and allotment
 * from a table (as Solaris's time-sharing class does), and let nice choose a task's level.
 *
 * <p>Check and use it (docs/POLICIES.md, "Writing a policy"), by its full name or its short name:
 * <pre>
 * ./skyloft policies --policy-path examples/policies/example/Mlfq.java --check example.Mlfq
 * ./skyloft sim --policy-path examples/policies/example/Mlfq.java examples/mlfq-interactive.yaml
 * </pre>
 */
@PolicyInfo(name = "mlfq", description = "OSTEP's multi-level feedback queue: demotion per allotment used, round robin per level, periodic boost",
        params = {
            @PolicyInfo.Param(name = "levels", defaultValue = "3", description = "number of priority levels, 2..16"),
            @PolicyInfo.Param(name = "slice", defaultValue = "20us", description = "time slice at the top level, doubling at each level down; 5us..100ms"),
            @PolicyInfo.Param(name = "allotment", defaultValue = "100us", description = "CPU time a task uses at a level before it moves down; 5us..1s, at least slice"),
            @PolicyInfo.Param(name = "boost", defaultValue = "5ms", description = "period of the boost that moves every task back to the top; 10us..10s, longer than allotment")
        })
public final class Mlfq extends SchedPolicy {
    private final int levels;
    private final long sliceNs;
    private final long allotmentNs;
    private final long boostNs;

    /** Per level, the queued tasks in arrival order. */
    private ArrayDeque<Task>[] queues;
    private int queued;
    /** Per CPU: a preemption was asked for its running task and it has not been replaced yet. */
    private boolean[] preemptAsked;
    /** False until the first op that brings the time: the boost clock starts there. */
    private boolean clockStarted;
    private long lastBoostNs;
    private long nextBoostNs;
    /** Boosts so far; a task whose {@link State#epoch} is older has been boosted and not told yet. */
    private long boosts;
    private long demotions;
    /** Picks that found the count of queued tasks above zero and every queue empty: a bug, counted in dump. */
    private long countMismatches;

    /** Per task, in {@code task.policyState}. */
    static final class State {
        int level;
        /** CPU time used at {@link #level}, up to the start of the current run. */
        long usedNs;
        /** The {@link #boosts} count this state is up to date with. */
        long epoch;
        /** When the current run started counting: its pick, or a boost during it. */
        long countFromNs;
    }

    public Mlfq(PolicyParams p) {
        levels = (int) p.integer("levels", 3, 2, 16);
        sliceNs = p.durationNs("slice", 20_000, 5_000, 100_000_000);
        allotmentNs = p.durationNs("allotment", 100_000, 5_000, 1_000_000_000);
        boostNs = p.durationNs("boost", 5_000_000, 10_000, 10_000_000_000L);
        if (allotmentNs < sliceNs) {
            throw new IllegalArgumentException("policy mlfq: allotment " + text(allotmentNs) + " is shorter than slice " + text(sliceNs)
                    + "; a task would move down before its first slice ended (give allotment >= slice)");
        }
        if (boostNs <= allotmentNs) {
            throw new IllegalArgumentException("policy mlfq: boost " + text(boostNs) + " is not longer than allotment " + text(allotmentNs)
                    + "; no task could use up its allotment between boosts (give boost > allotment)");
        }
        if (sliceNs << (levels - 1) > 1_000_000_000) {
            throw new IllegalArgumentException("policy mlfq: the bottom level's slice, slice " + text(sliceNs) + " x 2^" + (levels - 1)
                    + ", is over 1s; give fewer levels or a shorter slice");
        }
    }

    /** A duration as parameters are written: 1s, 5ms, 20us, 1500ns. */
    static String text(long ns) {
        if (ns % 1_000_000_000 == 0) return ns / 1_000_000_000 + "s";
        if (ns % 1_000_000 == 0) return ns / 1_000_000 + "ms";
        if (ns % 1_000 == 0) return ns / 1_000 + "us";
        return ns + "ns";
    }

    @Override
    public String name() {
        return "mlfq";
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void init(int cpus) {
        queues = new ArrayDeque[levels];
        for (int l = 0; l < levels; l++) queues[l] = new ArrayDeque<>();
        queued = 0;
        preemptAsked = new boolean[cpus];
        clockStarted = false;
        boosts = 0;
        demotions = 0;
        countMismatches = 0;
    }

    /** The slice at {@code level}: level 0's, doubled at each level down. */
    long sliceAt(int level) {
        return sliceNs << level;
    }

    /** The task's state, brought up to date with the boosts since it was last looked at. */
    private State state(Task task) {
        State s = (State) task.policyState;
        if (s == null) { // not seen at taskInit (a host that skips it): a new task, on top
            s = new State();
            s.epoch = boosts;
            task.policyState = s;
        } else if (s.epoch != boosts) {
            s.level = 0;
            s.usedNs = 0;
            s.epoch = boosts;
            s.countFromNs = lastBoostNs; // if it runs, its run counts from the boost on; reset at its next pick otherwise
        }
        return s;
    }

    /** Rule 5, done when the first op at or after the boost's time comes: every queued task goes to
     *  the top, in level order; running and blocked ones follow when next looked at. */
    private void maybeBoost(long nowNs) {
        if (!clockStarted) {
            clockStarted = true;
            lastBoostNs = nowNs;
            nextBoostNs = nowNs + boostNs;
            return;
        }
        if (nowNs < nextBoostNs) return;
        lastBoostNs = nextBoostNs + (nowNs - nextBoostNs) / boostNs * boostNs; // the last boost time due, on the period's grid
        nextBoostNs = lastBoostNs + boostNs;
        boosts++;
        for (int l = 0; l < levels; l++) {
            for (Task t : queues[l]) state(t);
            if (l > 0) {
                queues[0].addAll(queues[l]);
                queues[l].clear();
            }
        }
    }

    /** The level the task is at after {@code ranNs} more of use at its level. */
    private int levelAfter(State s, long ranNs) {
        int level = s.level;
        long used = s.usedNs + ranNs;
        while (level < levels - 1 && used >= allotmentNs) {
            used -= allotmentNs;
            level++;
        }
        return level;
    }

    /** True if some queued task is at {@code level} or above. */
    private boolean waitingAtOrAbove(int level) {
        for (int l = 0; l <= level; l++) {
            if (!queues[l].isEmpty()) return true;
        }
        return false;
    }

    @Override
    public void taskInit(Task task, long nowNs) {
        maybeBoost(nowNs);
        State s = new State();
        s.epoch = boosts;
        task.policyState = s;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        maybeBoost(nowNs);
        State s = state(task);
        queues[s.level].addLast(task);
        queued++;
        if ((reason == EnqueueReason.NEW || reason == EnqueueReason.WAKEUP) && !ctx.isIdle(cpu)) preemptBelow(s.level, nowNs);
    }

    /** Rule 1 across CPUs: asks the CPU running the lowest task below {@code level} to give way,
     *  unless one has been asked already and not yet replaced its task. A running task's level
     *  counts its current run (one that ran alone past its allotment is no longer on top). */
    private void preemptBelow(int level, long nowNs) {
        int victim = -1;
        int lowest = level;
        for (int c = 0; c < preemptAsked.length; c++) {
            if (ctx.isIdle(c)) return; // an idle CPU takes it (selectCpu prefers idle ones)
            Task t = ctx.current(c); // null under apps for a CPU running the other class's task: not ours to preempt
            if (t == null || preemptAsked[c]) continue;
            State s = state(t);
            int l = levelAfter(s, nowNs - s.countFromNs);
            if (l > lowest) {
                lowest = l;
                victim = c;
            }
        }
        if (victim >= 0) {
            preemptAsked[victim] = true;
            ctx.requestPreempt(victim);
        }
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        maybeBoost(nowNs);
        if (queued == 0) return null;
        for (int l = 0; l < levels; l++) {
            Task t = queues[l].pollFirst();
            if (t != null) {
                queued--;
                return t;
            }
        }
        countMismatches++; // hot paths do not throw: count it, and believe the queues
        queued = 0;
        return null;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        maybeBoost(nowNs);
        state(task).countFromNs = nowNs;
        preemptAsked[cpu] = false;
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        maybeBoost(nowNs);
        State s = state(task);
        int level = levelAfter(s, nowNs - s.countFromNs);
        s.usedNs += nowNs - s.countFromNs - (long) (level - s.level) * allotmentNs;
        demotions += level - s.level;
        s.level = level;
        if (level == levels - 1) s.usedNs = 0; // nowhere further down: nothing to count
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        maybeBoost(nowNs);
        State s = state(task);
        long ran = nowNs - s.countFromNs;
        int level = levelAfter(s, ran);
        if (ran < sliceAt(s.level) && level == s.level) return false; // slice and allotment both left
        return waitingAtOrAbove(level);
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a task gives way only to a queued one
    }

    /** The slice's end, the allotment's end or the first slice after the next boost, whichever
     *  comes first; no hint once the slice is over (a waiter may come from any CPU's enqueue). */
    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        State s = state(task);
        long ran = nowNs - s.countFromNs;
        if (ran >= sliceAt(s.level)) return nowNs;
        long at = s.countFromNs + sliceAt(s.level);
        if (s.level < levels - 1) at = Math.min(at, s.countFromNs + allotmentNs - s.usedNs);
        if (clockStarted) at = Math.min(at, nextBoostNs + sliceNs);
        return Math.max(nowNs, at);
    }

    @Override
    public void dump(PrintWriter out) {
        int[] perLevel = new int[levels];
        for (int l = 0; l < levels; l++) perLevel[l] = queues[l].size();
        out.println(name() + " levels=" + levels + " slice=" + sliceNs + "ns allotment=" + allotmentNs + "ns boost=" + boostNs
                + "ns queued=" + Arrays.toString(perLevel) + " demotions=" + demotions + " boosts=" + boosts
                + (countMismatches > 0 ? " count_mismatches=" + countMismatches : ""));
    }
}
