package skyloft.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Linux CPU affinity and timer slack through FFM: sched_getaffinity / sched_setaffinity for the
 * calling thread (pid 0), sched_getcpu, prctl(PR_SET_TIMERSLACK) and prctl(PR_SET_PDEATHSIG). Every call reports
 * failure as a message instead of throwing, so a runtime on an OS or in a sandbox that refuses
 * still runs (unpinned) and says so in its stats.
 */
public final class Affinity {
    private Affinity() {}

    private static final int MASK_BYTES = 128; // 1024 CPUs
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int PR_SET_PDEATHSIG = 1;
    private static final int SIGTERM = 15;
    private static final MethodHandle GET_AFF;
    private static final MethodHandle SET_AFF;
    private static final MethodHandle GET_CPU;
    private static final MethodHandle PRCTL;
    private static final MethodHandle CLOCK_NANOSLEEP;
    private static final MethodHandle SCHED_SETSCHEDULER;
    private static final int SCHED_FIFO = 1;
    /** Or'ed into a policy: threads the caller creates start at SCHED_OTHER, not at its policy. */
    private static final int SCHED_RESET_ON_FORK = 0x40000000;
    private static final int SCHED_IDLE = 5;
    private static final MethodHandle CLOCK_GETTIME;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int TIMER_ABSTIME = 1;
    private static final int EINTR = 4;
    private static final VarHandle ERRNO;
    private static final String UNAVAILABLE;

    static {
        MethodHandle g = null, s = null, c = null, p = null, ns = null, gt = null, ss = null;
        VarHandle errno = null;
        String why = null;
        try {
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                why = "not Linux (" + System.getProperty("os.name") + ")";
            } else {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option ccs = Linker.Option.captureCallState("errno");
                var layout = Linker.Option.captureStateLayout();
                errno = layout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
                FunctionDescriptor aff = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
                g = linker.downcallHandle(libc.find("sched_getaffinity").orElseThrow(), aff, ccs);
                s = linker.downcallHandle(libc.find("sched_setaffinity").orElseThrow(), aff, ccs);
                c = linker.downcallHandle(libc.find("sched_getcpu").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                p = linker.downcallHandle(libc.find("prctl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), ccs);
                ns = linker.downcallHandle(libc.find("clock_nanosleep").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                ss = linker.downcallHandle(libc.find("sched_setscheduler").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), ccs);
                gt = linker.downcallHandle(libc.find("clock_gettime").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            }
        } catch (Throwable e) {
            why = "native calls unavailable: " + e;
            g = s = c = p = ns = gt = ss = null;
        }
        GET_AFF = g;
        SET_AFF = s;
        GET_CPU = c;
        PRCTL = p;
        CLOCK_NANOSLEEP = ns;
        SCHED_SETSCHEDULER = ss;
        CLOCK_GETTIME = gt;
        ERRNO = errno;
        UNAVAILABLE = why;
    }

    /** Null when affinity calls are available, otherwise why not. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The OS CPUs this process may run on, in order; empty if unknown. */
    public static List<Integer> allowedCpus() {
        List<Integer> out = new ArrayList<>();
        if (GET_AFF == null) return out;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) GET_AFF.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc != 0) return out;
            for (int i = 0; i < MASK_BYTES * 8; i++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) out.add(i);
            }
        } catch (Throwable e) {
            out.clear();
        }
        return out;
    }

    /** Pins the calling thread to {@code osCpu}; null on success, otherwise why it failed. */
    public static String pinCurrentThread(int osCpu) {
        if (SET_AFF == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            mask.set(ValueLayout.JAVA_BYTE, osCpu / 8, (byte) (1 << (osCpu % 8)));
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SET_AFF.invokeExact(state, 0, (long) MASK_BYTES, mask);
            return rc == 0 ? null : "sched_setaffinity(cpu " + osCpu + ") failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "sched_setaffinity failed: " + e;
        }
    }

    /** Lets the calling thread run on each of {@code osCpus}; null on success, otherwise why it failed. */
    public static String allowCurrentThread(List<Integer> osCpus) {
        if (SET_AFF == null) return UNAVAILABLE;
        if (osCpus.isEmpty()) return "no CPU to allow";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            for (int c : osCpus) mask.set(ValueLayout.JAVA_BYTE, c / 8, (byte) (mask.get(ValueLayout.JAVA_BYTE, c / 8) | (1 << (c % 8))));
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SET_AFF.invokeExact(state, 0, (long) MASK_BYTES, mask);
            return rc == 0 ? null : "sched_setaffinity(" + osCpus + ") failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "sched_setaffinity failed: " + e;
        }
    }

    /** The OS CPU the calling thread runs on now, or -1. */
    public static int currentCpu() {
        if (GET_CPU == null) return -1;
        try {
            return (int) GET_CPU.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /** Sets the calling thread's timer slack (ns); null on success, otherwise why it failed. */
    public static String setTimerSlackNs(long slackNs) {
        if (PRCTL == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) PRCTL.invokeExact(state, PR_SET_TIMERSLACK, slackNs);
            return rc == 0 ? null : "prctl(PR_SET_TIMERSLACK) failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "prctl failed: " + e;
        }
    }

    /**
     * Asks Linux to send this process SIGTERM when the thread that started it ends, for whatever
     * reason (a SIGKILL of its JVM included), as prctl(PR_SET_PDEATHSIG) does; the JVM then runs
     * its shutdown hooks. Null on success, otherwise why it failed. A parent that ended before
     * this call sends nothing: compare {@link ProcessHandle#parent()} after it.
     */
    public static String terminateWithParent() {
        if (PRCTL == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) PRCTL.invokeExact(state, PR_SET_PDEATHSIG, (long) SIGTERM);
            return rc == 0 ? null : "prctl(PR_SET_PDEATHSIG) failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "prctl failed: " + e;
        }
    }

    /**
     * Makes the calling thread SCHED_FIFO at {@code priority} (1..99), so that when it wakes it
     * preempts ordinary (carrier) threads at once. Null on success, otherwise why it failed
     * (typically EPERM without CAP_SYS_NICE or an RLIMIT_RTPRIO). Only for threads that sleep
     * most of the time: Linux's RT throttling caps a runaway one at 95% of a CPU. With
     * SCHED_RESET_ON_FORK: a thread it starts, or that the JDK starts on its behalf (a
     * ForkJoinPool worker, the default scheduler's carriers, created by the thread that submits
     * work), begins at SCHED_OTHER instead of inheriting the real-time priority, as it otherwise
     * would under glibc's default PTHREAD_INHERIT_SCHED. Before 2026-11-23 it inherited it.
     */
    public static String setRealtimePriority(int priority) {
        return setScheduler(SCHED_FIFO | SCHED_RESET_ON_FORK, "SCHED_FIFO", priority);
    }

    /**
     * Makes the calling thread SCHED_IDLE: Linux runs it only when nothing else of the fair
     * classes wants the CPU, its answer for best-effort work. Needs no privilege. Null on
     * success, otherwise why it failed.
     */
    public static String setIdlePolicy() {
        return setScheduler(SCHED_IDLE, "SCHED_IDLE", 0);
    }

    private static String setScheduler(int policy, String policyName, int priority) {
        if (SCHED_SETSCHEDULER == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT);
            param.set(ValueLayout.JAVA_INT, 0, priority);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SCHED_SETSCHEDULER.invokeExact(state, 0, policy, param);
            return rc == 0 ? null : "sched_setscheduler(" + policyName + ") failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "sched_setscheduler failed: " + e;
        }
    }

    /**
     * A sleeper that wakes at absolute CLOCK_MONOTONIC deadlines given in System.nanoTime()
     * terms (clock_nanosleep with TIMER_ABSTIME), so a periodic tick neither drifts nor
     * overshoots as a relative park does. One per thread; allocates nothing per sleep.
     * {@link #create} returns null where the call is unavailable.
     */
    static final class AbsoluteSleeper {
        private final MemorySegment ts = Arena.ofAuto().allocate(16);
        private final long offsetNs; // CLOCK_MONOTONIC - System.nanoTime()

        private AbsoluteSleeper(long offsetNs) {
            this.offsetNs = offsetNs;
        }

        /** A sleeper with a given offset between the clocks (tests: a wrong one makes the OS refuse). */
        static AbsoluteSleeper withOffsetNs(long offsetNs) {
            return new AbsoluteSleeper(offsetNs);
        }

        /** Why a sleep could not use clock_nanosleep (the first refusal), or null: written by the
         *  sleeping thread, read by stats. From then on every sleep parks. */
        private volatile String problem;

        /** Why a sleep could not use clock_nanosleep, or null. */
        String problem() {
            return problem;
        }

        static AbsoluteSleeper create() {
            if (CLOCK_NANOSLEEP == null || CLOCK_GETTIME == null) return null;
            try {
                // The offset between the two clocks (zero where HotSpot reads CLOCK_MONOTONIC) from
                // the tightest of several samples: one taken across a deschedule would shift every
                // deadline by up to that gap.
                MemorySegment t = Arena.ofAuto().allocate(16);
                long bestGap = Long.MAX_VALUE, offset = 0;
                for (int i = 0; i < 16; i++) {
                    long before = System.nanoTime();
                    int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, t);
                    long after = System.nanoTime();
                    if (rc != 0) return null;
                    if (after - before < bestGap) {
                        bestGap = after - before;
                        long mono = t.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + t.get(ValueLayout.JAVA_LONG, 8);
                        offset = mono - (before + after) / 2;
                    }
                }
                return bestGap < 100_000 ? new AbsoluteSleeper(offset) : null;
            } catch (Throwable e) {
                return null;
            }
        }

        /**
         * Sleeps until System.nanoTime() reaches about {@code deadlineNs}, or returns early when a
         * signal interrupts the sleep (EINTR; the caller sleeps again). A call the OS refuses
         * (EINVAL, EPERM in a sandbox) returned at once, and the SLEEP timer, which sleeps in a
         * loop until its deadline, spun at real-time priority: such a sleep parks to the deadline
         * instead, and so does every later one ({@link #problem}). Adds one compare per sleep.
         */
        void sleepUntil(long deadlineNs) {
            if (problem == null) {
                long mono = deadlineNs + offsetNs;
                ts.set(ValueLayout.JAVA_LONG, 0, mono / 1_000_000_000L);
                ts.set(ValueLayout.JAVA_LONG, 8, mono % 1_000_000_000L);
                int rc;
                try {
                    rc = (int) CLOCK_NANOSLEEP.invokeExact(CLOCK_MONOTONIC, TIMER_ABSTIME, ts, MemorySegment.NULL);
                } catch (Throwable e) {
                    rc = -1;
                    problem = "clock_nanosleep failed: " + e;
                }
                if (rc == 0 || rc == EINTR) return; // the call returns the error number itself, not -1
                if (problem == null) problem = "clock_nanosleep failed, error " + rc;
            }
            for (long left; (left = deadlineNs - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
        }
    }
}
