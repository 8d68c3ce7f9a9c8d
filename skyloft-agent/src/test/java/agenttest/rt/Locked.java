package agenttest.rt;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Does all its work inside one {@code synchronized} block, checking on every iteration that it
 * still owns the monitor alone. Before entering, records whether someone else held it and says
 * it has started. Inside, runs at least {@code iterations} rounds, and keeps going (up to
 * {@code cap}) until {@code waitFor} is set, so a slow timer cannot make the test vacuous.
 */
public final class Locked implements Runnable {
    private final Object lock;
    private final long iterations;
    private final long cap;
    private final AtomicReference<Thread> owner;
    private final AtomicLong counter;
    private final AtomicLong mine;
    private final AtomicInteger violations;
    private final CountDownLatch inside;
    private final AtomicBoolean sawBusy;
    private final AtomicBoolean started;
    private final AtomicBoolean waitFor;
    public volatile long sink;

    public Locked(Object lock, long iterations, long cap, AtomicReference<Thread> owner, AtomicLong counter, AtomicLong mine,
                  AtomicInteger violations, CountDownLatch inside, AtomicBoolean sawBusy, AtomicBoolean started,
                  AtomicBoolean waitFor) {
        this.lock = lock;
        this.iterations = iterations;
        this.cap = cap;
        this.owner = owner;
        this.counter = counter;
        this.mine = mine;
        this.violations = violations;
        this.inside = inside;
        this.sawBusy = sawBusy;
        this.started = started;
        this.waitFor = waitFor;
    }

    @Override
    public void run() {
        Thread me = Thread.currentThread();
        sawBusy.set(owner.get() != null);
        started.set(true);
        long x = 7;
        synchronized (lock) {
            if (owner.get() != null) violations.incrementAndGet();
            owner.set(me);
            inside.countDown();
            long i = 0;
            while (i < iterations || (!waitFor.get() && i < cap)) {
                for (int k = 0; k < 24; k++) x = x * 6364136223846793005L + 1442695040888963407L;
                if (owner.get() != me) violations.incrementAndGet();
                counter.incrementAndGet();
                i++;
            }
            mine.set(i);
            owner.set(null);
        }
        sink = x;
    }
}
