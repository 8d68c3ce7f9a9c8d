package agenttest.rt;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Spins until told to stop; never calls the runtime. Loaded instrumented (or plain, as a control). */
public final class Hog implements Runnable {
    private final CountDownLatch started;
    private final AtomicBoolean stop;
    public volatile long sink;

    public Hog(CountDownLatch started, AtomicBoolean stop) {
        this.started = started;
        this.stop = stop;
    }

    @Override
    public void run() {
        started.countDown();
        long x = 1;
        while (!stop.get()) {
            for (int i = 0; i < 24; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }
}
