package skyloft.bench;

import skyloft.runtime.Skyloft;

/**
 * Calibrated CPU work with preemption points: {@code spinNs(n)} burns about n nanoseconds of
 * CPU (not wall time: time spent preempted does not count as work), polling about once per
 * microsecond. Calibrated once per JVM, in a platform thread's CPU time (the caller's, or one
 * of its own when the caller is a virtual thread).
 *
 * <p>The kernel is a dependent chain of multiply, add and xor-shift, which no compiler can
 * shorten or vectorize, and calibration times the very loop that {@link #spinNs} runs (chunks
 * and polls included). An earlier kernel, a bare linear congruential step, ran up to three times
 * faster once C2 had compiled its caller than in the calibration loop, so requests were shorter
 * than their stated service times by a factor that depended on the JIT's mood.
 */
public final class Work {
    private Work() {}

    private static volatile long sink = 1;
    private static volatile int itersPerUs;
    /** Iterations between two preemption points, about a microsecond's worth. */
    private static volatile int chunk;

    /** Iterations of the kernel per microsecond on this machine. */
    public static int itersPerUs() {
        int n = itersPerUs;
        if (n == 0) n = calibrate();
        return n;
    }

    private static synchronized int calibrate() {
        if (itersPerUs != 0) return itersPerUs;
        if (Thread.currentThread().isVirtual()) {
            // On a platform thread of its own: timed in a virtual thread, the rounds would count
            // whatever time its scheduler gave to other threads, and a virtual thread has no CPU
            // clock of its own.
            Thread t = Thread.ofPlatform().name("skyloft-work-calibration").start(Work::calibrateHere);
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        } else {
            calibrateHere();
        }
        return itersPerUs;
    }

    private static void calibrateHere() {
        long x = sink;
        // A rough rate of the bare kernel sets the chunk; then the chunked, polling loop is timed.
        for (int i = 0; i < 20; i++) x = burn(x, 200_000); // warm up
        long t0 = System.nanoTime();
        x = burn(x, 2_000_000);
        chunk = (int) Math.max(1, Math.min(1_000_000, 2_000_000L * 1000 / Math.max(1, System.nanoTime() - t0)));
        for (int i = 0; i < 200; i++) x = spinIters(x, 20L * chunk); // warm up the loop spinNs runs
        // Timed in this thread's CPU time where the JVM has it, so that a round the OS shared out
        // (to spinning carriers, the JIT, another process) is not counted as slow work; and the
        // fastest round counts, the one least disturbed otherwise (caches, the host). A guest's
        // CPU time also counts the time its host took the vCPU away (steal), which on this VM
        // comes in spells: nine back-to-back rounds could all fall in one (a CI run, 2026-11-22,
        // measured 3.06 CPUs of work on 2 cores, as a calibration half too slow would make it),
        // so the rounds are spread over about 200 ms.
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpuClock = mx.isCurrentThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled() && mx.getCurrentThreadCpuTime() >= 0;
        long best = 1;
        for (int round = 0; round < CALIBRATION_ROUNDS; round++) {
            if (round > 0) pause(CALIBRATION_GAP_MS);
            long iters = 2_000L * chunk; // about 2 ms
            long s = cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            x = spinIters(x, iters);
            long ns = Math.max(1, (cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - s);
            best = Math.max(best, iters * 1000 / ns);
        }
        sink = x;
        itersPerUs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, best));
    }

    private static final int CALIBRATION_ROUNDS = 30, CALIBRATION_GAP_MS = 5;

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the flag; the rounds go on without the gaps
        }
    }

    /** The kernel: {@code iters} dependent steps. */
    static long burn(long x, long iters) {
        for (long i = 0; i < iters; i++) {
            x = x * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
            x ^= x >>> 29;
        }
        return x;
    }

    /** {@code iters} steps of the kernel in chunks of {@link #chunk}, a preemption point after each. */
    private static long spinIters(long x, long iters) {
        long c = chunk;
        while (iters > 0) {
            long n = Math.min(iters, c);
            x = burn(x, n);
            iters -= n;
            Skyloft.preemptionPoint();
        }
        return x;
    }

    /** About {@code ns} nanoseconds of CPU, with a preemption point about every microsecond. */
    public static void spinNs(long ns) {
        long per = itersPerUs();
        sink = spinIters(sink, Math.max(0, ns) * per / 1000);
    }

    /** About {@code us} microseconds of CPU, with a preemption point about every microsecond. */
    public static void spinUs(long us) {
        spinNs(us * 1000);
    }
}
