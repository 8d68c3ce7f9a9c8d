package skyloft.spi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A host for testing policies: drives a policy by hand with a fake clock and no threads, and
 * checks the ownership contract at every step. Each call is one scheduling event; the caller
 * decides what happens and when, so every test is deterministic. The project's own policy tests
 * use it, {@code skyloft.policy.PolicyContract} runs the contract suite on it, and a policy
 * written elsewhere can be unit-tested with it the same way.
 *
 * <p>It throws {@link AssertionError} the moment a policy breaks the contract: a task picked
 * that the policy does not own (run twice at once, picked while blocked or exited, never
 * enqueued), a CPU out of range from selectCpu, a task lost at drain. One that starts with
 * "host bug" is the caller's misuse instead (a stop on an idle CPU, a wakeup of a task that is
 * not blocked).
 */
public class StepHost implements SchedContext {

    /** Where a task is, as far as the host knows. */
    public enum State { CREATED, QUEUED, RUNNING, BLOCKED, EXITED }

    /** A task of the stepping host. */
    public static final class StepTask extends Task {
        State state = State.CREATED;
        int runningOn = -1;

        public StepTask(String name, SchedAttr attr) {
            super(name, attr);
        }

        public State state() { return state; }
    }

    private final SchedPolicy policy;
    private final StepTask[] current;
    private final SplittableRandom random;
    private final List<StepTask> tasks = new ArrayList<>();
    private final List<long[]> kicks = new ArrayList<>();
    private final Map<Integer, Long> pendingPreempt = new HashMap<>();
    private long nowNs;
    private long steals;

    public StepHost(SchedPolicy policy, int cpus, long seed) {
        this.policy = policy;
        this.current = new StepTask[cpus];
        this.hintTask = new StepTask[cpus];
        this.hintNs = new long[cpus];
        this.random = new SplittableRandom(seed);
        policy.attach(this);
    }

    // ---- SchedContext ----
    @Override public int cpuCount() { return current.length; }
    @Override public boolean isIdle(int cpu) { return current[cpu] == null; }
    @Override public Task current(int cpu) { return current[cpu]; }
    @Override public void requestPreempt(int cpu) { if (current[cpu] != null) pendingPreempt.put(cpu, nowNs); }
    @Override public int randomInt(int bound) { return random.nextInt(bound); }
    @Override public void kickAt(int cpu, long atNs) { kicks.add(new long[] {cpu, atNs}); }
    @Override public int wakerCpu() { return wakerCpu; }

    /** The waker's CPU during a {@link #wakeBy}'s selectCpu and enqueue, else -1. */
    private int wakerCpu = -1;

    /** Every kickAt request so far, as {cpu, atNs}; tests decide when to honour them. */
    public List<long[]> kicks() { return kicks; }

    public long now() { return nowNs; }
    public void advance(long ns) { nowNs += ns; }
    public List<StepTask> tasks() { return tasks; }
    public StepTask running(int cpu) { return current[cpu]; }
    public long steals() { return steals; }
    /** True if the policy asked for {@code cpu} to be preempted since its task started. */
    public boolean preemptPending(int cpu) { return pendingPreempt.containsKey(cpu); }

    /** Creates a task (admit + taskInit) and makes it runnable (selectCpu + enqueue NEW). */
    public StepTask spawn(String name, SchedAttr attr, int spawnerCpu) {
        StepTask t = new StepTask(name, attr);
        policy.admit(t, t.attr());
        policy.taskInit(t, nowNs);
        tasks.add(t);
        makeRunnable(t, spawnerCpu, EnqueueReason.NEW);
        return t;
    }

    public StepTask spawn(String name) {
        return spawn(name, SchedAttr.DEFAULT, -1);
    }

    /** Applies new attributes through admit and attrChanged. */
    public void setAttr(StepTask t, SchedAttr attr) {
        policy.admit(t, attr);
        SchedAttr old = t.attr();
        t.hostSetAttr(attr);
        forgetHints();
        policy.attrChanged(t, old, nowNs);
    }

    private void makeRunnable(StepTask t, int hintCpu, EnqueueReason why) {
        int cpu = policy.selectCpu(t, hintCpu, why, nowNs);
        if (cpu < 0 || cpu >= current.length) {
            throw new AssertionError(policy.name() + ": selectCpu returned " + cpu + " for " + t + "; allowed 0.." + (current.length - 1));
        }
        enqueueOn(t, cpu, why);
    }

    /** Per CPU: the task and time of the last tick hint; cleared by an enqueue for that CPU, and for every CPU by a move or an attribute change. */
    private final StepTask[] hintTask;
    private final long[] hintNs;

    private void forgetHints() {
        java.util.Arrays.fill(hintTask, null);
    }

    private void enqueueOn(StepTask t, int cpu, EnqueueReason why) {
        hintTask[cpu] = null; // an enqueue voids its own CPU's hint only (SchedPolicy.tickHintNs)
        if (t.state == State.QUEUED || t.state == State.RUNNING || t.state == State.EXITED) {
            throw new AssertionError("host bug: enqueue of " + t + " in state " + t.state);
        }
        t.state = State.QUEUED;
        t.hostEnqueued(cpu, nowNs);
        policy.enqueue(t, cpu, why, nowNs);
    }

    /**
     * If {@code cpu} is idle, asks the policy for a task (balancing once if it has none) and
     * starts it. Returns the task now running on {@code cpu}, or null if it stays idle.
     */
    public StepTask schedule(int cpu) {
        if (current[cpu] != null) return current[cpu];
        Task t = policy.pickNext(cpu, nowNs);
        if (t == null) {
            int moved = policy.balance(cpu, true, nowNs);
            if (moved > 0) forgetHints();
            steals += moved;
            t = policy.pickNext(cpu, nowNs);
            if (moved == 0 && t != null) {
                // the runtime asks again only when balance reports a move: it would leave this task queued
                throw new AssertionError(policy.name() + ": balance(" + cpu + ") returned 0, yet pickNext(" + cpu + ") then gave " + t);
            }
        }
        if (t == null) return null;
        if (!(t instanceof StepTask st) || !tasks.contains(st)) {
            throw new AssertionError(policy.name() + ": pickNext(" + cpu + ") returned a task this host never created: " + t);
        }
        if (st.state != State.QUEUED) {
            throw new AssertionError(policy.name() + ": pickNext(" + cpu + ") returned " + st + " which is " + st.state
                    + (st.state == State.RUNNING ? " on cpu " + st.runningOn : "") + ", not queued");
        }
        st.state = State.RUNNING;
        st.runningOn = cpu;
        current[cpu] = st;
        pendingPreempt.remove(cpu);
        st.hostPicked(cpu, nowNs);
        policy.running(cpu, st, nowNs);
        long hint = policy.tickHintNs(cpu, st, 0, nowNs); // a host may follow a hint from the pick on
        if (hint < nowNs) throw new AssertionError(policy.name() + ": tickHintNs " + hint + " at the pick is before now " + nowNs);
        hintTask[cpu] = st;
        hintNs[cpu] = hint;
        return st;
    }

    /** Calls tick on a busy CPU; returns what the policy answered (preempt or not). */
    public boolean tick(int cpu) {
        StepTask t = current[cpu];
        if (t == null) return false;
        boolean preempt = policy.tick(cpu, t, nowNs - t.runStartNs(), nowNs);
        if (preempt && hintTask[cpu] == t && nowNs < hintNs[cpu]) {
            throw new AssertionError(policy.name() + ": tick asked for preemption of " + t + " at " + nowNs
                    + " but its tickHintNs promised not before " + hintNs[cpu] + " (no enqueue or attribute change since)");
        }
        if (!preempt) {
            long hint = policy.tickHintNs(cpu, t, nowNs - t.runStartNs(), nowNs);
            if (hint < nowNs) throw new AssertionError(policy.name() + ": tickHintNs " + hint + " is before now " + nowNs);
            hintTask[cpu] = t;
            hintNs[cpu] = hint;
        }
        if (preempt && !policy.usesTick()) {
            throw new AssertionError(policy.name() + ": tick asked for preemption but usesTick() says it never does");
        }
        if (preempt && policy.tickNeedsWaiters() && tasks.stream().noneMatch(x -> x.state == State.QUEUED)) {
            throw new AssertionError(policy.name() + ": tick asked for preemption with nothing queued, but tickNeedsWaiters() says it never does");
        }
        return preempt;
    }

    /** Stops the task on {@code cpu} for {@code why}; YIELD and PREEMPT re-enqueue it on the
     *  same CPU, BLOCK leaves it waiting, EXIT ends it. Returns the stopped task. */
    public StepTask stop(int cpu, StopReason why) {
        StepTask t = current[cpu];
        if (t == null) throw new AssertionError("host bug: stop on idle cpu " + cpu);
        current[cpu] = null;
        t.runningOn = -1;
        long ran = t.hostStopped(why, nowNs);
        policy.stopping(cpu, t, why, ran, nowNs);
        switch (why) {
            case YIELD -> { t.state = State.BLOCKED; enqueueOn(t, cpu, EnqueueReason.YIELD); }
            case PREEMPT -> { t.state = State.BLOCKED; enqueueOn(t, cpu, EnqueueReason.PREEMPTED); }
            case BLOCK -> t.state = State.BLOCKED;
            case EXIT -> { t.state = State.EXITED; policy.taskExit(t, nowNs); }
        }
        return t;
    }

    /** Wakes a blocked task (selectCpu + enqueue WAKEUP). */
    public void wake(StepTask t) {
        if (t.state != State.BLOCKED) throw new AssertionError("host bug: wake of " + t + " in state " + t.state);
        makeRunnable(t, t.lastCpu(), EnqueueReason.WAKEUP);
    }

    /** Wakes a blocked task as the task running on {@code wakerCpu} would (an unpark): the
     *  policy sees {@code wakerCpu} from {@link #wakerCpu()} while it places the task. */
    public void wakeBy(StepTask t, int wakerCpu) {
        if (current[wakerCpu] == null) throw new AssertionError("host bug: CPU " + wakerCpu + " runs no task to wake " + t);
        this.wakerCpu = wakerCpu;
        try {
            wake(t);
        } finally {
            this.wakerCpu = -1;
        }
    }

    /** CPU {@code stalled} shows no progress: asks the policy to move what is queued for it to
     *  {@code to}; returns how many it moved. */
    public int rescue(int stalled, int to) {
        int moved = policy.rescue(stalled, to, nowNs);
        if (moved < 0) throw new AssertionError(policy.name() + ": rescue returned " + moved);
        if (moved > 0) forgetHints();
        return moved;
    }

    /** The periodic balance of busy CPU {@code cpu} ({@code balance(cpu, false)}); returns how many moved. */
    public int balance(int cpu) {
        if (current[cpu] == null) throw new AssertionError("host bug: periodic balance on idle cpu " + cpu);
        int moved = policy.balance(cpu, false, nowNs);
        if (moved < 0) throw new AssertionError(policy.name() + ": balance returned " + moved);
        if (moved > 0) forgetHints();
        steals += moved;
        return moved;
    }

    /** Honours the kicks due by now as a host's timer does: an idle CPU looks for work, a busy
     *  one is ticked (and preempted if the policy says so). Kicks asked for meanwhile wait for
     *  the next call. Returns how many were honoured. */
    public int honourDueKicks() {
        List<long[]> due = kicks.stream().filter(k -> k[1] <= nowNs).toList();
        kicks.removeAll(due);
        for (long[] k : due) {
            int cpu = (int) k[0];
            if (current[cpu] == null) schedule(cpu);
            else if (tick(cpu)) stop(cpu, StopReason.PREEMPT);
        }
        return due.size();
    }

    /** Runs {@code cpu}'s task for {@code ns} of fake time, ticking every {@code tickNs}, and
     *  preempts it if the policy says so. Returns the task that ran (null if idle). */
    public StepTask runFor(int cpu, long ns, long tickNs) {
        if (tickNs <= 0) throw new IllegalArgumentException("tickNs must be positive, got " + tickNs);
        StepTask t = schedule(cpu);
        if (t == null) { nowNs += ns; return null; }
        long end = nowNs + ns;
        while (nowNs < end) {
            nowNs = Math.min(end, nowNs + tickNs);
            if (tick(cpu) || preemptPending(cpu)) {
                stop(cpu, StopReason.PREEMPT);
                break;
            }
        }
        return t;
    }

    /** Takes every task the policy still owns and checks it owns exactly the queued ones. */
    public List<Task> drainAndCheck() {
        List<Task> drained = policy.drain(nowNs);
        List<StepTask> queued = tasks.stream().filter(t -> t.state == State.QUEUED).toList();
        for (Task t : drained) {
            if (!(t instanceof StepTask st) || st.state != State.QUEUED) {
                throw new AssertionError(policy.name() + ": drain returned " + t + " which was not queued");
            }
            st.state = State.BLOCKED;
        }
        if (drained.size() != queued.size()) {
            List<StepTask> lost = queued.stream().filter(t -> t.state == State.QUEUED).toList();
            throw new AssertionError(policy.name() + ": drain returned " + drained.size() + " tasks but " + queued.size()
                    + " were queued; lost: " + lost);
        }
        return drained;
    }

    public SchedPolicy policy() {
        return policy;
    }
}
