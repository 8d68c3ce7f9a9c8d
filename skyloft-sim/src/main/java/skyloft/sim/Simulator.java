package skyloft.sim;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import skyloft.runtime.IdleSpin;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedContext;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;
import skyloft.trace.TraceKind;
import skyloft.trace.TraceRecorder;

/**
 * The simulator host: runs an unchanged {@link SchedPolicy} over modelled CPUs in virtual
 * nanoseconds, deterministically for a seed.
 *
 * <h2>Implementation Overview</h2>
 * <b>Event loop.</b> A priority queue of events ordered by (time, class, sequence number).
 * The loop takes the next event, sets {@code now} to its time and handles it; once every event
 * of the current instant has been handled it runs the <em>dispatch phase</em>: each idle CPU
 * that was freed, kicked, or that has not looked since something was enqueued anywhere asks
 * the policy for a task ({@code pickNext}; if null, {@code balance(cpu, true)} and, if it
 * moved any task, {@code pickNext} once more) and starts it, or stays idle. Events created by the dispatch
 * phase at the same instant (a zero-delay preemption) are handled before time moves on.
 *
 * <p><b>Scaling.</b> No per-event step scans every CPU. Sets of CPUs (bitsets, walked in index
 * order) say which a step visits: the busy ones get the tick and the periodic balance; a dispatch
 * phase visits the idle CPUs that spin (not waiting for the lock, not parked, not on their way
 * back) if something was enqueued since the last phase, else only those freed, kicked or
 * enqueued on since; a parked peer is the first of the CPUs known to have parked or on their
 * way back, and a heap of the spinning CPUs' park times ({@link CpuDeadlines}) says which have
 * parked. Each visit checks the condition a scan of every CPU checked, in the same order, so the
 * events and results are those of the scan. {@link #skippedVisits} counts the visits that find
 * nothing to do; they stay a few per event at any CPU count. What remains grows with the CPUs
 * by the model and the policies: every spinning idle CPU looks at every enqueue, as the
 * runtime's carriers do, and a policy's call may itself scan every CPU.
 *
 * <p><b>Event kinds</b> and their class, which orders events of the same instant:
 * <pre>
 *  0 COMPLETE  a running task finished its burst: its workload records the job and says BLOCK or EXIT
 *  1 PREEMPT   a preemption request is delivered: the task stops with PREEMPT, is enqueued PREEMPTED
 *  2 RELEASE   workload events: periodic job releases, request arrivals, wakeups after a sleep
 *  3 KICK      a policy's kickAt came due: idle CPU -> dispatch; busy CPU -> tick;
 *              also a CPU's turn at the modelled scheduler lock: the CPU picks; and a parked
 *              CPU running again: it looks
 *  4 TICK      the timer, every tickNs on the tick grid, calls tick on every busy CPU with no
 *              preemption pending (the runtime's timer, own ticks and kicks skip such a CPU)
 *  5 BALANCE   every balanceIntervalNs() (if the policy asks): balance(cpu, false) on busy CPUs;
 *              a move makes the idle CPUs that spin look again, as the runtime's do
 *  6 DEADLINE  a job's absolute deadline: a miss if the job is not complete by then
 *  7 END       the end of the run
 * </pre>
 * So at one instant, completions come before releases (a job ending at t frees the CPU before
 * the job released at t arrives) and a job completing exactly at its deadline is not a miss.
 * Events that refer to a run of a task (COMPLETE, PREEMPT) carry the CPU's generation number,
 * bumped at every start and stop, and are ignored once stale.
 *
 * <p><b>Mapping to the SPI</b> (as {@link skyloft.spi.SchedPolicy} prescribes, with the
 * {@code Task.host*} bookkeeping): spawn = admit + taskInit; a workload's first wakeup =
 * selectCpu + enqueue(NEW), later ones selectCpu + enqueue(WAKEUP); start = hostPicked +
 * running; stop = hostStopped + stopping, then enqueue(YIELD/PREEMPTED) on the same CPU,
 * nothing for BLOCK, taskExit for EXIT. {@code requestPreempt} and a tick that answers true
 * schedule a PREEMPT event after the modelled delivery delay. Enqueueing on an idle CPU wakes
 * it (in the dispatch phase). Policies' {@link SchedContext} calls never re-enter the policy.
 *
 * <p><b>Cost model</b> ({@link CostModel}): a task's work begins {@code switchNs} (+
 * {@code migrationNs} if it last ran elsewhere) after every start (the runtime pays a
 * continuation switch even to resume the task it just ran); a preemption takes effect {@code preemptDelayNs} after it is asked
 * for (and not before the task's work has begun: the runtime delivers it at the task's polls).
 * With {@code lockNs}, every pick on a CPU (at a switch, or an idle CPU looking again after an
 * enqueue, as the runtime's spinning idle carriers do) holds one lock shared by all CPUs for that
 * long: the runtime's single scheduler lock. A CPU that finds it held waits its turn (first come,
 * first served; CPU index order within one instant), then picks; the started task's work begins
 * after the hold and the switch. The model leaves out the lock's other holders in the runtime
 * (ticks, the kick timer, spawns), so it understates contention. With {@code wakeNs}, an idle
 * CPU that found nothing and has not looked again for longer than its spin window has parked:
 * it sees no enqueue until it is unparked where the runtime unparks a carrier (a wakeup: the
 * task's last CPU, else the first parked one; an enqueue: its target, or if that is busy the
 * first parked peer; a pick leaving work queued: the first parked peer; a due kick: its CPU),
 * and then looks {@code wakeNs} later, as a parked carrier waits for the OS to run it. Each
 * CPU's window adapts by the runtime's own rule ({@link IdleSpin}) between {@code idleSpinMinNs}
 * and {@code idleSpinMaxNs}, and once an idle period has parked its later spins are the minimum.
 * Ticks arrive exactly on the tick grid. All CPU time, switch cost included, is charged to the
 * task that was started.
 *
 * <p><b>Determinism.</b> One thread; ties broken by class then by insertion order; the
 * policy's {@code randomInt} and each workload draw from {@link SplittableRandom}s derived from
 * the seed. The same scenario, policy and seed give the same events and numbers.
 */
public final class Simulator implements SchedContext {

    private static final int COMPLETE = 0, PREEMPT = 1, KICK = 3, TICK = 4, BALANCE = 5, END = 7;
    private static final int LOCKED = 8; // kind only: a CPU's turn at the modelled lock came (class KICK)
    private static final int WOKEN = 9;  // kind only: a parked idle CPU runs again and looks (class KICK)
    private static final int WORKLOAD = 100; // kind of workload events; their class comes from the workload
    /** A livelock guard: this many events at one instant means a policy keeps asking for "now". */
    private static final int MAX_EVENTS_PER_INSTANT = 5_000_000;

    /** An event. Mutable fields are written once, before it is queued. */
    private static final class Ev {
        long timeNs;
        int cls;
        long seq;
        int kind;
        int cpu;
        long gen;
        SimTask task;
        Workload owner;
        int tag;
        long arg;
    }

    private final SchedPolicy policy;
    private final int cpus;
    private final long tickNs;
    private final CostModel costs;
    private final long seed;
    private final SplittableRandom policyRandom;
    private final TraceRecorder trace;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>((a, b) -> {
        if (a.timeNs != b.timeNs) return Long.compare(a.timeNs, b.timeNs);
        if (a.cls != b.cls) return Integer.compare(a.cls, b.cls);
        return Long.compare(a.seq, b.seq);
    });
    private final List<Workload> workloads = new ArrayList<>();

    private final SimTask[] current;
    /** True while a CPU waits for its turn at the modelled lock (it picks when it gets it). */
    private final boolean[] lockQueued;
    private final long[] progressStartNs;
    private final long[] gen;
    private final boolean[] preemptPending;
    private final boolean[] resched;
    private final boolean[] idleMarked;
    private final long[] idleSeenEpoch;
    private long enqueueEpoch;
    /** Tasks the policy owns (enqueued, not yet picked), as the runtime's {@code queuedCount}. */
    private long queuedCount;
    private boolean tickScheduled;
    private long seq;
    private long nowNs;
    private long endNs;
    private boolean ran;

    /** With {@link CostModel#wakeNs}, per CPU: when its idle period began (its last stop), when
     *  it last looked for work, its idle spin window, whether this idle period parked, and
     *  whether it is on its way back from a park. */
    private final long[] idleFromNs, lookedAtNs, spinNs;
    private final boolean[] parkedIdle, waking;

    /** CPUs that spin idle: no task, not waiting for the lock, not on their way back from a park,
     *  and not found parked by a dispatch phase (a parked CPU stays parked until unparked). A
     *  dispatch phase after an enqueue visits these. */
    private final BitSet spinning;
    /** CPUs freed, kicked or enqueued on, or that began to spin, since the last dispatch phase:
     *  the ones a dispatch phase with no enqueue since the last must visit. */
    private final BitSet dirty;
    /** With a wake cost: CPUs known to have parked (see {@link #parkAt}) or on their way back;
     *  a parked CPU stays parked until unparked, so each member is one {@link #firstParked} wants. */
    private final BitSet parkedOrWaking;
    /** With a wake cost: when each idle CPU that looked and found nothing parks, unless it looks
     *  again or starts a task first; {@link #firstParked} moves those past due to parkedOrWaking. */
    private final CpuDeadlines parkAt;
    /** CPUs with a task: where the tick and the periodic balance go. */
    private final BitSet busy;
    /** {@link #enqueueEpoch} at the end of the last dispatch phase. */
    private long dispatchedEpoch;
    /** CPUs the host's per-event steps passed over without work (see {@link #skippedVisits}). */
    private long skippedVisits;

    /** Events between two calls of {@link #progress}: few enough that a run whose events are
     *  costly (1024 CPUs, each looking at every enqueue) still reports within its 2-s period. */
    static final long PROGRESS_EVENTS = 1 << 10;
    /** Told the virtual time reached every {@link #PROGRESS_EVENTS} events: the simulator reads
     *  no clock, so whoever shows progress against wall time does it here. */
    private LongConsumer progress = virtualNs -> {};

    /** When the modelled scheduler lock is next free (see {@link CostModel#lockNs}). */
    private long lockFreeAtNs;

    // counters (see counters())
    private long events, picks, preemptRequests, preemptsDelivered, balanceMoved, stolenPicks, migrations, kicks, ticks;
    private long lockHolds, lockWaits, lockWaitNs;
    private long parkedWakeups;

    /**
     * @param policy  a fresh policy instance; the simulator attaches it
     * @param cpus    number of CPUs, at least 1
     * @param tickNs  timer period; 0 disables ticks
     * @param costs   modelled costs
     * @param seed    seed of every random stream
     * @param trace   where events go ({@link TraceRecorder#OFF} for none)
     */
    public Simulator(SchedPolicy policy, int cpus, long tickNs, CostModel costs, long seed, TraceRecorder trace) {
        if (cpus < 1) throw new IllegalArgumentException("cpus " + cpus + " must be at least 1");
        if (tickNs < 0) throw new IllegalArgumentException("tick " + tickNs + "ns must not be negative");
        this.policy = policy;
        this.cpus = cpus;
        this.tickNs = tickNs;
        this.costs = costs;
        this.seed = seed;
        this.policyRandom = new SplittableRandom(seed);
        this.trace = trace == null ? TraceRecorder.OFF : trace;
        current = new SimTask[cpus];
        lockQueued = new boolean[cpus];
        progressStartNs = new long[cpus];
        gen = new long[cpus];
        preemptPending = new boolean[cpus];
        resched = new boolean[cpus];
        idleMarked = new boolean[cpus];
        idleSeenEpoch = new long[cpus];
        java.util.Arrays.fill(idleSeenEpoch, -1);
        idleFromNs = new long[cpus];
        lookedAtNs = new long[cpus];
        spinNs = new long[cpus];
        java.util.Arrays.fill(spinNs, costs.idleSpinMinNs());
        parkedIdle = new boolean[cpus];
        waking = new boolean[cpus];
        spinning = new BitSet(cpus);
        spinning.set(0, cpus);
        dirty = new BitSet(cpus);
        parkedOrWaking = new BitSet(cpus);
        parkAt = new CpuDeadlines(cpus);
        busy = new BitSet(cpus);
        dispatchedEpoch = -1; // as every CPU's idleSeenEpoch: the first phase visits them all
        policy.attach(this);
    }

    /** Adds a workload; its tasks start at time 0 of {@link #run}. */
    public Simulator add(Workload w) {
        if (ran) throw new IllegalStateException("add workloads before run");
        workloads.add(w);
        return this;
    }

    /** Calls {@code virtualNs} with the virtual time reached now and then during {@link #run}. */
    public Simulator onProgress(LongConsumer virtualNs) {
        progress = virtualNs;
        return this;
    }

    public List<Workload> workloads() {
        return List.copyOf(workloads);
    }

    public SchedPolicy policy() {
        return policy;
    }

    public CostModel costs() {
        return costs;
    }

    /** Current virtual time in ns. */
    public long now() {
        return nowNs;
    }

    /** End of the run in ns (valid during {@link #run}). */
    public long endNs() {
        return endNs;
    }

    // ---------------------------------------------------------------- SchedContext

    @Override
    public int cpuCount() {
        return cpus;
    }

    @Override
    public boolean isIdle(int cpu) {
        return current[cpu] == null;
    }

    @Override
    public Task current(int cpu) {
        return current[cpu];
    }

    @Override
    public void requestPreempt(int cpu) {
        checkCpu("requestPreempt", cpu);
        preempt(cpu, 1);
    }

    @Override
    public void kickAt(int cpu, long atNs) {
        checkCpu("kickAt", cpu);
        Ev e = event(Math.max(atNs, nowNs), KICK, KICK);
        e.cpu = cpu;
        queue.add(e);
    }

    @Override
    public int randomInt(int bound) {
        return policyRandom.nextInt(bound);
    }

    private void checkCpu(String op, int cpu) {
        if (cpu < 0 || cpu >= cpus) {
            throw new IllegalStateException("policy " + policy.name() + " called " + op + " with cpu " + cpu + "; allowed 0.." + (cpus - 1));
        }
    }

    // ---------------------------------------------------------------- services for workloads

    /** Schedules a workload event: {@code owner.onEvent(sim, task, tag, arg)} at {@code atNs}. */
    void at(long atNs, int cls, Workload owner, SimTask task, int tag, long arg) {
        Ev e = event(Math.max(atNs, nowNs), cls, WORKLOAD);
        e.owner = owner;
        e.task = task;
        e.tag = tag;
        e.arg = arg;
        queue.add(e);
    }

    /** Ids of this run's tasks, from 1 in creation order (see {@link SimTask}). */
    private long taskIds;

    long nextTaskId() {
        return ++taskIds;
    }

    /** Creates a task of {@code owner}: admit, then taskInit. It is not runnable until {@link #wake}. */
    SimTask spawn(Workload owner, String name, SchedAttr attr) {
        SimTask t = new SimTask(this, owner, name, attr);
        try {
            policy.admit(t, attr);
        } catch (AdmissionException e) {
            throw new IllegalArgumentException("task " + name + ": policy " + policy.name() + " refused its attributes (" + attr + "): " + e.getMessage(), e);
        }
        policy.taskInit(t, nowNs);
        owner.stats.tasks++;
        if (trace.enabled()) trace.record(nowNs, TraceKind.TASK_NEW, -1, t, 0);
        return t;
    }

    /** Makes a new or blocked task runnable with {@code burstNs} of work: selectCpu, then enqueue NEW or WAKEUP. */
    void wake(SimTask t, long burstNs) {
        if (t.state != SimTask.State.NEW && t.state != SimTask.State.BLOCKED) {
            throw new IllegalStateException("simulator bug: wake of " + t + " in state " + t.state);
        }
        EnqueueReason why = t.state == SimTask.State.NEW ? EnqueueReason.NEW : EnqueueReason.WAKEUP;
        t.remainingNs = Math.max(1, burstNs);
        int cpu = policy.selectCpu(t, t.lastCpu(), why, nowNs);
        if (cpu < 0 || cpu >= cpus) {
            throw new IllegalStateException("policy " + policy.name() + ": selectCpu returned " + cpu + " for " + t + "; allowed 0.." + (cpus - 1));
        }
        // The runtime's submit from outside a carrier (the simulator's wakeups all are: timers,
        // I/O) unparks the task's last CPU (CPU 0 for a new task) if it is parked, else the
        // first parked one, so that its inbox is drained soon.
        int prefer = Math.max(t.lastCpu(), 0);
        if (parked(prefer) || waking[prefer]) unpark(prefer); else unpark(firstParked(-1));
        enqueue(t, cpu, why);
    }

    /** Set by {@link #continueWith} during a workload's {@code burstDone}; read right after it. */
    private boolean continued;

    /** From a workload's {@code burstDone} only: {@code t}, which just finished its burst, goes on
     *  running with {@code burstNs} more work (the workload then returns null). */
    void continueWith(SimTask t, long burstNs) {
        if (t.state != SimTask.State.RUNNING || current[t.lastCpu()] != t) {
            throw new IllegalStateException("simulator bug: continueWith of " + t + " in state " + t.state);
        }
        t.remainingNs = Math.max(1, burstNs);
        continued = true;
    }

    /** CPU work left in {@code t}'s current burst, counting progress of a run in course. */
    long remainingNs(SimTask t) {
        if (t.state != SimTask.State.RUNNING) return t.remainingNs;
        int c = t.lastCpu();
        return Math.max(0, t.remainingNs - Math.max(0, nowNs - progressStartNs[c]));
    }

    void record(TraceKind kind, int cpu, SimTask t, long arg) {
        if (trace.enabled()) trace.record(nowNs, kind, cpu, t, arg);
    }

    // ---------------------------------------------------------------- the run

    /** Runs every workload from time 0 to {@code durationNs}; returns the results. Call once. */
    public SimResult run(long durationNs) {
        if (ran) throw new IllegalStateException("a simulator runs once");
        if (durationNs <= 0) throw new IllegalArgumentException("duration " + durationNs + "ns must be positive");
        ran = true;
        endNs = durationNs;
        for (int i = 0; i < workloads.size(); i++) {
            workloads.get(i).start(this, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (i + 1)));
        }
        queue.add(event(endNs, END, END));
        long interval = policy.balanceIntervalNs();
        if (interval > 0) queue.add(event(interval, BALANCE, BALANCE));
        long instantEvents = 0;
        long lastInstant = -1;
        while (!queue.isEmpty()) {
            Ev e = queue.poll();
            if (e.kind == END) {
                nowNs = e.timeNs;
                break;
            }
            nowNs = e.timeNs;
            if (nowNs == lastInstant) {
                if (++instantEvents > MAX_EVENTS_PER_INSTANT) {
                    throw new IllegalStateException("livelock: more than " + MAX_EVENTS_PER_INSTANT + " events at t=" + nowNs
                            + "ns (policy " + policy.name() + " keeps asking for a kick or preemption now)");
                }
            } else {
                lastInstant = nowNs;
                instantEvents = 0;
            }
            if (++events % PROGRESS_EVENTS == 0) progress.accept(nowNs);
            handle(e);
            Ev next = queue.peek();
            if (next == null || next.timeNs != nowNs) dispatchAll();
        }
        nowNs = endNs;
        for (int c = 0; c < cpus; c++) {
            SimTask t = current[c];
            if (t != null) t.workload.stats.cpuNs += nowNs - t.runStartNs();
        }
        return SimResult.of(this, seed);
    }

    private Ev event(long timeNs, int cls, int kind) {
        Ev e = new Ev();
        e.timeNs = timeNs;
        e.cls = cls;
        e.kind = kind;
        e.seq = seq++;
        return e;
    }

    private void handle(Ev e) {
        switch (e.kind) {
            case COMPLETE -> {
                if (gen[e.cpu] != e.gen) return;
                SimTask t = current[e.cpu];
                continued = false;
                StopReason r = t.workload.burstDone(this, t);
                if (r == null && continued) { // the same task goes on with a new burst, on the same CPU
                    progressStartNs[e.cpu] = nowNs;
                    Ev c = event(nowNs + t.remainingNs, COMPLETE, COMPLETE);
                    c.cpu = e.cpu;
                    c.gen = gen[e.cpu];
                    queue.add(c);
                    return;
                }
                if (r != StopReason.BLOCK && r != StopReason.EXIT) {
                    throw new IllegalStateException("workload " + t.workload.name() + " answered " + r + " for a finished burst"
                            + (r == null ? " without a new burst" : "") + "; allowed BLOCK, EXIT, or null after continueWith");
                }
                stop(e.cpu, r);
            }
            case PREEMPT -> {
                if (gen[e.cpu] != e.gen || current[e.cpu] == null) return;
                preemptsDelivered++;
                stop(e.cpu, StopReason.PREEMPT);
            }
            case WORKLOAD -> e.owner.onEvent(this, e.task, e.tag, e.arg);
            case WOKEN -> {
                waking[e.cpu] = false;
                parkedOrWaking.clear(e.cpu);
                if (current[e.cpu] == null) {
                    spin(e.cpu);
                    dispatch(e.cpu);
                }
            }
            case LOCKED -> {
                lockQueued[e.cpu] = false;
                lockHolds++;
                if (current[e.cpu] == null) {
                    spin(e.cpu);
                    pick(e.cpu);
                }
            }
            case KICK -> {
                kicks++;
                SimTask t = current[e.cpu];
                if (t == null) {
                    resched[e.cpu] = true;
                    dirty.set(e.cpu);
                    unpark(e.cpu); // a due kick unparks its CPU
                } else if (!preemptPending[e.cpu] && policy.tick(e.cpu, t, nowNs - t.runStartNs(), nowNs)) {
                    preempt(e.cpu, 0);
                }
            }
            case TICK -> {
                tickScheduled = false;
                ticks++;
                boolean anyBusy = !busy.isEmpty();
                for (int c = busy.nextSetBit(0); c >= 0; c = busy.nextSetBit(c + 1)) { // a tick stops no task
                    SimTask t = current[c];
                    // as the runtime's timer: a CPU whose task is already asked to stop is not ticked
                    if (preemptPending[c]) skippedVisits++;
                    else if (policy.tick(c, t, nowNs - t.runStartNs(), nowNs)) preempt(c, 0);
                }
                if (anyBusy) ensureTick();
            }
            case BALANCE -> {
                int moved = 0;
                for (int c = busy.nextSetBit(0); c >= 0; c = busy.nextSetBit(c + 1)) {
                    moved += policy.balance(c, false, nowNs);
                }
                balanceMoved += moved;
                if (moved > 0) enqueueEpoch++; // as the runtime after a move: the idle CPUs that spin look again
                queue.add(event(nowNs + policy.balanceIntervalNs(), BALANCE, BALANCE));
            }
            default -> throw new IllegalStateException("simulator bug: event kind " + e.kind);
        }
    }

    private void ensureTick() {
        if (tickScheduled || tickNs == 0) return;
        tickScheduled = true;
        queue.add(event((nowNs / tickNs + 1) * tickNs, TICK, TICK));
    }

    /** Preemption of {@code cpu}'s task, from its tick ({@code source} 0) or requestPreempt (1). */
    private void preempt(int cpu, int source) {
        if (current[cpu] == null || preemptPending[cpu]) return; // an idle CPU: nothing, as the SPI says
        preemptPending[cpu] = true;
        preemptRequests++;
        record(TraceKind.PREEMPT_REQUEST, cpu, current[cpu], source);
        // Delivered at the task's polls, so not before its work has begun (after the switch and any lock wait).
        Ev e = event(Math.max(nowNs, progressStartNs[cpu]) + costs.preemptDelayNs(), PREEMPT, PREEMPT);
        e.cpu = cpu;
        e.gen = gen[cpu];
        queue.add(e);
    }

    private void enqueue(SimTask t, int cpu, EnqueueReason why) {
        t.state = SimTask.State.QUEUED;
        t.hostEnqueued(cpu, nowNs);
        record(TraceKind.ENQUEUE, cpu, t, why.ordinal());
        enqueueEpoch++; // every idle CPU that spins looks (the runtime's workSeq)
        queuedCount++;
        resched[cpu] = true;
        dirty.set(cpu);
        policy.enqueue(t, cpu, why, nowNs);
        // Of the parked CPUs the runtime's enqueue wakes the target, or, if the target is busy,
        // the first parked peer (which may steal it); any other stays parked.
        if (parked(cpu)) unpark(cpu);
        else if (current[cpu] != null) unpark(firstParked(cpu));
    }

    /** With a wake cost: an idle CPU that has parked ({@link #parked}) starts back; it looks
     *  {@code wakeNs} later. Nothing for -1, a CPU that is not parked, or one already on its way. */
    private void unpark(int c) {
        if (c < 0 || waking[c] || !parked(c)) return;
        parkedIdle[c] = true;
        waking[c] = true;
        spinning.clear(c);
        parkedOrWaking.set(c);
        parkedWakeups++;
        Ev e = event(nowNs + costs.wakeNs(), KICK, WOKEN);
        e.cpu = c;
        queue.add(e);
    }

    /** The lowest-numbered CPU other than {@code except} that is parked or on its way back from a
     *  park (the runtime's {@code parked} flag stays set until its carrier runs), or -1. */
    private int firstParked(int except) {
        if (costs.wakeNs() == 0) return -1;
        while (!parkAt.isEmpty() && parkAt.firstNs() < nowNs) { // parked(c) is nowNs - lookedAtNs[c] > window
            int c = parkAt.poll();
            if (parked(c)) parkedOrWaking.set(c);
            else skippedVisits++; // it started or looked again since (a look sets a new deadline)
        }
        int c = parkedOrWaking.nextSetBit(0);
        if (c == except && c >= 0) {
            skippedVisits++;
            c = parkedOrWaking.nextSetBit(c + 1);
        }
        return c;
    }

    /**
     * The dispatch phase: every idle CPU, in index order, that spins and was freed, kicked, or has
     * not looked since something was enqueued anywhere, looks. Only CPUs in {@link #spinning}
     * can qualify, and only those in {@link #dirty} when nothing was enqueued since the last
     * phase; a phase makes no CPU start spinning or dirty, so visiting those sets as they change
     * visits every CPU that qualifies when its turn comes.
     */
    private void dispatchAll() {
        BitSet visit = enqueueEpoch != dispatchedEpoch ? spinning : dirty;
        for (int c = visit.nextSetBit(0); c >= 0; c = visit.nextSetBit(c + 1)) {
            if (current[c] != null || lockQueued[c] || waking[c] || !(resched[c] || idleSeenEpoch[c] != enqueueEpoch)) {
                skippedVisits++;
                continue;
            }
            if (parked(c)) { // a parked CPU sees nothing until something wakes it (unpark)
                skippedVisits++;
                resched[c] = false;
                idleSeenEpoch[c] = enqueueEpoch;
                spinning.clear(c); // until unparked: only the way back (WOKEN) makes it spin again
                continue;
            }
            dispatch(c);
        }
        dirty.clear();
        dispatchedEpoch = enqueueEpoch;
    }

    /** Idle CPU {@code c} spins again (freed, its lock turn came, or back from a park): it can
     *  look in the next dispatch phase. */
    private void spin(int c) {
        spinning.set(c);
        dirty.set(c);
    }

    /** CPUs the per-event steps (dispatch phases, ticks, the search for a parked peer) have
     *  visited so far and passed over without calling the policy: the host's own overhead, which
     *  a scan of every CPU makes grow with the CPU count and the sets keep to a few per event. */
    long skippedVisits() {
        return skippedVisits;
    }

    /** With a wake cost: whether idle CPU {@code c} has parked, having looked and found nothing
     *  longer ago than its spin window (the minimum once this idle period has parked). */
    private boolean parked(int c) {
        if (costs.wakeNs() == 0 || !idleMarked[c] || current[c] != null || waking[c] || lockQueued[c]) return false;
        return nowNs - lookedAtNs[c] > (parkedIdle[c] ? costs.idleSpinMinNs() : spinNs[c]);
    }

    private void dispatch(int cpu) {
        resched[cpu] = false;
        idleSeenEpoch[cpu] = enqueueEpoch;
        if (costs.lockNs() > 0) { // the pick happens under the lock: served in the order CPUs ask (CPU index at one instant)
            long acquiredNs = Math.max(nowNs, lockFreeAtNs);
            lockFreeAtNs = acquiredNs + costs.lockNs();
            if (acquiredNs > nowNs) {
                lockWaits++;
                lockWaitNs += acquiredNs - nowNs;
                lockQueued[cpu] = true;
                spinning.clear(cpu);
                Ev e = event(acquiredNs, KICK, LOCKED);
                e.cpu = cpu;
                queue.add(e);
                return;
            }
            lockHolds++;
        }
        pick(cpu);
    }

    /** The pick on an idle CPU (holding the modelled lock, if there is one): pickNext, else an
     *  idle balance and, if it moved any task, pickNext again (as the runtime does). */
    private void pick(int cpu) {
        Task picked = policy.pickNext(cpu, nowNs);
        if (picked == null) {
            int moved = policy.balance(cpu, true, nowNs);
            balanceMoved += moved;
            if (moved > 0) picked = policy.pickNext(cpu, nowNs);
        }
        if (picked == null) {
            lookedAtNs[cpu] = nowNs;
            if (costs.wakeNs() > 0) parkAt.set(cpu, nowNs + (parkedIdle[cpu] ? costs.idleSpinMinNs() : spinNs[cpu]));
            if (!idleMarked[cpu]) {
                idleMarked[cpu] = true;
                record(TraceKind.IDLE, cpu, null, 0);
            }
            return;
        }
        if (!(picked instanceof SimTask t) || t.sim != this || t.state != SimTask.State.QUEUED) {
            String where = picked instanceof SimTask st && st.sim == this ? "which is " + st.state : "which this simulator never created";
            throw new IllegalStateException("policy " + policy.name() + ": pickNext(" + cpu + ") returned " + picked + " " + where
                    + ", not queued (ownership contract broken)");
        }
        start(cpu, t);
    }

    private void start(int cpu, SimTask t) {
        int prev = t.lastCpu();
        boolean stolen = t.hostPicked(cpu, nowNs);
        picks++;
        if (stolen) stolenPicks++;
        t.state = SimTask.State.RUNNING;
        queuedCount--;
        current[cpu] = t;
        busy.set(cpu);
        spinning.clear(cpu);
        // work left queued while a CPU sleeps: as the runtime's pick, wake a parked peer to steal it
        if (queuedCount > 0) unpark(firstParked(cpu));
        gen[cpu]++;
        preemptPending[cpu] = false;
        idleMarked[cpu] = false;
        if (parkedIdle[cpu]) { // an idle period that parked ends: the window adapts as the runtime's does
            spinNs[cpu] = IdleSpin.next(spinNs[cpu], nowNs - idleFromNs[cpu], costs.idleSpinMinNs(), costs.idleSpinMaxNs());
            parkedIdle[cpu] = false;
        }
        long cost = costs.switchNs() + costs.lockNs(); // the lock's hold (after any wait for it), then the switch
        if (prev >= 0 && prev != cpu) {
            migrations++;
            cost += costs.migrationNs();
            record(TraceKind.MIGRATE, cpu, t, prev);
        }
        record(TraceKind.RUN_START, cpu, t, stolen ? 1 : 0);
        policy.running(cpu, t, nowNs);
        progressStartNs[cpu] = nowNs + cost;
        Ev e = event(progressStartNs[cpu] + t.remainingNs, COMPLETE, COMPLETE);
        e.cpu = cpu;
        e.gen = gen[cpu];
        queue.add(e);
        ensureTick();
    }

    private void stop(int cpu, StopReason why) {
        SimTask t = current[cpu];
        long ranNs = t.hostStopped(why, nowNs);
        t.remainingNs = Math.max(0, t.remainingNs - Math.max(0, nowNs - progressStartNs[cpu]));
        current[cpu] = null;
        busy.clear(cpu);
        spin(cpu);
        gen[cpu]++;
        preemptPending[cpu] = false;
        resched[cpu] = true;
        idleFromNs[cpu] = nowNs;
        t.workload.stats.cpuNs += ranNs;
        record(TraceKind.RUN_STOP, cpu, t, why.ordinal());
        policy.stopping(cpu, t, why, ranNs, nowNs);
        switch (why) {
            case YIELD -> enqueue(t, cpu, EnqueueReason.YIELD);
            case PREEMPT -> enqueue(t, cpu, EnqueueReason.PREEMPTED);
            case BLOCK -> t.state = SimTask.State.BLOCKED;
            case EXIT -> {
                t.state = SimTask.State.EXITED;
                record(TraceKind.TASK_EXIT, -1, t, 0);
                policy.taskExit(t, nowNs);
            }
        }
    }

    /** Host counters of the run: events, picks, preemptions requested and delivered, tasks moved by balance, stolen picks, migrations, kicks, ticks;
     *  with a lock cost, also the picks that waited for the lock, their total wait, all holds, and the share of the run the lock was held, in percent;
     *  with a wake cost, the looks of idle CPUs that had parked ({@code parked_wakeups}). */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("events", events);
        m.put("picks", picks);
        m.put("preempt_requests", preemptRequests);
        m.put("preemptions", preemptsDelivered);
        m.put("balance_moved", balanceMoved);
        m.put("stolen_picks", stolenPicks);
        m.put("migrations", migrations);
        m.put("kicks", kicks);
        m.put("ticks", ticks);
        if (costs.lockNs() > 0) {
            m.put("lock_waits", lockWaits);
            m.put("lock_wait_ns", lockWaitNs);
            m.put("lock_holds", lockHolds);
            m.put("lock_busy_pct", endNs == 0 ? 0 : Math.min(100, Math.round(100.0 * lockHolds * costs.lockNs() / endNs)));
        }
        if (costs.wakeNs() > 0) m.put("parked_wakeups", parkedWakeups);
        return m;
    }

    int cpus() {
        return cpus;
    }

    /** CPU {@code cpu}'s idle spin window now (it moves only with a wake cost). */
    public long idleSpinNs(int cpu) {
        return spinNs[cpu];
    }
}
