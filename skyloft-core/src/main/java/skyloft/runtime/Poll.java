package skyloft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The preemption point. {@link #poll()} is what {@code Skyloft.preemptionPoint()} calls and what
 * the Java agent inserts at loop back-edges and method entries of application code.
 *
 * <p>Fast path: one load of a static volatile int (a plain load on x86) and a branch; no
 * allocation, no clock, no ThreadLocal. The slow path runs only while some carrier has a
 * preemption request pending or has its clock armed (the POLL timer mode). On a carrier of a
 * runtime it counts the carrier's poll budget down (the JDK's intrinsic for the current carrier
 * thread, one load and a decrement, no call) and only when the budget is spent calls the
 * runtime, which reads the clock if the carrier is armed and yields if a preemption for this
 * carrier is pending. The budget is 1 except on armed carriers, so outside POLL mode every
 * slow-path poll checks; a requester zeroes the budget. The budget is the carrier's, not the
 * task's: a thread the runtime adopted names its creator's task as its scheduler, and a budget
 * found through that field would be one counter for all the threads one task created, written
 * by every carrier they run on. Polls from other threads go to the installed {@link Handler},
 * if any (a test hook).
 */
public final class Poll {
    private Poll() {}

    /** A hook for polls from threads that are not tasks of a runtime (tests count polls with it). */
    public interface Handler {
        void onPoll();
    }

    /**
     * Number of carriers whose clock is armed, plus the number of carriers with a preemption
     * request not yet delivered that their armed clock does not cover (a request made while the
     * clock is armed adds nothing; a disarm that finds it pending gives it its unit). Changed
     * with atomic updates by requesters and deliverers (under or outside the scheduler lock), by
     * arming (under it), and by primeProfile around its window; read by every poll.
     */
    static volatile int pending;

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findStaticVarHandle(Poll.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Atomically adds {@code delta} to the pending count (runtime only). */
    static void adjustPending(int delta) {
        PENDING.getAndAdd(delta);
    }

    /** The hook for other threads; written by install, read by the slow path. */
    private static volatile Handler handler;

    /** The poll: cheap when nothing is pending. */
    public static void poll() {
        if (pending != 0) slowPath();
    }

    private static void slowPath() {
        if (VThreads.currentCarrier() instanceof Carrier c) {
            if (--c.pollBudget <= 0) c.rt.pollCheck(c);
            return;
        }
        Handler h = handler;
        if (h != null) h.onPoll();
    }

    /**
     * Shows the JIT the slow path before the application's code is compiled: raises the count
     * for {@code windowNs} while the calling thread (not a task) polls, so that the poll's
     * profile, which every caller that inlines it shares, holds the branch as taken. Code
     * compiled while no carrier was ever armed otherwise holds that branch as an uncommon trap,
     * and the first arming deoptimizes each hot method of the application, including loops that
     * a preempted task left half done (docs/PREEMPTION.md, "Keeping the JIT from undoing
     * compiled code"). How much the window shows depends on the JIT compiling {@code poll}
     * within it. Other threads' polls in the window only look for a request. Returns the number
     * of polls made.
     */
    static long primeProfile(long windowNs) {
        long end = System.nanoTime() + windowNs, polls = 0;
        adjustPending(1);
        try {
            do {
                for (int i = 0; i < 1_000; i++) poll();
                polls += 1_000;
            } while (System.nanoTime() < end);
        } finally {
            adjustPending(-1);
        }
        return polls;
    }

    /** Installs the hook for polls from threads that are not runtime tasks; null removes it. */
    public static void install(Handler h) {
        handler = h;
    }
}
