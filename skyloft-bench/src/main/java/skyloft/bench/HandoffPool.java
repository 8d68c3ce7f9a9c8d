package skyloft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A server's worker pool with direct handoff: requests numbered 0, 1, 2, ... are released by one
 * dispatcher thread, and each release unparks at most one idle worker itself (the most recently
 * idle first). A worker serves released requests until none is left, then announces itself idle
 * and parks.
 *
 * <p>Why not a {@link java.util.concurrent.Semaphore}: its shared-mode release wakes one waiter,
 * and that waiter wakes the next only once it runs. Wakeups then travel down a chain of workers,
 * and a worker whose CPU the OS takes away halts the chain for every request behind it. Here the
 * dispatcher wakes every worker it needs, so one stalled worker delays only its own request.
 *
 * <p>No lost wakeup: a worker marks itself idle and pushes itself on the idle stack, then looks
 * for released work once more; the dispatcher publishes {@link #released} and then pops the
 * stack. Both sides write before they read (volatile and CAS), so at least one sees the other.
 * The worker's state word decides which single side moves it from idle back to running.
 * The idle stack may hold stale entries (a worker that found work on its second look); the
 * dispatcher skips them.
 */
final class HandoffPool {
    private static final int RUNNING = 0, IDLE = 1;

    private final int requests;
    /** Requests released so far: written by the dispatcher only, read by workers. */
    private volatile int released;
    /** The next request to claim: advanced by workers with CAS. */
    private final AtomicInteger claimed = new AtomicInteger();
    /** Idle workers, most recent first; may hold stale entries of running workers. */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final List<Worker> all = new ArrayList<>();
    /** Set once at the end by the dispatcher's thread; workers exit when they see it. */
    private volatile boolean stop;

    private static final class Worker {
        /** RUNNING or IDLE: set to IDLE by the worker, back to RUNNING by whichever side wins a CAS. */
        final AtomicInteger state = new AtomicInteger(RUNNING);
        volatile Thread thread;
    }

    HandoffPool(int requests) {
        if (requests < 0) throw new IllegalArgumentException("requests " + requests + " must be >= 0");
        this.requests = requests;
    }

    /**
     * The body of one worker thread: serves request numbers through {@code serve} until
     * {@link #stop()}, or until every request has been claimed (the worker that claims the last
     * one wakes the idle ones so that they return too).
     */
    Runnable worker(IntConsumer serve) {
        Worker w = new Worker();
        synchronized (all) {
            all.add(w);
        }
        return () -> {
            w.thread = Thread.currentThread();
            while (!stop && step(w, serve)) { } // each step is a call: see step()
        };
    }

    /**
     * One step of a worker: serve a released request, or announce itself idle and park until
     * woken. Returns false once every request has been claimed. A method of its own so that the
     * JIT compiles it by invocation count, early, instead of replacing the worker's long-running
     * loop on the stack in the middle of a measured window.
     */
    private boolean step(Worker w, IntConsumer serve) {
        int i = tryClaim();
        if (i == -2) return false; // every request has been claimed
        if (i >= 0) {
            serve.accept(i);
            return true;
        }
        w.state.set(IDLE);
        idle.push(w);
        i = tryClaim(); // a second look after announcing: no release can slip between
        if (i != -1 && w.state.compareAndSet(IDLE, RUNNING)) {
            if (i >= 0) serve.accept(i); // else -2: the next step's claim returns
            return true;
        }
        if (i >= 0) serve.accept(i); // the dispatcher already moved us to RUNNING
        while (w.state.get() == IDLE && !stop && claimed.get() < requests) LockSupport.park(this);
        return true;
    }

    /** Claims the next released request: its number, -1 if none is released yet, -2 if none is left. */
    private int tryClaim() {
        while (true) {
            int c = claimed.get();
            if (c >= requests) return -2;
            if (c >= released) return -1;
            if (claimed.compareAndSet(c, c + 1)) {
                if (c + 1 == requests) unparkAll(); // the last one: idle workers return instead of waiting for stop()
                return c;
            }
        }
    }

    /**
     * Releases requests up to (not including) {@code upTo} and wakes up to as many idle workers
     * as requests were released. Called by the dispatcher thread only, with {@code upTo} not
     * decreasing and at most the request count.
     */
    void releaseUpTo(int upTo) {
        int before = released;
        if (upTo > requests) throw new IllegalArgumentException("release up to " + upTo + " of " + requests + " requests");
        if (upTo <= before) return;
        released = upTo;
        for (int k = upTo - before; k > 0; ) {
            Worker w = idle.poll();
            if (w == null) return; // every worker is running and will look again before it idles
            if (w.state.compareAndSet(IDLE, RUNNING)) {
                LockSupport.unpark(w.thread);
                k--;
            }
        }
    }

    /** Tells every worker to return, idle ones included. */
    void stop() {
        stop = true;
        unparkAll();
    }

    private void unparkAll() {
        List<Worker> ws;
        synchronized (all) {
            ws = List.copyOf(all);
        }
        for (Worker w : ws) {
            Thread t = w.thread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    int claimed() {
        return Math.min(claimed.get(), requests);
    }
}
