package skyloft.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A careful little harness for benchmarks that cannot live inside JMH (they start runtimes and
 * threads): warm-up runs, then several measured runs, reporting the median with the min and max
 * beside it. Every figure a benchmark prints is measured in the same JVM run as its baselines.
 */
public final class Harness {
    private Harness() {}

    /** The median of several runs, with the spread. */
    public record Measurement(double median, double min, double max, int runs) {
        public BenchResult.Row row(String system, String metric, String unit) {
            return new BenchResult.Row(system, metric, median, unit,
                    java.util.Map.of("min", min, "max", max, "runs", runs));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f (min %.1f, max %.1f, %d runs)", median, min, max, runs);
        }
    }

    /**
     * Runs {@code oneRun} {@code warmups} times unmeasured and {@code runs} times measured; each
     * call returns its own figure (ns per op, for instance).
     */
    public static Measurement measure(int warmups, int runs, DoubleSupplier oneRun) {
        for (int i = 0; i < warmups; i++) oneRun.getAsDouble();
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) v[i] = oneRun.getAsDouble();
        Arrays.sort(v);
        return new Measurement(median(v), v[0], v[runs - 1], runs);
    }

    /** The median of sorted values; NaN for none. */
    public static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Quiet rounds in a row that end a warm-up. One was not enough: the JVM counts a compilation's
     *  time when it ends, so a round can look quiet while long compilations run, and jdk-default's
     *  schbench window then held 286 and 449 ms of compilation (docs/BENCHMARKS.md, "2026-11-23,
     *  02:34 to 02:36 UTC"). */
    static final int QUIET_ROUNDS = 2;

    /**
     * Runs {@code round} (one unmeasured warm-up round) until the JIT compilers have gone quiet:
     * at least {@code minRounds} rounds, then until {@value #QUIET_ROUNDS} rounds in a row each
     * add less than {@code quietMs} of compilation time, at most {@code maxRounds}. A compiler
     * thread shares the CPUs with the system under test, so a burst of compilation inside a
     * measured run stalls it for milliseconds. Returns the rounds run; without a
     * compilation-time counter it runs {@code minRounds}, or one if that is 0.
     */
    public static int warmUntilJitQuiet(int minRounds, int maxRounds, long quietMs, Runnable round) {
        if (minRounds < 0 || maxRounds < minRounds) throw new IllegalArgumentException("rounds " + minRounds + ".." + maxRounds);
        // the compiler threads' CPU time where it can be read: it sees a long compilation while
        // it runs, which the JVM's compile-time counter adds only once it ends
        boolean cpu = compilerCpuMs() >= 0;
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean timed = cpu || jit != null && jit.isCompilationTimeMonitoringSupported();
        LongSupplier spent = cpu ? Harness::compilerCpuMs : timed ? jit::getTotalCompilationTime : () -> 0;
        int n = 0, quiet = 0;
        long before = spent.getAsLong();
        while (n < maxRounds) {
            round.run();
            n++;
            long now = spent.getAsLong();
            quiet = now - before < quietMs ? quiet + 1 : 0;
            before = now;
            if (n < minRounds) continue;
            if (!timed || quiet >= QUIET_ROUNDS) break;
        }
        return n;
    }

    /**
     * The CPU time the JIT's compiler threads have used so far, in ms, read from Linux's
     * {@code /proc/self/task} (the threads named {@code C1 CompilerThre...} and {@code C2
     * CompilerThre...}, their {@code schedstat} run time); -1 where that cannot be read. Unlike
     * the JVM's compile-time counter, it grows while a compilation runs, and it is CPU time, not
     * the compilations' elapsed time (which a busy machine stretches). The JVM may retire a
     * compiler thread, taking its time with it: a difference can then fall short, or below 0.
     */
    static long compilerCpuMs() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            long ns = 0;
            boolean any = false;
            for (Path t : tasks) {
                String comm, stat;
                try {
                    comm = Files.readString(t.resolve("comm"));
                    if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) continue;
                    stat = Files.readString(t.resolve("schedstat"));
                } catch (IOException gone) { // the thread ended while listed
                    continue;
                }
                int sp = stat.indexOf(' ');
                ns += Long.parseLong(sp < 0 ? stat.strip() : stat.substring(0, sp));
                any = true;
            }
            return any ? ns / 1_000_000 : -1;
        } catch (IOException | RuntimeException e) { // no /proc, or a format this does not know
            return -1;
        }
    }

    /** The JIT's total compile time so far (ms), or -1 if the JVM does not report it. */
    static long jitMs() {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Collections so far and the time the JVM's collectors report for them, in ms ({count, ms}),
     *  summed over every collector; a window's difference says whether a collection (with G1, its
     *  pauses) fell into it. */
    static long[] gc() {
        long count = 0, ms = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    /** Progress for runs longer than a few seconds: one line to stderr. */
    public static void progress(String bench, String what) {
        System.err.println("[" + bench + "] " + what);
    }
}
