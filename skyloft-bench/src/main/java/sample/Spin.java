package sample;

/**
 * CPU work for the samples, counted in iterations rather than timed, so that a request that is
 * preempted takes longer instead of finishing on the clock: steps of a random-number generator,
 * in chunks of about a microsecond (an inner loop per chunk, which the agent strip-mines).
 */
final class Spin {
    private Spin() {}

    private static final int CHUNK = 1_000;
    private static volatile long sink;

    /** Iterations of {@link #run} per ns: the best of 20-ms rounds over about a second, so that
     *  the JIT has compiled the loop before the figure is taken. */
    static double calibrate() {
        double best = 0;
        long n = 100_000;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t = System.nanoTime();
            run(n);
            long el = System.nanoTime() - t;
            if (el < 20_000_000) n *= 2;
            else best = Math.max(best, n / (double) el);
        }
        return best > 0 ? best : n / 20e6;
    }

    /** {@code iters} steps of the generator. */
    static void run(long iters) {
        long x = iters;
        for (long done = 0; done < iters; done += CHUNK) {
            int n = (int) Math.min(CHUNK, iters - done);
            for (int i = 0; i < n; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }
}
