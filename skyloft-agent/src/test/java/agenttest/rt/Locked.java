package agenttest.rt;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Does all its work inside one {@code synchronized} block, checking on every iteration that it
 * still owns the monitor alone. Before entering, records whether someone else held it.
 */
public final class Locked implements Runnable {
    private final Object lock;
    private final long iterations;
    private final AtomicReference<Thread> owner;
    private final AtomicLong counter;
    private final AtomicInteger violations;
    private final CountDownLatch inside;
    private final AtomicBoolean sawBusy;
    public volatile long sink;

    public Locked(Object lock, long iterations, AtomicReference<Thread> owner, AtomicLong counter,
                  AtomicInteger violations, CountDownLatch inside, AtomicBoolean sawBusy) {
        this.lock = lock;
        this.iterations = iterations;
        this.owner = owner;
        this.counter = counter;
        this.violations = violations;
        this.inside = inside;
        this.sawBusy = sawBusy;
    }

    @Override
    public void run() {
        Thread me = Thread.currentThread();
        sawBusy.set(owner.get() != null);
        long x = 7;
        synchronized (lock) {
            if (owner.get() != null) violations.incrementAndGet();
            owner.set(me);
            inside.countDown();
            for (long i = 0; i < iterations; i++) {
                for (int k = 0; k < 24; k++) x = x * 6364136223846793005L + 1442695040888963407L;
                if (owner.get() != me) violations.incrementAndGet();
                counter.incrementAndGet();
            }
            owner.set(null);
        }
        sink = x;
    }
}
