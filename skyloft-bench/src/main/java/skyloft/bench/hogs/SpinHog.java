package skyloft.bench.hogs;

import skyloft.bench.HogTask;

/**
 * Arithmetic in a loop until stopped: no calls, no clock, no allocation. Loaded instrumented,
 * its outer loop (its head reads a field, so it is not strip-mined) polls on every back-edge;
 * the short inner loop is strip-mined and does not poll.
 */
public final class SpinHog implements HogTask {
    /** Written by the harness, read by the hog's loop. */
    private volatile boolean stop;
    private long work;
    private long sink;

    @Override
    public void run() {
        long x = System.identityHashCode(this) | 1L;
        long units = 0;
        while (!stop) {
            for (int i = 0; i < 24; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            units++;
        }
        work = units;
        sink = x;
    }

    @Override
    public void stop() {
        stop = true;
    }

    @Override
    public long work() {
        return work + (sink & 0);
    }
}
