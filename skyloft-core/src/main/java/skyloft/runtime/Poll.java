package skyloft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The preemption point. {@link #poll()} is what {@code Skyloft.preemptionPoint()} calls and what
 * the Java agent inserts at loop back-edges and method entries of application code.
 *
 * <p>Fast path: one load of a static volatile int (a plain load on x86) and a branch; no
 * allocation, no clock, no ThreadLocal. The slow path runs only while some carrier has a
 * preemption request pending; it asks the installed {@link Handler} whether the request is for
 * the calling thread's carrier, and if so the handler yields.
 */
public final class Poll {
    private Poll() {}

    /** What the runtime plugs in: decides whether the calling thread should yield, and does. */
    public interface Handler {
        void onPoll();
    }

    /**
     * Number of carriers with a preemption request not yet delivered. Written by the timer (up)
     * and by the slow path (down) with atomic updates; read by every poll.
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

    /** The runtime's slow path; written when a runtime starts or stops, read by the slow path. */
    private static volatile Handler handler;

    /** The poll: cheap when nothing is pending. */
    public static void poll() {
        if (pending != 0) slowPath();
    }

    private static void slowPath() {
        Handler h = handler;
        if (h != null) h.onPoll();
    }

    /** Installs the slow-path handler (the runtime does this); null removes it. */
    public static void install(Handler h) {
        handler = h;
    }
}
