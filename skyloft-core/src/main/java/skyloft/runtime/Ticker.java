package skyloft.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The timer thread. In SLEEP and SPIN mode: every {@code tickNs} it takes the scheduler lock
 * (if free; a busy lock means a carrier is scheduling anyway, and the tick is skipped), drains
 * wakeups, serves due policy kicks, asks the policy's {@code tick} about every busy CPU and
 * turns a yes into a preemption request that the CPU's running task sees at its next poll. In POLL mode the carriers tick
 * themselves and this thread only serves policy kicks: it parks until the earliest one is due
 * (a new earlier kick unparks it) and otherwise costs nothing.
 */
final class Ticker extends Thread {
    private final SkyloftRuntime rt;
    private final TimerMode mode;
    private final long tickNs;

    /** Why lowering the timer slack failed, or null; written once at start, read by stats. */
    volatile String slackProblem;
    /** Why the timer could not get real-time priority, or null; written once at start. */
    volatile String rtProblem = "not tried";
    /** OS CPU the timer is pinned to (one no carrier uses), or -1; written once at start. */
    volatile int pinnedTo = -1;
    /** CPU time this thread has used, sampled now and then; written here, read by stats. */
    volatile long cpuNs;
    /** True while there is nothing to watch (no busy CPU, no kick): set by the timer under the
     *  scheduler lock; cleared (with an unpark) under it by a pick, an enqueue or a kick, and
     *  without it by submit (a wakeup that unparked no carrier). The timer reads it after its
     *  tick to decide whether to park; submit, wakeTimerIfNeededLocked and kickAt read it too. */
    volatile boolean dormant;
    /** SLEEP mode: the absolute sleeper, or null (parkNanos instead); written once at start. */
    private volatile Affinity.AbsoluteSleeper sleeper;

    /** SLEEP mode: why the timer sleeps by parkNanos (relative, drifting) instead of to absolute
     *  deadlines, or null; read by stats. */
    String sleepProblem() {
        Affinity.AbsoluteSleeper s = sleeper;
        return s != null ? s.problem() : noSleeper;
    }

    /** SLEEP mode: why there is no absolute sleeper, or null; written once at start. */
    private volatile String noSleeper;

    /** Ticks taken and ticks skipped because the lock was busy; written here, read by stats. */
    volatile long ticks;
    volatile long skipped;
    /** POLL mode: when the earliest kick is due (Long.MAX_VALUE for none); written under the
     *  scheduler lock by this thread (after serving kicks) and by kickAt, and without it by this
     *  thread (0: look now); read here before parking, and by kickAt. */
    volatile long wakeAtNs = Long.MAX_VALUE;
    /** POLL mode: whether a carrier ran a task at this timer's last look (kickTimerTick, under
     *  the lock); written and read by this timer's thread only. While one does, the timer keeps
     *  its 5-ms backstop drain of the inbox for tasks that do not poll; while none does, it
     *  stretches its quiet parks as idle carriers do (Carrier.QUIET_PARK_GROWTH). */
    boolean carrierBusyAtLastLook = true;

    Ticker(SkyloftRuntime rt, TimerMode mode, long tickNs) {
        super("skyloft-timer");
        this.rt = rt;
        this.mode = mode;
        this.tickNs = tickNs;
        setDaemon(true);
    }

    @Override
    public void run() {
        // Everything that loads classes or links native calls comes first, at the priority this
        // thread was born with. At SCHED_FIFO, the JDK's management classes loaded here in a
        // fresh JVM once took 966 ms of this thread's CPU while the carriers waited (in class
        // loading, or for the scheduler lock that the one on this thread's CPU held): a real-time
        // thread that waits for the JVM's locks keeps their holder off its CPU until Linux's RT
        // throttling (95% of each second) lets it run, so a first task ran after 960 ms (8 starts
        // in 1300 under load; docs/BENCHMARKS.md, "2026-11-23, 01:10 to 01:47 UTC").
        int spare = rt.spareOsCpu();
        if (spare >= 0 && Affinity.pinCurrentThread(spare) == null) pinnedTo = spare; // off the carriers' cores
        Affinity.AbsoluteSleeper sleeper = mode == TimerMode.SLEEP ? Affinity.AbsoluteSleeper.create() : null;
        this.sleeper = sleeper;
        if (mode == TimerMode.SLEEP && sleeper == null) noSleeper = "clock_nanosleep unavailable";
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuTime = mx.isCurrentThreadCpuTimeSupported();
        publish(0, 0, mx, cpuTime); // its first call loads what later ones need
        if (mode == TimerMode.SLEEP || mode == TimerMode.POLL) {
            slackProblem = Affinity.setTimerSlackNs(1);
            // A sleeping timer that shares busy cores must preempt a carrier at each wakeup; under
            // the fair scheduler it would wait behind them (its frequent wakeups exhaust its share).
            rtProblem = Affinity.setRealtimePriority(1);
        }
        if (mode == TimerMode.POLL) {
            serveKicks(mx, cpuTime);
            return;
        }
        long next = System.nanoTime() + tickNs;
        long n = 0, skips = 0;
        while (!rt.carriersExit) {
            long now = System.nanoTime();
            if (mode == TimerMode.SPIN) {
                while (now < next && !rt.carriersExit) {
                    Thread.onSpinWait();
                    now = System.nanoTime();
                }
            } else if (sleeper != null) {
                while (now < next && !rt.carriersExit) { // absolute deadline: no drift, no overshoot
                    sleeper.sleepUntil(next);
                    now = System.nanoTime();
                }
            } else {
                while (now < next && !rt.carriersExit) {
                    LockSupport.parkNanos(next - now);
                    now = System.nanoTime();
                }
            }
            if (rt.timerTick()) n++; else skips++;
            // Dekker with submit (push, then read dormant): dormant was written, now look at the
            // inbox, so a wakeup pushed meanwhile is seen by one side or the other.
            if (dormant && !rt.carriersExit && rt.inbox.isEmpty()) {
                LockSupport.parkNanos(this, 5_000_000); // woken by the carrier that clears dormant
                next = System.nanoTime() + tickNs;
            } else {
                next += tickNs;
                if (next < now) next = now + tickNs; // fell behind: do not burst
            }
            if (((n + skips) & 1023) == 0) publish(n, skips, mx, cpuTime);
        }
        publish(n, skips, mx, cpuTime);
    }

    /** POLL mode: sleep until the earliest kick (parkNanos, so kickAt can unpark it), serve it. */
    private void serveKicks(ThreadMXBean mx, boolean cpuTime) {
        long n = 0, skips = 0;
        long quietParkNs = rt.maxParkNs / 2; // with no kick due, doubles at each quiet re-check (Carrier.QUIET_PARK_GROWTH)
        while (!rt.carriersExit) {
            long now = System.nanoTime();
            long due = wakeAtNs;
            if (due <= now) {
                long next = rt.kickTimerTick();
                if (next == 0) {
                    // Lock busy: its holder is a carrier picking or ticking, which serves due
                    // kicks itself. Retry later, not at once: at real-time priority a tight retry
                    // loop would take the CPU from the carriers.
                    skips++;
                    LockSupport.parkNanos(this, 100_000);
                } else {
                    n++;
                }
            } else if (due == Long.MAX_VALUE) {
                LockSupport.parkNanos(this, quietParkNs); // kickAt unparks it; this is the safety net
                quietParkNs = carrierBusyAtLastLook ? rt.maxParkNs / 2
                        : Math.min(quietParkNs * 2, rt.maxParkNs / 2 * Carrier.QUIET_PARK_GROWTH);
                if (wakeAtNs == Long.MAX_VALUE && !rt.carriersExit) wakeAtNs = 0; // re-check now and then
            } else {
                quietParkNs = rt.maxParkNs / 2;
                LockSupport.parkNanos(this, Math.min(due - now, rt.maxParkNs / 2));
            }
            if (((n + skips) & 63) == 0) publish(n, skips, mx, cpuTime);
        }
        publish(n, skips, mx, cpuTime);
    }

    /** Publishes the counts (and the thread's CPU time) for stats, which read them racily. */
    private void publish(long n, long skips, ThreadMXBean mx, boolean cpuTime) {
        ticks = n;
        skipped = skips;
        if (cpuTime) cpuNs = mx.getCurrentThreadCpuTime();
    }
}
