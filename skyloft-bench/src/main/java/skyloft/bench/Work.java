package skyloft.bench;

import skyloft.runtime.Skyloft;

/**
 * Calibrated CPU work with preemption points: {@code spinUs(n)} burns about n microseconds of
 * CPU (not wall time: time spent preempted does not count as work), polling once per
 * microsecond. Calibrated once per JVM on the calling thread.
 */
public final class Work {
    private Work() {}

    private static volatile long sink;
    private static volatile int itersPerUs;

    /** Iterations of the inner loop per microsecond on this machine. */
    public static int itersPerUs() {
        int n = itersPerUs;
        if (n == 0) n = itersPerUs = calibrate();
        return n;
    }

    private static int calibrate() {
        long x = 1;
        for (int i = 0; i < 5_000_000; i++) x = x * 6364136223846793005L + 1442695040888963407L; // warm up
        int best = 1; // the fastest round: the one least disturbed by other work on the machine
        for (int round = 0; round < 7; round++) {
            int iters = 2_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            long ns = Math.max(1, System.nanoTime() - t0);
            best = Math.max(best, (int) Math.max(1, iters * 1000L / ns));
        }
        sink = x;
        return best;
    }

    /** About {@code us} microseconds of CPU, with a preemption point every microsecond. */
    public static void spinUs(long us) {
        int per = itersPerUs();
        long x = sink;
        for (long u = 0; u < us; u++) {
            for (int i = 0; i < per; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            Skyloft.preemptionPoint();
        }
        sink = x;
    }
}
