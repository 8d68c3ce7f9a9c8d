package agenttest.rt;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed amount of arithmetic, publishing its progress every 1024 units. The first worker to
 * finish copies everyone's progress into {@code snapshot}.
 */
public final class Worker implements Runnable {
    private final long units;
    private final AtomicLongArray progress;
    private final int index;
    private final CountDownLatch started;
    private final AtomicBoolean firstDone;
    private final AtomicLongArray snapshot;
    public volatile long sink;

    public Worker(long units, AtomicLongArray progress, int index, CountDownLatch started,
                  AtomicBoolean firstDone, AtomicLongArray snapshot) {
        this.units = units;
        this.progress = progress;
        this.index = index;
        this.started = started;
        this.firstDone = firstDone;
        this.snapshot = snapshot;
    }

    @Override
    public void run() {
        started.countDown();
        long x = index + 1;
        for (long u = 0; u < units; u++) {
            for (int i = 0; i < 24; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            if ((u & 1023) == 0) progress.set(index, u);
        }
        progress.set(index, units);
        if (firstDone.compareAndSet(false, true)) {
            for (int j = 0; j < snapshot.length(); j++) snapshot.set(j, progress.get(j));
        }
        sink = x;
    }
}
