package skyloft.runtime;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedContext;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;
import skyloft.trace.JfrRecorder;
import skyloft.trace.TraceKind;
import skyloft.trace.TraceRecorder;
import skyloft.util.Durations;

/**
 * The runtime host: runs virtual threads on its own carrier threads under a {@link SchedPolicy}.
 *
 * <h2>Implementation overview</h2>
 * One {@link Carrier} platform thread per CPU, pinned to its own core where the OS allows. Each
 * virtual thread is built with its {@link RtTask} as its scheduler (the JDK's custom-executor
 * hook), so whenever the JDK makes the thread runnable it calls {@code task.execute(...)}:
 * <ul>
 *   <li>from the task's own carrier right after it unmounted (Thread.yield): the carrier
 *       requeues it itself once {@code run()} returns, with no atomic operation;</li>
 *   <li>from anywhere else (start, unpark from another thread, a timed park expiring on the
 *       JDK's timer thread): the task is pushed on the lock-free {@link Inbox} and a parked
 *       carrier is woken.</li>
 * </ul>
 * Every policy op runs under the {@link SchedLock}, taken by carriers once per switch (account
 * the stopped task, drain the inbox, pick the next), by the {@link Ticker} once per tick
 * (tryLock only), and by spawns and attribute changes. Unparks that the ops decide are
 * collected in {@link #unparkMask} and issued after the lock is released, as is the notify of a
 * waiting close(): nothing blocks while holding the scheduler lock.
 *
 * <p>Shared fields and who touches them: {@link #workSeq} is bumped under the lock whenever work
 * may have appeared for an idle carrier (docs/ARCHITECTURE.md lists when), and read without it
 * by idle carriers; {@link #halted},
 * {@link #carriersExit} and {@link #closing} are written by {@code close()} and read by
 * carriers, the timer and submitters; everything else mutable (policy state, task host fields,
 * stats, {@link #kicks}) is accessed under the lock only.
 */
public final class SkyloftRuntime implements AutoCloseable {

    private static final AtomicInteger RUNTIMES = new AtomicInteger();
    /** Runtimes built and not yet closed in this process: incremented as one starts its
     *  carriers, decremented once its close() has stopped them; read by idle carriers, which
     *  spin only their minimum while another runtime is open (its carriers may need the CPU). */
    private static final AtomicInteger OPEN = new AtomicInteger();

    static {
        VThreads.initJdkPollers();
    }
    private static final int RETAINED_EXITED = 256;
    /** A CPU stalled this long (no clock read while armed, no pick) is rescued: many times the
     *  usual gap between clock reads, well under the tails the benchmarks care about. */
    static final long DEFAULT_RESCUE_AFTER_NS = 100_000;
    /** The default adaptive idle spin's floor and ceiling (Builder.idleSpinNs(long, long)). */
    public static final long DEFAULT_IDLE_SPIN_NS = IdleSpin.DEFAULT_MIN_NS, DEFAULT_IDLE_SPIN_MAX_NS = IdleSpin.DEFAULT_MAX_NS;

    final SchedPolicy policy;
    final Carrier[] carriers;
    final SchedLock lock = new SchedLock();
    final Inbox inbox = new Inbox();
    /** An idle carrier's spin window before it parks: starts at {@code idleSpinNs} and adapts
     *  between it and {@code idleSpinMaxNs} (equal: a fixed spin); see Carrier.idle. */
    final long idleSpinNs, idleSpinMaxNs;
    final long maxParkNs;
    /** Whether this runtime reports to JFR (Builder.jfr): set at construction. */
    private final boolean jfrOn;
    /** A busy carrier that showed no progress for this long (POLL mode: no pick or clock read;
     *  SLEEP and SPIN: a preemption request not taken), or an idle one that has not picked for
     *  this long since work was queued for it, has what the policy queued for its CPU moved to a
     *  busy peer that is not stalled ({@link SchedPolicy#rescue}); 0: never (no timer). */
    final long rescueAfterNs;
    /** Tests only: called by a carrier each time it leaves its idle wait, before it looks for work
     *  (a test holds it there to stand in for the OS not running it); null normally. */
    final java.util.function.IntConsumer idleExitHook;
    private final Ticker ticker;
    private final TimerMode timerMode;
    /** Tick period; in POLL mode also the period of each carrier's own ticks. */
    final long tickNs;
    /** The parameters the builder gave the policy, as the stats show them after its name: "[slice=20us]", or "". */
    private final String policyParams;
    /** POLL mode: the aimed-for time between a carrier's clock reads (tick/4, 250ns..5us). */
    final long clockGapNs;
    private final boolean pollClock;
    private final boolean pin;
    private final List<Integer> osCpus;
    private final String name;
    private final long startNs;
    /** The policy's timer hints, read once at start. */
    private final boolean usesTick, tickNeedsWaiters;
    private final long balanceIntervalNs;
    /** POLL mode: the longest a carrier follows a tick hint before it ticks anyway, so that the
     *  periodic balance and the rescue of a stalled peer, which run in ticks, still come round:
     *  half the rescue delay, at most the balance interval (Long.MAX_VALUE if neither applies). */
    private final long hintCapNs;
    /** Scheduling events go here (the builder's trace and the JFR events), always under the lock
     *  (so a plain TraceBuffer is safe). */
    private final TraceRecorder trace;

    /** Bumped (under the lock) whenever work may have appeared for some CPU. */
    volatile long workSeq;
    /** close() has ended its wait (every task done, or the grace period over) and drains the
     *  policy: from then on no policy op runs. Lock holders read it under the lock (close sets it
     *  before taking the lock for the drain, so an op that reads it false there comes before the
     *  drain): a carrier only accounts its task's stop ({@link #finishLocked}), nothing drains
     *  the inbox or ticks, and nothing is picked. */
    volatile boolean halted;
    /** Carriers and the timer leave their loops. */
    volatile boolean carriersExit;
    /** No new tasks are accepted. */
    volatile boolean closing;

    // ---- under the lock ----
    private long unparkMask;
    private boolean wakeTicker;
    /** The last active task exited while close() waits: notify it once the lock is released. */
    private boolean notifyClose;
    /** Tasks the policy owns (enqueued, not yet picked). */
    private int queuedCount;
    /** Carriers whose last pick found nothing (they spin or park until workSeq moves). */
    private int idleCarriers;
    private final PriorityQueue<long[]> kicks = new PriorityQueue<>((a, b) -> Long.compare(a[1], b[1]));
    private long nextBalanceNs;
    private final SplittableRandom random;
    private final List<RuntimeStats.TaskRow> exitedRows = new ArrayList<>();
    private long exitedCount, exRun, exWait, exSwitches, exPreempt, exYields, exBlocks, exMigr, exSteals;
    private long badPicks, badCpus, lateSubmissions, carrierErrors, adoptedCount;
    /** Tasks the policy moved off stalled CPUs (rescueLocked). */
    private long rescued;
    /** The policy op that broke the contract (threw, or picked a task it did not own) and what it
     *  threw, or null: set once (policyFailedLocked). From then on the policy is never called
     *  again and {@link #fallback} holds every runnable task. */
    private Throwable policyFailure;
    private String policyFailureOp;
    /** Set with policyFailure; cleared by the unlockAndWake that prints it, after the unlock
     *  (printing may park, and a virtual thread that parks holding the lock stops every carrier). */
    private boolean reportPolicyFailure;
    /** Once the policy is retired: the runnable tasks, first come first served, on any CPU. */
    private final ArrayDeque<RtTask> fallback = new ArrayDeque<>();
    /** Tasks that stopped runnable (a yield, a preemption, a block whose wakeup was already
     *  drained) once close() had halted the runtime: no policy takes them, close() reports them. */
    private final List<RtTask> stoppedAfterHalt = new ArrayList<>();
    private static final String STOPPED_AFTER_HALT = "runnable, stopped after close began";
    /** TimerMode.OFF only: when the earliest policy kick is due (Long.MAX_VALUE for none).
     *  Written under the lock by kickAt and as kicks are served; read without it by idle
     *  carriers, which then park no longer than that (nothing else serves kicks in OFF mode). */
    volatile long offKickDueNs = Long.MAX_VALUE;

    /** Under the lock: every task created and not yet exited, as an intrusive list (no
     *  allocation per spawn); a thread's task is found through its scheduler field instead. */
    private RtTask liveHead;
    private int liveCount;
    /** Threads adopted because they inherited a task as their scheduler, by runContinuation. */
    final ConcurrentHashMap<Runnable, RtTask> adopted = new ConcurrentHashMap<>();
    /** Tasks started and not yet exited. */
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong uncaught = new AtomicLong();
    /** Notified (by the carrier that exits the last active task) while close() waits. */
    private final Object doneMonitor = new Object();
    /** Serializes close() calls; never taken while holding the scheduler lock. */
    private final Object closeLock = new Object();
    private volatile String pinning = "not pinned";
    /** Carriers pinned so far: written by the carriers as they start, under pinLock. */
    private int pinnedCarriers;
    private final Object pinLock = new Object();
    private volatile ShutdownReport closedReport;

    private SkyloftRuntime(Builder b, SchedPolicy policy) {
        this.policy = policy;
        this.policyParams = b.policyInstance != null || b.params.isEmpty() ? ""
                : b.params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(",", "[", "]"));
        this.idleSpinNs = b.idleSpinNs;
        this.idleSpinMaxNs = b.idleSpinMaxNs;
        this.maxParkNs = b.maxParkNs;
        this.idleExitHook = b.idleExitHook;
        this.timerMode = b.timer;
        this.tickNs = b.tickNs > 0 ? b.tickNs : b.timer == TimerMode.POLL ? 5_000 : 50_000;
        this.clockGapNs = Math.clamp(tickNs / 4, 250, 5_000);
        this.pollClock = b.timer == TimerMode.POLL;
        this.rescueAfterNs = b.timer == TimerMode.OFF ? 0 : b.rescueAfterNs >= 0 ? b.rescueAfterNs
                : Math.max(DEFAULT_RESCUE_AFTER_NS, (pollClock ? 20 : 2) * tickNs);
        this.pin = b.pin;
        this.name = "skyloft-" + RUNTIMES.incrementAndGet();
        this.random = new SplittableRandom(b.seed);
        this.jfrOn = b.jfr;
        this.trace = b.jfr ? TraceRecorder.tee(b.trace, new JfrRecorder()) : b.trace;
        this.osCpus = Affinity.allowedCpus();
        this.carriers = new Carrier[b.cores];
        for (int i = 0; i < carriers.length; i++) carriers[i] = new Carrier(this, i);
        policy.attach(new Context());
        this.usesTick = policy.usesTick();
        this.tickNeedsWaiters = policy.tickNeedsWaiters();
        this.balanceIntervalNs = policy.balanceIntervalNs();
        long cap = rescueAfterNs > 0 ? rescueAfterNs / 2 : Long.MAX_VALUE;
        this.hintCapNs = balanceIntervalNs > 0 ? Math.min(cap, balanceIntervalNs) : cap;
        this.startNs = System.nanoTime();
        OPEN.incrementAndGet();
        for (Carrier c : carriers) c.start();
        this.ticker = timerMode == TimerMode.OFF ? null : new Ticker(this, timerMode, tickNs);
        if (ticker != null) ticker.start();
        if (!pin) pinning = "not pinned (pinning off)";
        if (jfrOn) JfrCarrierStats.open(this); // last: JFR's periodic thread may sample it from now on
    }

    public static Builder builder() {
        return new Builder();
    }

    // ======================= public API =======================

    /** How many runtimes are open (built, not yet closed) in this process. */
    public static int openRuntimes() {
        return OPEN.get();
    }

    /** Starts {@code body} in a new virtual thread with default attributes. */
    public Thread start(Runnable body) {
        return start(null, SchedAttr.DEFAULT, body);
    }

    /**
     * Starts {@code body} in a new virtual thread named {@code name} (null for a generated one)
     * with {@code attr}. Throws {@link AdmissionException} if the policy refuses the attributes,
     * {@link RejectedExecutionException} once the runtime is closing.
     */
    public Thread start(String name, SchedAttr attr, Runnable body) {
        Thread t = newThread(name, attr, body);
        t.start();
        return t;
    }

    /** Like {@link #start(String, SchedAttr, Runnable)} but does not start the thread. */
    public Thread newThread(String name, SchedAttr attr, Runnable body) {
        Objects.requireNonNull(attr, "attr");
        Objects.requireNonNull(body, "body");
        if (closing) throw new RejectedExecutionException("the runtime " + this.name + " is closed");
        RtTask task = new RtTask(this, name, attr);
        Runnable wrapped = () -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                uncaught.incrementAndGet();
                throw e; // the thread's uncaught-exception handler reports it; the carrier is unaffected
            } finally {
                task.exited = true;
            }
        };
        Thread vt = VThreads.newThread(task, task.givenName(), wrapped);
        task.thread = vt;
        task.runContinuation = VThreads.runContinuation(vt);
        lock.lock();
        try {
            // checked again under the lock: close() may have begun, and drained the policy, since
            if (closing) throw new RejectedExecutionException("the runtime " + this.name + " is closed");
            long now = System.nanoTime();
            initLocked(task, now);
            if (trace.enabled()) trace.record(now, TraceKind.TASK_NEW, -1, task, 0);
            linkLive(task);
        } finally {
            unlockAndWake();
        }
        return vt;
    }

    /** A factory for threads with {@code attr}; each thread is admitted when it is created. */
    public ThreadFactory threadFactory(SchedAttr attr) {
        return r -> newThread(null, attr, r);
    }

    public ThreadFactory threadFactory() {
        return threadFactory(SchedAttr.DEFAULT);
    }

    /** An ExecutorService that starts a new virtual thread of this runtime per task. */
    public ExecutorService newThreadPerTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(threadFactory());
    }

    /** Changes the attributes of a thread of this runtime; the policy may refuse ({@link
     *  AdmissionException}). Once close() has ended its wait and drained the policy, throws
     *  {@link IllegalStateException}. */
    public void setAttr(Thread thread, SchedAttr attr) {
        Objects.requireNonNull(attr, "attr");
        RtTask t = task(thread);
        lock.lock();
        try {
            // checked again under the lock: the task may have exited since, and a policy must not
            // hear of a task after its taskExit (a reservation admitted now would never be released)
            if (!t.live) throw new IllegalArgumentException("thread " + thread + " is not a live thread of runtime " + name);
            // the policy is drained (or being drained): it hears of no task again
            if (halted) throw new IllegalStateException("the runtime " + name + " is closed; attributes can no longer change");
            admitLocked(t, attr); // a refusal reaches the caller; nothing changed
            SchedAttr old = t.attr();
            t.hostSetAttr(attr);
            long now = System.nanoTime();
            if (policyFailure == null) {
                try {
                    policy.attrChanged(t, old, now);
                } catch (RuntimeException | Error e) {
                    policyFailedLocked("attrChanged", e);
                }
            }
            // A policy that moves queued tasks here (a re-partition) kicks their new CPUs itself.
            if (pollClock) retickBusyCarriersLocked(now);
        } finally {
            unlockAndWake();
        }
    }

    /** Under the lock: the policy's admit. Its refusal (an {@link AdmissionException}) reaches
     *  the caller; anything else it throws is a contract break that retires the policy, and the
     *  attributes then stand unchecked, as every later one does. */
    private void admitLocked(RtTask task, SchedAttr attr) {
        if (policyFailure != null) return;
        try {
            policy.admit(task, attr);
        } catch (AdmissionException refusal) {
            throw refusal;
        } catch (RuntimeException | Error e) {
            policyFailedLocked("admit", e);
        }
    }

    /** Under the lock, at a spawn or an adoption: admission (a refusal reaches the caller, and
     *  the task never exists), then the policy's taskInit. */
    private void initLocked(RtTask task, long now) {
        admitLocked(task, task.attr());
        if (policyFailure != null) return;
        try {
            policy.taskInit(task, now);
        } catch (RuntimeException | Error e) {
            policyFailedLocked("taskInit", e);
        }
    }

    /** The attributes of a live thread of this runtime. */
    public SchedAttr attr(Thread thread) {
        return task(thread).attr();
    }

    private RtTask task(Thread thread) {
        RtTask t = taskOf(thread);
        // A joined thread has terminated even if its carrier has not yet processed the exit.
        if (t == null || !t.live || (t.started && !thread.isAlive())) {
            throw new IllegalArgumentException("thread " + thread + " is not a live thread of runtime " + name);
        }
        return t;
    }

    /** The task of a thread of this runtime (its own, or the one it was adopted as), or null. */
    private RtTask taskOf(Thread thread) {
        if (!(VThreads.schedulerOf(thread) instanceof RtTask r) || r.rt != this) return null;
        return r.thread == thread ? r : adopted.get(VThreads.runContinuation(thread));
    }

    private void linkLive(RtTask t) {
        t.live = true;
        t.liveNext = liveHead;
        if (liveHead != null) liveHead.livePrev = t;
        liveHead = t;
        liveCount++;
    }

    private void unlinkLive(RtTask t) {
        if (!t.live) return;
        t.live = false;
        if (t.livePrev != null) t.livePrev.liveNext = t.liveNext; else liveHead = t.liveNext;
        if (t.liveNext != null) t.liveNext.livePrev = t.livePrev;
        t.livePrev = t.liveNext = null;
        liveCount--;
    }

    public SchedPolicy policy() {
        return policy;
    }

    public int cores() {
        return carriers.length;
    }

    /** System.nanoTime() when the runtime started: time zero of its trace. */
    public long startNs() {
        return startNs;
    }

    /** Writes the policy's dump (queues, counters): taken under the lock into a buffer, written to
     *  {@code out} after it is released (a task whose write to {@code out} blocks would park
     *  holding the scheduler lock, and with it the whole runtime). */
    public void dumpPolicy(PrintWriter out) {
        java.io.StringWriter text = new java.io.StringWriter();
        PrintWriter buf = new PrintWriter(text);
        lock.lock();
        try {
            if (halted) { // the drain at close was the policy's last op: it hears of nothing after it
                buf.println(policyName() + (policyFailure != null ? " " + retiredNote() : "")
                        + ": drained when runtime " + name + " closed");
            } else if (policyFailure == null) {
                try {
                    policy.dump(buf);
                } catch (RuntimeException | Error e) {
                    policyFailedLocked("dump", e); // an op that throws retires the policy, dump too
                }
            }
            if (policyFailure != null && !halted) {
                buf.println(policyName() + " " + retiredNote() + "; " + fallback.size() + " task(s) queued first come first served");
            }
        } finally {
            unlockAndWake();
        }
        buf.flush();
        out.print(text);
        out.flush();
    }

    /** Closes with a 10 s grace period; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops accepting tasks, waits up to {@code timeout} for every started task to finish, then
     * stops the carriers and the timer. Tasks still alive then are abandoned and listed in the
     * report (also printed to stderr), each once with its last known state: nothing runnable
     * disappears silently. The policy's drain is its last op: from then on ({@link #halted}) the
     * runtime accounts the stops of abandoned tasks itself and no longer drains the inbox. An
     * interrupt of the caller, or one already pending when it calls, ends the wait at once (the
     * tasks still alive are abandoned and reported) and stays set. Must not be called from a
     * thread of this runtime.
     */
    public ShutdownReport close(Duration timeout) {
        if (taskOf(Thread.currentThread()) != null || Thread.currentThread() instanceof Carrier) {
            throw new IllegalStateException("close() called from a thread of runtime " + name + "; call it from outside");
        }
        // Lock order: closeLock, then the scheduler lock. doneMonitor is held only around wait():
        // a carrier notifies it after releasing the scheduler lock (unlockAndWake).
        synchronized (closeLock) {
            if (closedReport != null) return closedReport;
            closing = true;
            long t0 = System.nanoTime();
            long timeoutNs = graceNs(timeout);
            try {
                while (active.get() > 0) {
                    long left = timeoutNs - (System.nanoTime() - t0);
                    if (left <= 0) break;
                    synchronized (doneMonitor) {
                        if (active.get() > 0) doneMonitor.wait(Math.max(1, Math.min(left / 1_000_000, 20)));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long waited = System.nanoTime() - t0;
            halted = true;
            Map<RtTask, String> abandoned = new LinkedHashMap<>();
            try {
                lock.lock();
                try {
                    long now = System.nanoTime();
                    for (RtTask t = inbox.takeAll(); t != null; t = t.inboxNext) abandoned.put(t, "runnable, not yet queued");
                    List<Task> drained = List.of();
                    if (policyFailure == null) {
                        try {
                            List<Task> got = policy.drain(now);
                            if (got == null) throw new NullPointerException("drain returned null, not a list");
                            drained = new ArrayList<>(got); // read once, here: a broken list fails in this op
                        } catch (RuntimeException | Error e) {
                            policyFailedLocked("drain", e); // the fallback sweep below reports what it held
                        }
                    }
                    for (Task t : drained) {
                        if (!(t instanceof RtTask r) || !r.queued) continue; // not ours to report
                        r.queued = false;
                        queuedCount--;
                        abandoned.put(r, "runnable, queued");
                        taskExitLocked(r, now);
                    }
                    for (RtTask t; (t = fallback.poll()) != null; ) {
                        if (!t.queued) continue; // drained above after a taskExit failure swept it here too
                        t.queued = false;
                        queuedCount--;
                        abandoned.put(t, "runnable, queued");
                    }
                    for (RtTask t : stoppedAfterHalt) abandoned.put(t, STOPPED_AFTER_HALT);
                    for (Carrier c : carriers) {
                        if (c.current != null) abandoned.put(c.current, "running on cpu " + c.cpu);
                    }
                    for (RtTask t = liveHead; t != null; t = t.liveNext) {
                        abandoned.putIfAbsent(t, t.queued ? "runnable, queued (the policy's drain did not return it)"
                                : t.started ? "blocked" : "never started");
                    }
                } finally {
                    unlockAndWake();
                }
            } finally {
                // Whatever happened above, the carriers and the timer stop and the counts that
                // other runtimes' carriers and every poll read are put back.
                carriersExit = true;
                for (Carrier c : carriers) {
                    c.clearPreempt(); // a request left pending would keep every poll on the slow path
                    LockSupport.unpark(c);
                }
                for (Carrier c : carriers) {
                    try {
                        c.join(1_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                for (Carrier c : carriers) c.disarmClock(); // else every poll in the process stays on the slow path
                if (ticker != null) {
                    LockSupport.unpark(ticker);
                    try {
                        ticker.join(1_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                // Since the sweep above (which listed them running or blocked): stopped runnable,
                // which the carriers' stops keep for this report, or woken before carriersExit,
                // pushed and never drained. Their state now replaces the one listed.
                lock.lock();
                try {
                    for (RtTask t : stoppedAfterHalt) abandoned.put(t, STOPPED_AFTER_HALT);
                } finally {
                    unlockAndWake();
                }
                for (RtTask t = inbox.takeAll(); t != null; t = t.inboxNext) abandoned.put(t, "runnable, not yet queued");
                List<String> names = new ArrayList<>();
                abandoned.forEach((t, st) -> names.add(t + " (" + st + ")"));
                closedReport = new ShutdownReport(List.copyOf(names), waited);
                OPEN.decrementAndGet();
                if (jfrOn) JfrCarrierStats.close(this); // else its class (and JFR) stays untouched
            }
            if (!closedReport.clean()) System.err.println(closedReport);
            return closedReport;
        }
    }

    /** A grace period in nanoseconds: one too long for a long (ChronoUnit.FOREVER, "as long as it
     *  takes") saturates; toNanos() threw, before close began, and left the runtime open. */
    private static long graceNs(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    /** Each carrier's counters at {@code now} (its busy time includes the run in progress); under the lock. */
    private List<RuntimeStats.Cpu> cpusLocked(long now) {
        List<RuntimeStats.Cpu> cpus = new ArrayList<>(carriers.length);
        for (Carrier c : carriers) {
            long busy = c.busyNs + (c.current != null ? now - c.current.runStartNs() : 0);
            cpus.add(new RuntimeStats.Cpu(c.cpu, c.osCpu, busy, c.idleNs, c.switches, c.steals, c.ticks,
                    c.preemptRequests, c.preemptDelivered, c.idleParks, c.spinNs));
        }
        return cpus;
    }

    /** The carriers' counters only, and when they were taken: cheaper than {@link #stats()}, which
     *  also walks the tasks. For the periodic JFR event. */
    JfrCarrierStats.Sample cpuSample() {
        lock.lock();
        try {
            long now = System.nanoTime();
            return new JfrCarrierStats.Sample(now, cpusLocked(now));
        } finally {
            unlockAndWake();
        }
    }

    /** This runtime's name ({@code skyloft-N}). */
    String name() {
        return name;
    }

    /** Counters per CPU and per task, taken under the lock. */
    public RuntimeStats stats() {
        lock.lock();
        try {
            long now = System.nanoTime();
            List<RuntimeStats.Cpu> cpus = cpusLocked(now);
            List<RuntimeStats.TaskRow> rows = new ArrayList<>(exitedRows);
            for (RtTask t = liveHead; t != null; t = t.liveNext) rows.add(row(t, state(t)));
            Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("live_tasks", (long) liveCount);
            counters.put("uncaught_exceptions", uncaught.get());
            counters.put("lock_contended", lock.contended);
            counters.put("policy_failed", policyFailure != null ? 1L : 0L);
            counters.put("policy_bad_picks", badPicks);
            counters.put("policy_bad_cpus", badCpus);
            counters.put("late_submissions", lateSubmissions);
            counters.put("carrier_errors", carrierErrors);
            counters.put("adopted_threads", adoptedCount);
            counters.put("rescued", rescued);
            if (ticker != null) {
                counters.put("timer_ticks", ticker.ticks);
                counters.put("timer_skipped_busy", ticker.skipped);
            }
            long requested = 0, delivered = 0;
            for (Carrier c : carriers) { requested += c.preemptRequests; delivered += c.preemptDelivered; }
            if (pollClock) {
                long reads = 0;
                for (Carrier c : carriers) reads += c.clockReads;
                counters.put("poll_clock_reads", reads);
            }
            String timer = timerMode == TimerMode.OFF ? "off"
                    : pollClock ? "poll: carriers read the clock in polls (about every " + Durations.format(clockGapNs)
                        + ") and tick every " + Durations.format(tickNs) + "; kick timer sleeps"
                        + (ticker != null && ticker.pinnedTo >= 0 ? " on CPU " + ticker.pinnedTo : "")
                    : timerMode.label() + " every " + Durations.format(tickNs)
                    + (ticker != null && ticker.pinnedTo >= 0 ? " on CPU " + ticker.pinnedTo : " (shares the carriers' CPUs)")
                    + (ticker != null && timerMode == TimerMode.SLEEP
                        ? (ticker.rtProblem == null ? ", SCHED_FIFO" : " (no real-time priority: " + ticker.rtProblem + ")") : "")
                    + (ticker != null && ticker.slackProblem != null ? " (timer slack not lowered: " + ticker.slackProblem + ")" : "")
                    + (ticker != null && ticker.sleepProblem() != null ? " (sleeps by parkNanos: " + ticker.sleepProblem() + ")" : "");
            Histogram preemptDelayNs = mergedLocked(c -> c.preemptDelayNs);
            var pre = new RuntimeStats.Preemption(timer, requested, delivered,
                    preemptDelayNs.getValueAtPercentile(50), preemptDelayNs.getValueAtPercentile(99), preemptDelayNs.getMaxValue(),
                    ticker != null ? ticker.cpuNs : 0);
            var totals = new RuntimeStats.TaskRow(0, "exited", "exited", "", exRun, exWait, exSwitches, exPreempt, exYields, exBlocks, exMigr, exSteals);
            String policyName = policyName() + policyParams + (policyFailure == null ? "" : " " + retiredNote());
            return new RuntimeStats(policyName, carriers.length, pinning, now - startNs, cpus, rows, totals, exitedCount, counters, pre);
        } finally {
            unlockAndWake();
        }
    }

    /** Preemption delivery delays recorded so far (request to the task's stop), a copy. */
    public Histogram preemptionDelayHistogram() {
        lock.lock();
        try {
            return mergedLocked(c -> c.preemptDelayNs);
        } finally {
            unlockAndWake();
        }
    }

    /** How long each preempted task had run when it stopped (pick to stop), a copy: the
     *  achieved time slices. */
    public Histogram preemptedRunHistogram() {
        lock.lock();
        try {
            return mergedLocked(c -> c.preemptedRunNs);
        } finally {
            unlockAndWake();
        }
    }

    /** Under the lock: the sum of one histogram of every carrier. */
    private Histogram mergedLocked(java.util.function.Function<Carrier, Histogram> which) {
        Histogram sum = new Histogram(3_600_000_000_000L, 2);
        for (Carrier c : carriers) sum.add(which.apply(c));
        return sum;
    }

    private static String state(RtTask t) {
        if (!t.started) return "new";
        if (t.onCpu) return "running";
        if (t.queued) return "runnable";
        return "blocked";
    }

    private static RuntimeStats.TaskRow row(Task t, String state) {
        return new RuntimeStats.TaskRow(t.id(), t.name(), state, t.attr().toString(), t.runNs(), t.waitNs(), t.switches(),
                t.preemptions(), t.yields(), t.blocks(), t.migrations(), t.steals());
    }

    @Override
    public String toString() {
        return name + "[" + policyName() + ", " + carriers.length + " carriers]";
    }

    /** The policy's name; if its {@code name()} throws, its class's and what it threw. Called
     *  where a throw would do harm: after the unlock in a carrier's pass (reporting a retired
     *  policy, where it killed the carrier and left its picked task never run), in stats,
     *  dumpPolicy and toString. Not a contract break of its own: it needs no lock. */
    private String policyName() {
        try {
            return policy.name();
        } catch (RuntimeException | Error e) {
            return policy.getClass().getName() + " (name() threw " + e + ")";
        }
    }

    // ======================= host internals =======================

    /**
     * The task for a virtual thread that was created inside the runtime without its factory
     * ({@code Thread.ofVirtual()}, a virtual-thread executor) and so inherited a task as its
     * scheduler. Adopted with default attributes on first sight; each of its submissions costs
     * one map lookup. Throws RejectedExecutionException if the thread cannot be identified.
     */
    RtTask adopt(Runnable runContinuation) {
        RtTask t = adopted.get(runContinuation);
        if (t != null) return t;
        Thread vt = VThreads.threadOf(runContinuation);
        if (vt == null) {
            throw new RejectedExecutionException("runtime " + name + " cannot identify a virtual thread created inside it"
                    + " without its thread factory; create threads with SkyloftRuntime.start or threadFactory()");
        }
        RtTask nt = new RtTask(this, vt.getName().isEmpty() ? null : vt.getName(), SchedAttr.DEFAULT);
        nt.thread = vt;
        nt.runContinuation = runContinuation;
        nt.adopted = true;
        lock.lock();
        try {
            // as a start is refused once close() has begun (under the lock: it may drain the policy next)
            if (closing) throw new RejectedExecutionException("the runtime " + name + " is closed");
            long now = System.nanoTime();
            initLocked(nt, now);
            if (trace.enabled()) trace.record(now, TraceKind.TASK_NEW, -1, nt, 0);
            adoptedCount++;
            linkLive(nt);
        } finally {
            unlockAndWake();
        }
        adopted.put(runContinuation, nt);
        return nt;
    }

    /** The scheduler that adopts every thread handed to it, or null before the first call of
     *  {@link #adopter}: written once (double-checked, under this runtime's monitor), read by
     *  the threads that make virtual threads through {@link AppThreads}. */
    private volatile RtTask adopter;

    /**
     * A scheduler for virtual threads made outside the runtime that should run in it: a task
     * that never runs, so every thread that has it as its scheduler is adopted at its start, as a
     * thread that inherited a task is. Made on first use, since it takes a task id.
     */
    RtTask adopter() {
        RtTask a = adopter;
        if (a == null) {
            synchronized (this) {
                a = adopter;
                if (a == null) adopter = a = new RtTask(this, "adopter", SchedAttr.DEFAULT);
            }
        }
        return a;
    }

    /** The CPU of the carrier of this runtime that runs the calling thread's task, or -1 (a
     *  platform thread, or another runtime's task). */
    private int callerCpu() {
        return VThreads.currentCarrier() instanceof Carrier car && car.rt == this ? car.cpu : -1;
    }

    /** RtTask.execute from any thread but the task's own carrier. */
    void submit(RtTask t) {
        if (!t.started) {
            // Counted before closing is read, as close() sets closing before it reads the count:
            // either close() waits for this task, or this start is refused.
            active.incrementAndGet();
            if (closing) { // created before close() began, started after: it never existed
                lock.lock();
                try {
                    if (!halted) taskExitLocked(t, System.nanoTime()); // else the policy is drained: it hears nothing more
                    unlinkLive(t);
                    if (active.decrementAndGet() == 0) notifyClose = true;
                } finally {
                    unlockAndWake();
                }
                if (t.adopted) adopted.remove(t.runContinuation); // else the refused thread stays reachable
                throw new RejectedExecutionException("the runtime " + name + " is closed");
            }
            t.started = true;
            t.pendingReason = EnqueueReason.NEW;
            t.spawnCpu = callerCpu();
        } else {
            t.pendingReason = EnqueueReason.WAKEUP;
            t.wakerCpu = callerCpu();
        }
        if (carriersExit) {
            lateSubmission(t);
            return;
        }
        inbox.push(t);
        // Wake a parked carrier so the inbox is drained promptly: the one pinned to the waker's
        // own CPU first (that CPU is running, so no halted CPU has to be woken: tens of
        // microseconds on a VM), then the task's last one.
        boolean woke = false;
        int prefer = t.lastCpu() >= 0 ? t.lastCpu() : Math.max(t.spawnCpu, 0);
        if (carriers[prefer].parked) {
            int here = carrierOnThisCpu();
            LockSupport.unpark(carriers[here >= 0 && carriers[here].parked ? here : prefer]);
            woke = true;
        } else {
            for (Carrier c : carriers) {
                if (c.parked) {
                    LockSupport.unpark(c);
                    woke = true;
                    break;
                }
            }
        }
        // Unless the policy never preempts, make sure a busy carrier drains the inbox before its
        // next switch too, so the policy can decide on a wakeup preemption: armed carriers read
        // the inbox at their next clock read. In POLL mode this holds even when a parked carrier
        // was just woken: on a VM it takes tens of microseconds to run, and milliseconds when the
        // OS runs something else on its CPU; the wakeup must not wait for it (and what is then
        // queued for that CPU is rescued by the ticking one). Otherwise a dormant timer is woken
        // unless a carrier was. Nothing to do once the inbox is empty: a drainer took the task,
        // and its enqueue arms what the policy needs.
        if (!usesTick && balanceIntervalNs == 0 || inbox.isEmpty()) return;
        if (pollClock) {
            for (Carrier c : carriers) if (c.currentAfterPush() != null) c.armClock(true, -1);
        } else if (!woke && ticker != null && ticker.dormant) {
            ticker.dormant = false;
            LockSupport.unpark(ticker);
        }
    }

    private void lateSubmission(RtTask t) {
        lock.lock();
        try {
            lateSubmissions++;
        } finally {
            unlockAndWake();
        }
        System.err.println("skyloft: " + t + " became runnable after runtime " + name + " closed; it will not run");
    }

    /**
     * Moves the inbox's tasks to the policy. {@code by} is the carrier draining it from its
     * scheduling loop, or null: a free one is offered to the policy in place of a parked hint.
     * Once {@link #halted}, it leaves the inbox alone: close() reports what is there.
     */
    void drainInboxLocked(Carrier by, long now) {
        if (halted || inbox.isEmpty()) return;
        RtTask t = inbox.takeAll();
        while (t != null) {
            RtTask next = t.inboxNext;
            t.inboxNext = null;
            wakeLocked(t, t.pendingReason, now, by);
            t = next;
        }
    }

    /** The carrier pinned to the OS CPU the calling thread runs on, or -1. */
    private int carrierOnThisCpu() {
        int os = Affinity.currentCpu();
        if (os < 0) return -1;
        for (Carrier c : carriers) if (c.osCpu == os) return c.cpu;
        return -1;
    }

    private void wakeLocked(RtTask t, EnqueueReason reason, long now, Carrier by) {
        if (t.onCpu) {
            t.wakePending = true; // its carrier has not processed its stop yet
            return;
        }
        int hint = reason == EnqueueReason.NEW ? t.spawnCpu : t.lastCpu();
        // The hint's carrier is parked and its CPU perhaps halted; the carrier draining the inbox
        // is free and nothing is queued anywhere: offer the awake CPU (cache affinity with a
        // halted CPU is moot next to the tens of microseconds its wakeup costs on a VM).
        if (by != null && by.current == null && queuedCount == 0 && hint >= 0 && hint < carriers.length
                && hint != by.cpu && carriers[hint].parked) {
            hint = by.cpu;
        }
        int cpu = Math.max(hint, 0);
        opWakerCpu = reason == EnqueueReason.WAKEUP ? t.wakerCpu : -1;
        try {
            if (policyFailure == null) {
                try {
                    cpu = policy.selectCpu(t, hint, reason, now);
                } catch (RuntimeException | Error e) {
                    policyFailedLocked("selectCpu", e);
                }
            }
            if (cpu < 0 || cpu >= carriers.length) {
                badCpus++;
                cpu = 0;
            }
            enqueueLocked(t, cpu, reason, now);
        } finally {
            opWakerCpu = -1;
        }
    }

    /** {@link SchedContext#wakerCpu} of the wakeup being placed, -1 outside one. Under the lock. */
    private int opWakerCpu = -1;

    private void enqueueLocked(RtTask t, int cpu, EnqueueReason reason, long now) {
        t.queued = true;
        queuedCount++;
        t.hostEnqueued(cpu, now);
        if (trace.enabled()) trace.record(now, TraceKind.ENQUEUE, cpu, t, reason.ordinal());
        if (policyFailure != null) {
            fallback.add(t);
        } else {
            try {
                policy.enqueue(t, cpu, reason, now);
            } catch (RuntimeException | Error e) {
                policyFailedLocked("enqueue", e); // queued is set: it goes to the fallback queue
            }
        }
        if (pollClock) retickBusyCarriersLocked(cpu, now); else wakeTimerIfNeededLocked(); // a waiter may need ticks now
        if (idleCarriers == 0) return; // every carrier is busy and will pick at its next pass
        workSeq = workSeq + 1; // single writer: the lock holder; idle carriers watch it
        Carrier target = carriers[cpu];
        if (rescueAfterNs > 0 && target.idle && target.queuedWhileIdleNs == 0) target.queuedWhileIdleNs = now;
        if (target.parked) {
            unparkMask |= 1L << (cpu & 63);
        } else if (unparkMask == 0 && target.current != null) { // an awake free carrier takes it itself
            for (Carrier c : carriers) {
                if (c.parked) { // a parked peer may steal it
                    unparkMask |= 1L << (c.cpu & 63);
                    break;
                }
            }
        }
    }

    RtTask pickLocked(Carrier c, long now) {
        if (c.idle) {
            c.idle = false;
            c.queuedWhileIdleNs = 0; // only ever set while idle: no store on the busy path
            idleCarriers--;
        }
        if (!kicks.isEmpty()) processKicksLocked(now);
        RtTask r = policyFailure == null ? policyPickLocked(c, now) : fallback.poll();
        if (r == null) {
            if (pollClock) c.armClock(false, now);
            c.idle = true;
            idleCarriers++;
            if (trace.enabled()) trace.record(now, TraceKind.IDLE, c.cpu, null, 0);
            return null;
        }
        r.queued = false;
        queuedCount--;
        // Work is left queued and a carrier sleeps: wake it to steal (wakeups that came in a
        // burst were all drained and queued by the carrier that woke first, which unparked no
        // peer since it was free itself: BurstWakeupTest).
        if (queuedCount > 0 && idleCarriers > 0 && unparkMask == 0) {
            for (Carrier p : carriers) {
                if (p != c && p.parked) {
                    unparkMask |= 1L << (p.cpu & 63);
                    break;
                }
            }
        }
        r.onCpu = true;
        int prevCpu = r.lastCpu();
        boolean stolen = r.hostPicked(c.cpu, now);
        if (stolen) c.steals++;
        if (trace.enabled()) {
            if (prevCpu >= 0 && prevCpu != c.cpu) trace.record(now, TraceKind.MIGRATE, c.cpu, r, prevCpu);
            trace.record(now, TraceKind.RUN_START, c.cpu, r, stolen ? 1 : 0);
        }
        c.switches++;
        c.current = r;
        if (!pollClock) wakeTimerIfNeededLocked();
        if (policyFailure == null) {
            try {
                policy.running(c.cpu, r, now);
            } catch (RuntimeException | Error e) {
                policyFailedLocked("running", e);
            }
        }
        if (pollClock) {
            c.armClock(clockNeededLocked(), now); // a pick never makes ticks needed on other CPUs
            if (!c.clockArmed && (usesTick || balanceIntervalNs > 0)) {
                // Dekker with submit (push, then read current): a wakeup pushed after this pick's
                // drain by a pusher that read current before the store above armed nothing; it is
                // seen here, and the clock armed for it (PickRaceTest).
                java.lang.invoke.VarHandle.fullFence();
                if (!inbox.isEmpty()) c.armClock(true, now);
            }
            c.restartClock(now, r.pollStride);
            if (c.clockArmed) followHint(c, r, 0, now); // else it is not ticked at all
        }
        return r;
    }

    /** Under the lock: the policy's pick for {@code c}, balancing once if it has none; after a
     *  contract break (it threw, or handed out a task it does not own) the fallback queue's. */
    private RtTask policyPickLocked(Carrier c, long now) {
        String op = "pickNext";
        try {
            Task t = policy.pickNext(c.cpu, now);
            if (t == null) {
                op = "balance";
                if (policy.balance(c.cpu, true, now) > 0) {
                    if (pollClock) retickBusyCarriersLocked(now); // the queues it took from changed
                    op = "pickNext";
                    t = policy.pickNext(c.cpu, now);
                }
            }
            if (t == null) return null;
            if (t instanceof RtTask r && r.rt == this && r.queued) return r;
            badPicks++;
            policyFailedLocked(op, new IllegalStateException("pickNext(" + c.cpu + ") returned " + t
                    + ", which is not queued in runtime " + name));
        } catch (RuntimeException | Error e) {
            policyFailedLocked(op, e);
        }
        return fallback.poll();
    }

    /**
     * Under the lock: the stop of task {@code t} on carrier {@code c}. Once close() has halted the
     * runtime (its policy is drained, or is about to be under this lock), only the runtime's own
     * bookkeeping runs: no policy op, and a task that stopped runnable is kept for close()'s
     * report ({@link #stoppedAfterHalt}) instead of being enqueued.
     */
    void finishLocked(Carrier c, RtTask t, StopReason why, long now) {
        boolean halted = this.halted; // once: close() sets it without the lock, a stop is all or nothing
        c.current = null;
        c.clearPreempt();
        long ran = t.hostStopped(why, now);
        c.busyNs += ran;
        if (trace.enabled()) trace.record(now, TraceKind.RUN_STOP, c.cpu, t, why.ordinal());
        if (policyFailure == null && !halted) {
            try {
                policy.stopping(c.cpu, t, why, ran, now);
            } catch (RuntimeException | Error e) {
                policyFailedLocked("stopping", e);
            }
        }
        t.onCpu = false;
        switch (why) {
            case YIELD -> {
                if (halted) stoppedAfterHalt.add(t);
                else enqueueLocked(t, c.cpu, EnqueueReason.YIELD, now);
            }
            case PREEMPT -> {
                c.preemptDelivered++;
                Carrier.record(c.preemptDelayNs, now - c.takenRequestNs); // the request it took, not a later one
                Carrier.record(c.preemptedRunNs, ran);
                if (halted) stoppedAfterHalt.add(t);
                else enqueueLocked(t, c.cpu, EnqueueReason.PREEMPTED, now);
            }
            case BLOCK -> {
                if (t.wakePending) {
                    t.wakePending = false;
                    if (halted) stoppedAfterHalt.add(t);
                    else wakeLocked(t, EnqueueReason.WAKEUP, now, null);
                }
            }
            case EXIT -> exitLocked(t, now, halted);
        }
    }

    /** Under the lock: a task's exit; the policy's taskExit only while {@code !halted}. */
    private void exitLocked(RtTask t, long now, boolean halted) {
        if (!halted) taskExitLocked(t, now);
        if (trace.enabled()) trace.record(now, TraceKind.TASK_EXIT, -1, t, 0);
        unlinkLive(t);
        if (t.adopted) adopted.remove(t.runContinuation);
        exitedCount++;
        exRun += t.runNs(); exWait += t.waitNs(); exSwitches += t.switches(); exPreempt += t.preemptions();
        exYields += t.yields(); exBlocks += t.blocks(); exMigr += t.migrations(); exSteals += t.steals();
        if (exitedRows.size() < RETAINED_EXITED) exitedRows.add(row(t, "exited"));
        if (active.decrementAndGet() == 0 && closing) notifyClose = true; // after the unlock
    }

    /** Under the lock: the policy's taskExit, unless it is retired. */
    private void taskExitLocked(RtTask t, long now) {
        if (policyFailure != null) return;
        try {
            policy.taskExit(t, now);
        } catch (RuntimeException | Error e) {
            policyFailedLocked("taskExit", e);
        }
    }

    /** Under the lock: the policy's tick for the task running on {@code cpu}; false once retired. */
    private boolean tickLocked(int cpu, RtTask t, long now) {
        if (policyFailure != null) return false;
        try {
            return policy.tick(cpu, t, now - t.runStartNs(), now);
        } catch (RuntimeException | Error e) {
            policyFailedLocked("tick", e);
            return false;
        }
    }

    /** Under the lock: the policy's periodic balance for every busy CPU, unless it is retired. */
    private void periodicBalanceLocked(long now) {
        for (Carrier o : carriers) {
            if (policyFailure != null) return;
            try {
                if (o.current != null && policy.balance(o.cpu, false, now) > 0) movedLocked(now);
            } catch (RuntimeException | Error e) {
                policyFailedLocked("balance", e);
            }
        }
    }

    /**
     * Under the lock: retires the policy after {@code op} broke the contract. It is never called
     * again; every task it held (the runtime knows which: {@code queued}) moves to the fallback
     * queue, which the carriers then serve first come first served without preemption, and
     * every carrier looks again. Printed once, after the unlock; counted in stats.
     */
    private void policyFailedLocked(String op, Throwable e) {
        if (policyFailure != null) return;
        policyFailure = e;
        policyFailureOp = op;
        reportPolicyFailure = true;
        kicks.clear();
        offKickDueNs = Long.MAX_VALUE;
        for (RtTask t = liveHead; t != null; t = t.liveNext) if (t.queued) fallback.add(t);
        workSeq = workSeq + 1;
        for (Carrier c : carriers) if (c.parked) unparkMask |= 1L << (c.cpu & 63);
    }

    /** "(retired: OP threw E)", for a retired policy. */
    private String retiredNote() {
        return "(retired: " + policyFailureOp + " threw " + policyFailure + ")";
    }

    /** The timer's work; returns false if the lock was busy and the tick was skipped. */
    boolean timerTick() {
        if (!lock.tryLock()) return false;
        try {
            long now = System.nanoTime(); // under the lock, as every op's time is (LockedClockTest)
            if (halted) return true; // the policy is drained: no op; close() reports the inbox
            drainInboxLocked(null, now);
            processKicksLocked(now);
            for (Carrier c : carriers) {
                RtTask cur = c.current;
                if (cur == null) continue;
                c.ticks++;
                if (!c.preemptPending() && tickLocked(c.cpu, cur, now)) requestPreemptLocked(c, now, 0);
            }
            if (balanceIntervalNs > 0 && now >= nextBalanceNs) {
                nextBalanceNs = now + balanceIntervalNs;
                periodicBalanceLocked(now);
            }
            if (rescueAfterNs > 0 && queuedCount > 0 && policyFailure == null) {
                for (Carrier o : carriers) {
                    if (!stalledLocked(o, now)) continue;
                    // A busy CPU that is not stalled takes the queue, else an idle one. Without
                    // clock reads a busy CPU is only known stalled once it leaves a preemption
                    // request untaken, so a queue rescued onto a stuck one must be able to go to
                    // an idle one, parked or not (it is woken). From an idle CPU that does not
                    // wake, though, only to one known to run: a parked one is no better.
                    Carrier to = null;
                    for (Carrier x : carriers) {
                        if (x == o || stalledLocked(x, now)) continue;
                        if (x.current != null) { to = x; break; }
                        if (to == null && (o.current != null || !x.parked)) to = x;
                    }
                    if (to == null) continue;
                    rescueLocked(o, to, now);
                    if (to.current == null && to.parked) unparkMask |= 1L << (to.cpu & 63);
                }
            }
            if (!timerNeededLocked()) ticker.dormant = true; // a carrier's next pick or a kick wakes it
        } finally {
            unlockAndWake();
        }
        return true;
    }

    /** SLEEP and SPIN mode, under the lock: wakes a dormant timer once it has something to watch again. */
    private void wakeTimerIfNeededLocked() {
        if (ticker != null && ticker.dormant && timerNeededLocked()) {
            ticker.dormant = false;
            wakeTicker = true;
        }
    }

    /** Under the lock: true while the timer has something to watch (a busy CPU or a kick). */
    private boolean timerNeededLocked() {
        if (!kicks.isEmpty()) return true;
        if (pollClock || !clockNeededLocked()) return false; // in POLL mode busy carriers tick themselves
        for (Carrier c : carriers) if (c.current != null) return true;
        return false;
    }

    /** POLL mode, under the lock, after a move between queues or an attribute change: the
     *  policy's tick hints no longer hold, so every busy carrier ticks at its next clock read,
     *  armed if ticks are needed now (one pass over the carriers). */
    private void retickBusyCarriersLocked(long now) {
        retickBusyCarriersLocked(-1, now);
    }

    /** As {@link #retickBusyCarriersLocked(long)}, after an enqueue for {@code cpu}: only that
     *  CPU's hint is dropped (a hint holds until something is enqueued for its own CPU), or
     *  every CPU's if {@code cpu} is -1; every busy carrier is armed if ticks are needed now. */
    private void retickBusyCarriersLocked(int cpu, long now) {
        boolean arm = clockNeededLocked();
        for (Carrier c : carriers) {
            if (c.current == null) continue;
            if (cpu < 0 || c.cpu == cpu) c.nextTickNs = 0;
            if (arm) c.armClock(true, now);
        }
    }

    /** Under the lock: whether a busy CPU needs ticks (kicks aside). With nothing queued, a
     *  periodic balance has nothing to move and a waiter-only tick nothing to preempt for. */
    private boolean clockNeededLocked() {
        if (policyFailure != null) return false; // nothing ticks a retired policy
        if (!kicks.isEmpty()) return true;
        return usesTick && (queuedCount > 0 || !tickNeedsWaiters) || balanceIntervalNs > 0 && queuedCount > 0;
    }

    /**
     * POLL mode: a carrier's own tick, from the poll slow path of its running task {@code t}
     * (a virtual thread; the lock is a spin lock, so nothing parks). Drains wakeups, serves due
     * kicks, asks the policy's tick about this CPU and balances when due, and sets when this
     * CPU's next tick is due (a period away, or at the policy's {@code tickHintNs}). Returns false
     * if the lock was busy (the next clock read tries again); a preemption it decides is left
     * pending on {@code c} for the caller to deliver.
     */
    boolean carrierTick(Carrier c, RtTask t) {
        if (!lock.tryLock()) return false;
        try {
            // Read again under the lock: the caller's reading may be older than the times other
            // CPUs have since given the policy under it (the OS may take this carrier between the
            // two), and a policy must never see time go back (LockedClockTest).
            long now = System.nanoTime();
            if (halted) return true; // the policy is drained: no op; close() disarms the clock
            drainInboxLocked(c, now);
            processKicksLocked(now);
            c.nextTickNs = now + tickNs;
            if (rescueAfterNs > 0 && queuedCount > 0) {
                for (Carrier o : carriers) if (o != c && stalledLocked(o, now)) rescueLocked(o, c, now);
            }
            if (c.current == t) {
                c.ticks++;
                if (!c.preemptPending() && tickLocked(c.cpu, t, now)) {
                    requestPreemptLocked(c, now, 0);
                } else {
                    followHint(c, t, now - t.runStartNs(), now);
                }
            }
            if (balanceIntervalNs > 0 && now >= nextBalanceNs) {
                nextBalanceNs = now + balanceIntervalNs;
                periodicBalanceLocked(now);
            }
            if (!clockNeededLocked()) c.armClock(false, now);
        } finally {
            unlockAndWake();
        }
        return true;
    }

    /** POLL mode, under the lock, at a pick or after a tick that said no: the policy's hint says
     *  no tick can say yes before then unless something is enqueued for this CPU or moved or
     *  attributes change (all zero nextTickNs). Tick exactly then, or after hintCapNs if sooner
     *  (balancing and rescues run in ticks); with no hint, a tick period on as set before. */
    private void followHint(Carrier c, RtTask t, long ranNs, long now) {
        if (policyFailure != null) return;
        long hint;
        try {
            hint = policy.tickHintNs(c.cpu, t, ranNs, now);
        } catch (RuntimeException | Error e) {
            policyFailedLocked("tickHintNs", e);
            return;
        }
        if (hint > now) c.nextTickNs = hint - now > hintCapNs ? now + hintCapNs : hint;
    }

    /**
     * Under the lock: CPU {@code o} is stalled if it is busy and has shown no progress for {@link
     * #rescueAfterNs} (its task reached no preemption point, or the OS took its carrier): in POLL
     * mode no pick and no clock read while armed ({@code progressNs}), in SLEEP and SPIN mode a
     * preemption request it has not taken; or if it is idle and has not picked for that long
     * since a task was queued for it (the OS has not run it since it was woken). What the policy
     * queued for a stalled CPU would wait the stall out.
     */
    private boolean stalledLocked(Carrier o, long now) {
        long since;
        if (o.current == null) since = o.idle ? o.queuedWhileIdleNs : 0;
        else if (pollClock) since = o.progressNs();
        else since = o.preemptPending() ? o.preemptRequestNs : 0;
        return since != 0 && now - since >= rescueAfterNs;
    }

    /** Under the lock: the policy may move what it queued for the stalled CPU {@code from} to
     *  {@code to}, a busy CPU that is not stalled (the ticking carrier itself in POLL mode). */
    private void rescueLocked(Carrier from, Carrier to, long now) {
        if (policyFailure != null) return;
        int moved;
        try {
            moved = policy.rescue(from.cpu, to.cpu, now);
        } catch (RuntimeException | Error e) {
            policyFailedLocked("rescue", e);
            return;
        }
        if (moved > 0) {
            rescued += moved;
            movedLocked(now);
        }
    }

    /** Under the lock, after the policy moved queued tasks between CPUs (balance, rescue): idle
     *  carriers look again, and in POLL mode the busy ones drop their tick hints (a hint holds
     *  only while the queues stay as they were) and are armed if ticks are needed. */
    private void movedLocked(long now) {
        workSeq = workSeq + 1;
        if (pollClock) retickBusyCarriersLocked(now);
    }

    /** POLL mode: the kick timer's work, under the lock if free: drains wakeups, serves due kicks.
     *  Returns when the earliest remaining kick is due (Long.MAX_VALUE for none), or 0 if the
     *  lock was busy. */
    long kickTimerTick() {
        if (!lock.tryLock()) return 0;
        try {
            long now = System.nanoTime(); // under the lock, as every op's time is
            if (halted) { // the policy is drained: no op; close() reports the inbox and stops this timer
                ticker.wakeAtNs = Long.MAX_VALUE;
                return Long.MAX_VALUE;
            }
            drainInboxLocked(null, now);
            processKicksLocked(now);
            long[] k = kicks.peek();
            long next = k == null ? Long.MAX_VALUE : k[1];
            ticker.wakeAtNs = next;
            boolean busy = false;
            for (Carrier c : carriers) busy |= c.current != null;
            ticker.carrierBusyAtLastLook = busy;
            return next;
        } finally {
            unlockAndWake();
        }
    }

    private void processKicksLocked(long now) {
        long[] k;
        while ((k = kicks.peek()) != null && k[1] <= now) {
            kicks.poll();
            int cpu = (int) k[0];
            Carrier c = carriers[cpu];
            RtTask cur = c.current;
            if (cur == null) {
                workSeq = workSeq + 1;
                if (c.parked) unparkMask |= 1L << (cpu & 63);
            } else if (!c.preemptPending() && tickLocked(cpu, cur, now)) {
                requestPreemptLocked(c, now, 0);
            }
        }
        if (ticker == null) offKickDueNs = (k = kicks.peek()) == null ? Long.MAX_VALUE : k[1];
    }

    void requestPreemptLocked(Carrier c, long now, int byWhom) {
        if (c.current != null && c.requestPreempt(now)) {
            c.pollBudget = 0; // its task's next poll checks (see Carrier.pollBudget)
            c.preemptRequests++;
            if (trace.enabled()) trace.record(now, TraceKind.PREEMPT_REQUEST, c.cpu, c.current, byWhom);
        }
    }

    /** Releases the lock, then unparks the carriers the ops asked to wake. */
    void unlockAndWake() {
        // Each flag is cleared only if set: a store at every release would move this object's
        // line to this CPU each time, and the peer reads it at its next lock.
        long mask = unparkMask;
        if (mask != 0) unparkMask = 0;
        boolean timer = wakeTicker;
        if (timer) wakeTicker = false;
        boolean closeWaiter = notifyClose;
        if (closeWaiter) notifyClose = false;
        boolean report = reportPolicyFailure;
        if (report) reportPolicyFailure = false;
        lock.unlock();
        if (report) {
            System.err.println("skyloft: runtime " + name + ": policy " + policyName() + " broke its contract in "
                    + policyFailureOp + " and is retired; its runnable tasks and every later one run first come first"
                    + " served, without preemption, until close");
            policyFailure.printStackTrace();
        }
        if (timer) LockSupport.unpark(ticker);
        if (closeWaiter) {
            synchronized (doneMonitor) { // never while holding the scheduler lock
                doneMonitor.notifyAll();
            }
        }
        while (mask != 0) {
            int cpu = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            for (int i = cpu; i < carriers.length; i += 64) LockSupport.unpark(carriers[i]);
        }
    }

    void carrierStarted(Carrier c) {
        if (!pin) return;
        if (osCpus.size() < carriers.length) {
            pinning = "not pinned: the process may use " + osCpus.size() + " CPU(s) " + osCpus
                    + (Affinity.unavailableReason() != null ? " (" + Affinity.unavailableReason() + ")" : "");
            return;
        }
        int os = osCpus.get(c.cpu);
        String problem = Affinity.pinCurrentThread(os);
        synchronized (pinLock) { // carriers start in any order: all pinned, or the first failure stays
            if (problem == null) {
                c.osCpu = os;
                ThreadStartHook.publish(); // platform threads its tasks start get the process's CPUs back
                if (++pinnedCarriers == carriers.length) pinning = "pinned to CPUs " + osCpus.subList(0, carriers.length);
            } else if (!pinning.startsWith("not pinned: carrier")) {
                pinning = "not pinned: carrier " + c.cpu + ": " + problem;
            }
        }
    }

    /** The OS CPUs this process could use when the runtime was built. */
    List<Integer> processCpus() {
        return osCpus;
    }

    /** An OS CPU this process may use that no carrier is pinned to, or -1 (then the timer
     *  shares the carriers' cores and its wakeups preempt them). */
    int spareOsCpu() {
        return pin && osCpus.size() > carriers.length ? osCpus.get(carriers.length) : -1;
    }

    void carrierError(RtTask t, Throwable e) {
        lock.lock();
        try {
            carrierErrors++;
        } finally {
            unlockAndWake();
        }
        System.err.println("skyloft: carrier caught " + e + " while running " + t + "; its stack:");
        e.printStackTrace(); // a JDK-internal failure: where it came from is what a report needs
    }

    /**
     * The poll slow path of whatever runs on carrier {@code c} of this runtime, once the
     * carrier's poll budget is spent: on an armed carrier, read the clock (which may tick the
     * policy); then, if a preemption of this carrier is pending, yield. Only the task running on
     * the carrier does either; the carrier's own thread (a policy op the agent instrumented) only
     * resets the budget.
     */
    void pollCheck(Carrier c) {
        c.pollBudget = 1;
        RtTask t = c.current;
        if (t == null || t.thread != Thread.currentThread()) return;
        if (c.clockArmed) c.clockCheck(t); // its tick only tries the lock, so this is safe inside locked code too
        // A poll inside a policy op or the runtime's own locked code (an agent-instrumented
        // user policy, run under the lock by this very thread) must never yield: yielding
        // while holding the scheduler lock would stop every carrier. The lock's line is read
        // only when a preemption is pending: the peers write it at each of their lock ops.
        if (c.preemptPending() && !lock.heldByMe() && c.takePreempt()) {
            t.preempting = true;
            try {
                Thread.yield();
            } finally {
                t.preempting = false;
            }
        }
    }

    /** The policy's view of this host. Called under the lock only. */
    private final class Context implements SchedContext {
        @Override public int cpuCount() { return carriers.length; }
        @Override public boolean isIdle(int cpu) { return carrier(cpu).current == null; }
        @Override public Task current(int cpu) { return carrier(cpu).current; }
        @Override public void requestPreempt(int cpu) { requestPreemptLocked(carrier(cpu), System.nanoTime(), 1); }
        @Override public void kickAt(int cpu, long atNs) {
            carrier(cpu);
            kicks.add(new long[] {cpu, atNs});
            if (ticker == null && atNs < offKickDueNs) {
                // No timer: idle carriers serve kicks. Those parked re-park until this one is due.
                offKickDueNs = atNs;
                workSeq = workSeq + 1;
                for (Carrier c : carriers) if (c.parked) unparkMask |= 1L << (c.cpu & 63);
            }
            if (ticker != null && ticker.dormant) {
                ticker.dormant = false;
                wakeTicker = true;
            }
            if (pollClock) {
                for (Carrier c : carriers) if (c.currentAfterPush() != null) c.armClock(true, -1);
                if (ticker != null && atNs < ticker.wakeAtNs) {
                    ticker.wakeAtNs = atNs;
                    wakeTicker = true;
                }
            }
        }
        @Override public int randomInt(int bound) { return random.nextInt(bound); }
        @Override public int wakerCpu() { return opWakerCpu; }

        /** A policy op's CPU number, checked: a bad one breaks the contract of the op that passed it. */
        private Carrier carrier(int cpu) {
            if (cpu < 0 || cpu >= carriers.length) {
                throw new IllegalArgumentException("cpu " + cpu + " is out of range; allowed 0.." + (carriers.length - 1));
            }
            return carriers[cpu];
        }
    }

    // ======================= builder =======================

    /** Builds a runtime: cores, policy (by name with parameters, or an instance), timer, idling. */
    public static final class Builder {
        private int cores = Runtime.getRuntime().availableProcessors();
        private String policyName = "fifo";
        private final Map<String, String> params = new LinkedHashMap<>();
        private SchedPolicy policyInstance;
        private TimerMode timer = TimerMode.POLL;
        private long tickNs; // 0: the mode's default
        private long idleSpinNs = DEFAULT_IDLE_SPIN_NS;
        private long idleSpinMaxNs = DEFAULT_IDLE_SPIN_MAX_NS;
        private long maxParkNs = 10_000_000;
        private long rescueAfterNs = -1; // -1: the default
        private java.util.function.IntConsumer idleExitHook;
        private boolean pin = true;
        private long seed = 42;
        private TraceRecorder trace = TraceRecorder.OFF;
        private boolean jfr = jfrDefault();

        private Builder() {}

        /** Number of carriers, 1..available processors. Default: every core. */
        public Builder cores(int n) {
            int max = Runtime.getRuntime().availableProcessors();
            if (n < 1 || n > max) {
                throw new IllegalArgumentException("cores " + n + " is out of range; this machine allows 1.." + max);
            }
            this.cores = n;
            return this;
        }

        /** A registered policy by name ({@code fifo}, {@code rr}, ...). */
        public Builder policy(String name) {
            PolicyRegistry.info(name); // fails early, listing the known names
            this.policyName = name;
            this.policyInstance = null;
            return this;
        }

        /** A registered policy with parameters, e.g. {@code Map.of("slice", "50us")}. */
        public Builder policy(String name, Map<String, String> parameters) {
            policy(name);
            params.clear();
            params.putAll(parameters);
            return this;
        }

        /** One policy parameter, e.g. {@code param("slice", "20us")}. */
        public Builder param(String key, String value) {
            params.put(key, value);
            return this;
        }

        /** A policy object; it must be fresh (a policy serves one host). */
        public Builder policy(SchedPolicy instance) {
            this.policyInstance = java.util.Objects.requireNonNull(instance, "policy");
            return this;
        }

        /**
         * Timer mode and tick period (1us..100ms). Default POLL ticking every 5us: carriers read
         * the clock in their polls, with no timer wakeups. SLEEP defaults to 50us: each sleeping
         * wakeup costs 15 to 20us of CPU on this project's VM, so a 50us tick takes a third of a
         * core or more while a ticking policy has busy CPUs (none while idle or under fifo).
         */
        public Builder timer(TimerMode mode, long tickPeriodNs) {
            if (tickPeriodNs < 1_000 || tickPeriodNs > 100_000_000) {
                throw new IllegalArgumentException("timer tick " + Durations.format(tickPeriodNs) + " is out of range; allowed 1us to 100ms");
            }
            this.timer = java.util.Objects.requireNonNull(mode, "mode");
            this.tickNs = tickPeriodNs;
            return this;
        }

        /** Timer mode with its default tick: 5us for POLL, 50us otherwise. */
        public Builder timer(TimerMode mode) {
            this.timer = java.util.Objects.requireNonNull(mode, "mode");
            this.tickNs = 0;
            return this;
        }

        /** A fixed idle spin: an idle carrier spins {@code ns} (0..10ms) before it parks, every
         *  time. The default adapts instead ({@link #idleSpinNs(long, long)}). */
        public Builder idleSpinNs(long ns) {
            return idleSpinNs(ns, ns);
        }

        /**
         * An adaptive idle spin, as Linux's haltpoll governor adapts a guest CPU's poll before it
         * halts: each carrier starts at {@code minNs}; an idle period that parked and still ended
         * within {@code maxNs} doubles its spin (a longer spin would have caught that work without
         * a park and the slow wake of a halted CPU), and one that lasted longer halves it, never
         * below {@code minNs}. Both 0..10ms, {@code minNs <= maxNs}; equal values give a fixed spin.
         * Default 20us to 5ms: a carrier whose idle periods keep ending within 5 ms spins through
         * them, holding its CPU; after periods longer than that it falls back towards 20 us. A
         * carrier only ever woken for its peers' work stays at the minimum, and while another
         * runtime is open in the process every carrier spins only the minimum.
         */
        public Builder idleSpinNs(long minNs, long maxNs) {
            if (minNs < 0 || minNs > 10_000_000) {
                throw new IllegalArgumentException("idle spin " + minNs + "ns is out of range; allowed 0 to 10ms");
            }
            if (maxNs < minNs || maxNs > 10_000_000) {
                throw new IllegalArgumentException("idle spin maximum " + maxNs + "ns is out of range; allowed "
                        + minNs + "ns (the minimum) to 10ms");
            }
            this.idleSpinNs = minNs;
            this.idleSpinMaxNs = maxNs;
            return this;
        }

        /** How long a CPU may show no progress (busy) or leave work queued for it unpicked (idle)
         *  before that work is rescued (tests only); 0 never. Default: 100us, or if longer 20
         *  ticks (POLL) or 2 ticks (SLEEP, SPIN); no rescue without a timer. */
        Builder rescueAfterNs(long ns) {
            if (ns < 0 || ns > 1_000_000_000L) throw new IllegalArgumentException("rescue after " + ns + "ns is out of range; allowed 0 to 1s");
            this.rescueAfterNs = ns;
            return this;
        }

        /** Called by carrier {@code cpu} each time it leaves its idle wait, before it looks for
         *  work (tests only: holding it there stands in for the OS not running it). */
        Builder idleExitHook(java.util.function.IntConsumer hook) {
            this.idleExitHook = hook;
            return this;
        }

        /** Longest park of an idle carrier, and of the POLL mode's kick timer (half this) before
         *  it looks for work unasked (tests only). Default 10ms. */
        Builder maxParkNs(long ns) {
            if (ns < 1_000_000 || ns > 60_000_000_000L) throw new IllegalArgumentException("max park " + ns + "ns is out of range; allowed 1ms to 60s");
            this.maxParkNs = ns;
            return this;
        }

        /**
         * Pin carriers to CPUs through sched_setaffinity where allowed. Default true. Linux gives a
         * new thread the CPU mask of the thread that starts it, so a platform thread that a task
         * starts is confined to its carrier's one CPU (and competes there with the carrier, which
         * spins while idle), and {@code Runtime.availableProcessors()} in a task counts one CPU.
         * Under {@code skyloft run} the agent and the launcher undo both ({@link ThreadStartHook});
         * elsewhere, run with the agent and {@code -Dskyloft.launcher.threadRules=true} for the
         * first (the daemon rule that comes with it changes nothing outside the launcher) and
         * {@code -XX:ActiveProcessorCount=N} for the second, or turn pinning off.
         */
        public Builder pin(boolean on) {
            this.pin = on;
            return this;
        }

        /** Seed of the random numbers policies draw (steal victims). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Records scheduling events (the simulator's trace kinds) into {@code recorder}, always
         * under the scheduler lock, so a plain {@link skyloft.trace.TraceBuffer} is safe. Times
         * are System.nanoTime(); see {@link SkyloftRuntime#startNs()}. Default: off.
         */
        public Builder trace(TraceRecorder recorder) {
            this.trace = java.util.Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /** The system property {@code skyloft.jfr} ({@code true} or {@code false}), default true. */
        private static boolean jfrDefault() {
            String v = System.getProperty("skyloft.jfr", "true");
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("system property skyloft.jfr is '" + v + "'; allowed: true or false");
            };
        }

        /**
         * Whether the runtime also reports its scheduling events as JFR events
         * ({@link JfrRecorder}: {@code skyloft.TaskRun} and others), recorded only while a JFR
         * recording enables them. Default: on, unless the system property {@code skyloft.jfr}
         * is {@code false}; off leaves the trace sites one check cheaper.
         */
        public Builder jfr(boolean on) {
            this.jfr = on;
            return this;
        }

        public SkyloftRuntime build() {
            VThreads.check();
            SchedPolicy p = policyInstance != null ? policyInstance : PolicyRegistry.create(policyName, params);
            if (policyInstance != null && !params.isEmpty()) {
                throw new IllegalArgumentException("policy parameters " + params + " were given with a policy instance; configure the instance instead");
            }
            return new SkyloftRuntime(this, p);
        }
    }
}
