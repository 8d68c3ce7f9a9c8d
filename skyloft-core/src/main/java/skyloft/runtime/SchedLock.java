package skyloft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The scheduler lock: a test-and-test-and-set spin lock around every policy op.
 *
 * <p>Why a spin lock: critical sections are a few hundred nanoseconds of policy code, and the
 * lock is taken from carrier threads in their scheduling loop, from the timer, and sometimes
 * from virtual threads (spawn admission, attribute changes). A parking lock would put a carrier
 * to sleep for tens of microseconds on contention, and a contended {@code synchronized} or
 * {@code ReentrantLock} inside a virtual thread would re-enter the scheduler. Platform threads
 * that spin long fall back to {@code Thread.yield()} (sched_yield) in case the holder was
 * descheduled; virtual threads only spin (their yield would re-enter the scheduler).
 */
final class SchedLock {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SchedLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 0 free, 1 held. Written by CAS (acquire) and release store (release); read by spinners. */
    @SuppressWarnings("unused")
    private volatile int state;

    /** Times lock() found the lock held: counted by each such caller once it holds the lock, so exact. */
    long contended;

    /** The thread holding the lock, or null: written by the holder right after acquiring and
     *  before releasing. Only the holder's own reads are exact, which is all {@link #heldByMe}
     *  needs (any other thread reads null or some other thread, never itself). */
    private Thread owner;

    void lock() {
        if (STATE.compareAndSet(this, 0, 1)) {
            owner = Thread.currentThread();
            return;
        }
        slowLock();
        contended++;
        owner = Thread.currentThread();
    }

    /** True if the calling thread (a virtual thread counts as itself) holds the lock. */
    boolean heldByMe() {
        return owner == Thread.currentThread();
    }

    private void slowLock() {
        boolean platform = !Thread.currentThread().isVirtual();
        for (int spins = 0; ; spins++) {
            if ((int) STATE.getOpaque(this) == 0 && STATE.compareAndSet(this, 0, 1)) return;
            if (platform && spins > 2_000 && (spins & 63) == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    boolean tryLock() {
        if (!STATE.compareAndSet(this, 0, 1)) return false;
        owner = Thread.currentThread();
        return true;
    }

    void unlock() {
        owner = null;
        STATE.setRelease(this, 0);
    }
}
