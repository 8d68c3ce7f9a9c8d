package skyloft.spi;

import java.io.PrintWriter;

/**
 * A scheduling policy: the set of scheduling operations both hosts (the runtime and the
 * simulator) call. Only {@link #enqueue} and {@link #pickNext} are required; every other
 * op has a default that does nothing or the obvious thing.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>No threads, no clocks.</b> A policy never starts a thread, never sleeps and never
 *       reads a clock. Every op that needs the time receives {@code nowNs} from the host (real
 *       {@code System.nanoTime()} in the runtime, read under its lock; virtual time in the
 *       simulator). From one op to the next, {@code nowNs} never goes back.</li>
 *   <li><b>Serialized.</b> The host calls the ops of one policy instance one at a time (the
 *       runtime holds its scheduler lock around every call; the simulator is single-threaded).
 *       A policy therefore needs no locks of its own and may keep per-CPU and global state in
 *       plain fields. The CPU argument says on whose behalf the op runs; in the runtime it is
 *       usually, but not always, that CPU's carrier thread (the timer thread calls
 *       {@link #tick}, any carrier may drain wakeups and call {@link #selectCpu} and
 *       {@link #enqueue} for another CPU).</li>
 *   <li><b>Ownership.</b> After {@link #enqueue} the policy owns the task until it hands it
 *       back from {@link #pickNext} (or {@link #drain} at shutdown). While a task runs, the
 *       host owns it; the policy only hears {@link #running}, {@link #tick} and
 *       {@link #stopping}. A blocked task belongs to nobody until it is woken and enqueued
 *       again. A policy must never return a task from {@code pickNext} that it does not own.</li>
 *   <li><b>Hot paths</b> ({@code enqueue, pickNext, running, stopping, tick, selectCpu,
 *       balance}) return a value or a status; they do not throw and should not allocate in
 *       steady state.</li>
 *   <li><b>Reset in init.</b> A policy instance serves one host; all its state is (re)built in
 *       {@link #init}.</li>
 * </ul>
 *
 * <h2>A task's life as the policy sees it</h2>
 * <pre>
 *   admit -> taskInit -> selectCpu -> enqueue(NEW) -> pickNext -> running
 *       -> [tick ...] -> stopping(YIELD | PREEMPT) -> enqueue(YIELD | PREEMPTED) -> pickNext ...
 *       -> stopping(BLOCK) ... woken: selectCpu -> enqueue(WAKEUP) -> pickNext ...
 *       -> stopping(EXIT) -> taskExit
 * </pre>
 * {@link #admit} and {@link #attrChanged} run whenever attributes are set or changed;
 * {@link #balance} runs when a CPU finds nothing to pick, and periodically if the policy asks
 * for it with {@link #balanceIntervalNs()}. The timer hints {@link #usesTick()},
 * {@link #tickNeedsWaiters()} and {@link #balanceIntervalNs()} are read once, when the host starts.
 */
public abstract class SchedPolicy {

    /** Host services; set by the host before {@link #init}. Read by the policy's ops. */
    protected SchedContext ctx;

    /** Called by the host once, before any other op: binds the host and calls {@link #init}. */
    public final void attach(SchedContext context) {
        this.ctx = context;
        init(context.cpuCount());
    }

    /** Short name, as the registry knows the policy ({@code fifo}, {@code rr}, ...). */
    public abstract String name();

    /**
     * Builds all policy state for {@code cpus} CPUs, numbered {@code 0..cpus-1}. Called once,
     * before any task exists, from the thread that starts the host.
     */
    protected void init(int cpus) {}

    /**
     * Validates attributes before they take effect, at spawn and at every change. Throw an
     * {@link AdmissionException} naming the bad value and what is allowed to refuse them
     * (bandwidth over the cap, a parameter this policy cannot honour). When this returns the
     * host applies the attributes; nothing is applied when it refuses. Anything else it throws is
     * a contract break, as from any op (the runtime retires the policy). {@code task} may still be
     * uninitialised (no {@link #taskInit} yet) when called at spawn. Called from the thread that
     * spawns or changes the task, under the scheduler lock.
     */
    public void admit(Task task, SchedAttr proposed) {}

    /**
     * A new task exists and has passed {@link #admit}; set up per-task state (typically in
     * {@link Task#policyState}). The task is not runnable yet: an {@code enqueue(NEW)} follows
     * when it is started.
     */
    public void taskInit(Task task, long nowNs) {}

    /** The task has exited (after {@code stopping(EXIT)}), or was queued here when the host
     *  drained this policy at shutdown ({@link #drain}); release what {@link #taskInit} and
     *  {@link #admit} reserved (bandwidth, for instance). */
    public void taskExit(Task task, long nowNs) {}

    /**
     * A task's attributes changed after {@link #admit} accepted them; {@code task.attr()} is
     * already the new value. The task may be queued (the policy owns it), running, or
     * blocked; a queued task must be re-positioned if its order depends on the attributes. The
     * host wakes no CPU for this op: a task moved to another CPU's queue needs a {@code kickAt}
     * of that CPU if it is idle, or a {@code requestPreempt} if the task should run first.
     */
    public void attrChanged(Task task, SchedAttr old, long nowNs) {}

    /**
     * Chooses the CPU a task becoming runnable should be queued on. {@code prevCpu} is the CPU
     * the task last ran on, or for a new task the CPU of its spawner, or {@code -1} when
     * unknown. The default prefers {@code prevCpu} while it is idle (cache warmth), then any
     * idle CPU, then {@code prevCpu}, then CPU 0. Must return a value in {@code 0..cpus-1}.
     * Always followed by {@link #enqueue} with the CPU returned.
     */
    public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
        int cpus = ctx.cpuCount();
        if (prevCpu >= 0 && prevCpu < cpus && ctx.isIdle(prevCpu)) return prevCpu;
        for (int c = 0; c < cpus; c++) {
            if (ctx.isIdle(c)) return c;
        }
        return prevCpu >= 0 && prevCpu < cpus ? prevCpu : 0;
    }

    /**
     * A task became runnable: new, woken, yielded or preempted. The policy now owns it and
     * must hand it out from a later {@link #pickNext} (on {@code cpu} or, by balancing or from
     * a global queue, another CPU). {@code cpu} is what {@link #selectCpu} returned for NEW and
     * WAKEUP, and the CPU it just ran on for YIELD and PREEMPTED. A policy that wants the
     * running task of some CPU preempted in favour of this one calls
     * {@link SchedContext#requestPreempt}. If the target CPU is idle the host wakes it.
     */
    public abstract void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs);

    /**
     * CPU {@code cpu} is free: remove and return the task it should run next, or {@code null}
     * if it has nothing. Returning {@code null} makes the host call {@link #balance} and, if
     * that moved any task, ask once more before the CPU goes idle. A task returned here runs on {@code cpu}, and
     * {@link #running} follows at once.
     */
    public abstract Task pickNext(int cpu, long nowNs);

    /**
     * The task just picked starts running on {@code cpu}. Record the start of its slice here.
     */
    public void running(int cpu, Task task, long nowNs) {}

    /**
     * The task running on {@code cpu} stopped after running {@code ranNs} since its
     * {@link #running}. For YIELD and PREEMPT an {@code enqueue} of the same task follows at
     * once; for BLOCK the task waits for a wakeup; for EXIT {@link #taskExit} follows.
     */
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {}

    /**
     * The timer's periodic look at a busy CPU: {@code task} has run {@code ranNs} since its
     * {@link #running}. Return {@code true} to have it preempted (it stops with PREEMPT at its
     * next preemption point and is enqueued with PREEMPTED). Called by the timer, never on
     * an idle CPU.
     */
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        return false;
    }

    /**
     * A hint asked right after {@link #running} ({@code ranNs} 0) or after {@link #tick}
     * returned false for {@code task}: the earliest time at which {@code tick} could return true
     * for it if no task is enqueued for {@code cpu}, none is moved between CPUs by {@link
     * #balance} or {@link #rescue}, and no attributes change in between (enqueues for other CPUs
     * do not void it). A host may skip this CPU's ticks until then, and tick exactly then (so a
     * slice ends on time instead of at the next tick period). Return {@code nowNs} for no hint
     * (the default): the host ticks every period; {@code Long.MAX_VALUE} if only an enqueue or
     * a move can make it say yes. Policies whose tick depends on anything else before the hint
     * (other CPUs' queues, picks and stops, global virtual time) must not hint. So a policy with
     * one queue for all CPUs, whose tick says yes once the slice is over and someone waits, hints
     * the slice's end and, after it, returns {@code nowNs}: a waiter may arrive by another CPU's
     * enqueue, which does not void this hint. The contract suite checks that no tick before the
     * hint returns true.
     */
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        return nowNs;
    }

    /**
     * False if {@link #tick} never asks for preemption (a non-preemptive policy), so the host
     * can leave its timer idle. Kicks and periodic balancing are served either way. Default true.
     */
    public boolean usesTick() {
        return true;
    }

    /**
     * True if {@link #tick} can only ask for preemption while some task is queued (the policy
     * owns at least one runnable task): time slices that only matter when someone waits. The
     * host then leaves its timer idle whenever nothing is queued. Default false (deadline
     * servers must be throttled even when alone). The contract suite checks the claim.
     */
    public boolean tickNeedsWaiters() {
        return false;
    }

    /**
     * Moves work to {@code cpu}, which is idle ({@code idle == true}: it found nothing to pick)
     * or reached a periodic balance point. Returns the number of tasks moved (the simulator
     * counts them as {@code balance_moved}; steals are counted at the pick, when a CPU other than
     * the one a task was enqueued on picks it); after an idle balance the host asks {@link
     * #pickNext} again only if this is more than 0 (so a policy must not move a task and return
     * 0). Stealing policies take from other CPUs' queues here; policies with a single global
     * queue need nothing.
     */
    public int balance(int cpu, boolean idle, long nowNs) {
        return 0;
    }

    /** If positive, the host calls {@code balance(cpu, false, now)} on each busy CPU about this
     *  often. Zero (the default): idle balancing only. */
    public long balanceIntervalNs() {
        return 0;
    }

    /**
     * CPU {@code stalledCpu} (never {@code toCpu}) has shown no progress for a while: busy,
     * its running task reached no preemption point, or the OS gave its carrier no time; idle,
     * its carrier was woken for work queued here and the OS has not run it. Tasks queued for it
     * would wait out the stall; move them to {@code toCpu}, which is making progress (when busy,
     * they run there after its current task, as the policy's tick decides). Returns the
     * number moved; the host counts them. Per-CPU-queue policies move the whole queue (the
     * stalled CPU steals back once it is idle); the default moves nothing, right for a policy
     * with one shared queue, where nothing is stranded. The runtime calls it from a busy carrier's
     * own tick (POLL timer) or from the timer thread (SLEEP, SPIN), where {@code toCpu} may also
     * be idle; the simulator never stalls.
     */
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return 0;
    }

    /**
     * Shutdown or diagnosis: remove and return every task the policy still owns, in any order.
     * The default calls {@link #pickNext} on every CPU until all return {@code null}; override if
     * some tasks could stay invisible to that (throttled tasks waiting for replenishment).
     */
    public java.util.List<Task> drain(long nowNs) {
        var out = new java.util.ArrayList<Task>();
        for (boolean found = true; found; ) {
            found = false;
            for (int c = 0; c < ctx.cpuCount(); c++) {
                Task t = pickNext(c, nowNs);
                if (t != null) { out.add(t); found = true; }
            }
        }
        return out;
    }

    /** Writes the policy's state for diagnostics: queue lengths, per-CPU state, counters of
     *  unusual paths. Called under the scheduler lock, so keep it short. */
    public void dump(PrintWriter out) {
        out.println(name() + ": (no dump)");
    }
}
