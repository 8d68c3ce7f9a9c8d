package skyloft.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import skyloft.agent.InstrumentingClassLoader;
import skyloft.agent.PollInserter;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * {@code bench poll-overhead}: what the agent's polls cost when no preemption is pending (the
 * fast path: one volatile load and a branch per poll). Each kernel in {@code skyloft.bench.kernels}
 * is loaded twice in the same JVM: plain, from the class path, and instrumented, through an
 * {@link InstrumentingClassLoader} that runs {@link PollInserter} on the same class files. Both
 * copies are warmed up, then timed in alternating order (plain first on even rounds, instrumented
 * first on odd ones) so that drift in machine load hits both; each run is timed by the thread's
 * CPU time (wall time if the JVM cannot tell), so time the OS gives to other processes does not
 * count; the slowdown of a kernel is the ratio of the medians.
 *
 * <p>Rows: per kernel {@code time_ms} for systems {@code plain} and {@code skyloft:agent},
 * {@code slowdown} and {@code slowdown_min} (ratio of the fastest runs, less sensitive to
 * interference) for {@code skyloft:agent}, and {@code poll_overhead_geomean}, the geometric mean
 * of the median slowdowns (1.00 = no overhead), with {@code poll_overhead_geomean_min} the same
 * over the min-based ones (on a shared machine most runs can be disturbed; the fastest rarely are).
 *
 * <p>Armed polls: under the POLL timer (the runtime's default) every poll of an armed carrier
 * takes the slow path (find the task, count down to the next clock read; read the clock and tick
 * now and then). Each kernel is therefore also timed inside one task of a one-carrier POLL-mode
 * runtime whose policy keeps the carrier armed, plain and instrumented, by wall time (a virtual
 * thread has no CPU clock), after all the unarmed measurements: rows {@code slowdown_armed} per
 * kernel and {@code poll_overhead_geomean_armed}, with {@code clock_reads} proving the polls were
 * armed.
 */
public final class PollOverheadBench {
    private PollOverheadBench() {}

    public static final List<String> KERNELS = List.of(
            "skyloft.bench.kernels.MatMul",
            "skyloft.bench.kernels.Sieve",
            "skyloft.bench.kernels.HashChurn",
            "skyloft.bench.kernels.QuickSort",
            "skyloft.bench.kernels.StringBuild",
            "skyloft.bench.kernels.Fib",
            "skyloft.bench.kernels.Mandelbrot",
            "skyloft.bench.kernels.Crc32");

    private static final String KERNEL_PACKAGE = "skyloft.bench.kernels.";

    /** Timed runs and warm-up runs per copy of each kernel; the poll options of the instrumented copy. */
    public record Config(int runs, int warmupRuns, PollInserter.Options options, List<String> kernels) {
        public Config(int runs, int warmupRuns, PollInserter.Options options) {
            this(runs, warmupRuns, options, kernelNames());
        }

        public Config {
            for (String k : kernels) {
                if (!kernelNames().contains(k)) {
                    throw new IllegalArgumentException("--kernels: '" + k + "' is not a kernel; allowed " + String.join(", ", kernelNames()));
                }
            }
            if (kernels.isEmpty()) throw new IllegalArgumentException("--kernels: empty; allowed " + String.join(", ", kernelNames()));
            kernels = List.copyOf(kernels);
            if (runs < 1 || runs > 1000) throw new IllegalArgumentException("--runs " + runs + " out of range; allowed 1..1000");
            if (warmupRuns < 0 || warmupRuns > 1000) throw new IllegalArgumentException("--warmup " + warmupRuns + " out of range; allowed 0..1000");
        }

        public static Config defaults() {
            return new Config(41, 15, PollInserter.Options.DEFAULT);
        }
    }

    public static BenchResult run(Config cfg, PrintStream progress) {
        ClassLoader parent = PollOverheadBench.class.getClassLoader();
        InstrumentingClassLoader instrumenting = new InstrumentingClassLoader(parent, n -> n.startsWith(KERNEL_PACKAGE), cfg.options());
        BenchResult result = new BenchResult("poll-overhead")
                .param("runs", cfg.runs())
                .param("warmup_runs", cfg.warmupRuns())
                .param("stride", cfg.options().backEdgeStride())
                .param("entry_polls", cfg.options().entryPolls())
                .param("strip_mining", cfg.options().stripMine())
                .param("cpus", Runtime.getRuntime().availableProcessors())
                .param("clock", CPU_CLOCK ? "thread_cpu" : "wall");
        double logSum = 0, logSumMin = 0, logSumArmed = 0;
        long clockReads = 0;
        List<CpuKernel[]> copies = new ArrayList<>();
        int n = 0;
        for (String className : KERNELS) {
            if (!cfg.kernels().contains(className.substring(className.lastIndexOf('.') + 1))) continue;
            CpuKernel plain = load(className, parent);
            CpuKernel instrumented = load(className, instrumenting);
            long expected = plain.run();
            long got = instrumented.run();
            if (expected != got) {
                throw new IllegalStateException("kernel " + plain.name() + ": instrumented copy returned " + got + ", plain " + expected);
            }
            for (int i = 0; i < cfg.warmupRuns(); i++) {
                timeNs(plain);
                timeNs(instrumented);
            }
            long[] plainNs = new long[cfg.runs()];
            long[] instrNs = new long[cfg.runs()];
            for (int r = 0; r < cfg.runs(); r++) {
                if ((r & 1) == 0) {
                    plainNs[r] = timeNs(plain);
                    instrNs[r] = timeNs(instrumented);
                } else {
                    instrNs[r] = timeNs(instrumented);
                    plainNs[r] = timeNs(plain);
                }
            }
            double plainMs = median(plainNs) / 1e6, instrMs = median(instrNs) / 1e6;
            double slowdown = instrMs / plainMs;
            double slowdownMin = (double) min(instrNs) / min(plainNs);
            Map<String, Object> k = Map.of("kernel", plain.name());
            result.add(new BenchResult.Row("plain", "time_ms", plainMs, "ms", k));
            result.add(new BenchResult.Row("skyloft:agent", "time_ms", instrMs, "ms", k));
            result.add(new BenchResult.Row("skyloft:agent", "slowdown", slowdown, "x", k));
            result.add(new BenchResult.Row("skyloft:agent", "slowdown_min", slowdownMin, "x", k));
            logSum += Math.log(slowdown);
            logSumMin += Math.log(slowdownMin);
            n++;
            copies.add(new CpuKernel[] {plain, instrumented});
            if (progress != null) {
                progress.printf(Locale.ROOT, "  %-10s plain %8.2f ms  instrumented %8.2f ms  slowdown %.3f (min-based %.3f)%n",
                        plain.name(), plainMs, instrMs, slowdown, slowdownMin);
            }
        }
        // Armed polls last: once a poll's branch has been taken, the JIT compiles the slow path
        // into every caller, which would tax the unarmed measurements that came after.
        for (CpuKernel[] pair : copies) {
            double[] armed = armed(pair[0], pair[1], cfg);
            result.add(new BenchResult.Row("skyloft:agent", "slowdown_armed", armed[0], "x", Map.of("kernel", pair[0].name())));
            logSumArmed += Math.log(armed[0]);
            clockReads += (long) armed[1];
            if (progress != null) {
                progress.printf(Locale.ROOT, "  %-10s armed (in a task of a POLL-mode runtime that ticks it): slowdown %.3f%n",
                        pair[0].name(), armed[0]);
            }
        }
        var s = instrumenting.stats();
        Map<String, Object> polls = new LinkedHashMap<>();
        polls.put("entry_polls", s.entryPolls());
        polls.put("back_edge_polls", s.backEdgePolls());
        polls.put("strip_mined_loops", s.stripMinedLoops());
        result.add(new BenchResult.Row("skyloft:agent", "poll_overhead_geomean", Math.exp(logSum / n), "x", polls));
        result.add(new BenchResult.Row("skyloft:agent", "poll_overhead_geomean_min", Math.exp(logSumMin / n), "x", polls));
        result.add(new BenchResult.Row("skyloft:agent", "poll_overhead_geomean_armed", Math.exp(logSumArmed / n), "x",
                Map.of("timer", "poll", "clock_reads", clockReads)));
        if (progress != null) {
            progress.printf(Locale.ROOT, "  geomean slowdown: %.3f (min-based %.3f); armed polls (POLL timer, %d clock reads): %.3f%n",
                    Math.exp(logSum / n), Math.exp(logSumMin / n), clockReads, Math.exp(logSumArmed / n));
        }
        return result;
    }

    /**
     * Times both copies inside one task of a one-carrier POLL-mode runtime under {@link Ticking},
     * so the polls of the instrumented copy are armed; returns {median-based slowdown, clock reads}.
     */
    private static double[] armed(CpuKernel plain, CpuKernel instrumented, Config cfg) {
        long[] plainNs = new long[cfg.runs()];
        long[] instrNs = new long[cfg.runs()];
        long reads;
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(new Ticking()).timer(TimerMode.POLL).build()) {
            Thread t = rt.start(() -> {
                for (int i = 0; i < cfg.warmupRuns(); i++) {
                    wallNs(plain);
                    wallNs(instrumented);
                }
                for (int r = 0; r < cfg.runs(); r++) {
                    if ((r & 1) == 0) {
                        plainNs[r] = wallNs(plain);
                        instrNs[r] = wallNs(instrumented);
                    } else {
                        instrNs[r] = wallNs(instrumented);
                        plainNs[r] = wallNs(plain);
                    }
                }
            });
            if (!t.join(Duration.ofMinutes(5))) throw new IllegalStateException("armed run of " + plain.name() + " did not finish in 5 min");
            reads = rt.stats().counters().getOrDefault("poll_clock_reads", 0L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new double[] {median(instrNs) / median(plainNs), reads};
    }

    /** A FIFO that wants ticks even for a lone task (as deadline servers do) and never
     *  preempts: its carrier stays armed, so the polls, clock reads and ticks are all that
     *  differs from an unarmed run. */
    private static final class Ticking extends SchedPolicy {
        private final ArrayDeque<Task> queue = new ArrayDeque<>();

        @Override public String name() { return "ticking-fifo"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { return false; }
    }

    private static long wallNs(CpuKernel k) {
        long t0 = System.nanoTime();
        long v = k.run();
        long t1 = System.nanoTime();
        sink ^= v;
        return t1 - t0;
    }

    private static CpuKernel load(String className, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(className, true, loader);
            return (CpuKernel) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load kernel " + className + " from " + loader.getName() + ": " + e, e);
        }
    }

    /** Sink so the JIT keeps every checksum. */
    private static volatile long sink;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Thread CPU time when the JVM offers it: time the OS gave to other processes is not
     *  counted, which matters on a shared machine; wall time otherwise. */
    static final boolean CPU_CLOCK = THREADS.isCurrentThreadCpuTimeSupported();

    private static long timeNs(CpuKernel k) {
        long t0 = CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        long v = k.run();
        long t1 = CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        sink ^= v;
        return t1 - t0;
    }

    static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return (s.length & 1) == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
    }

    private static long min(long[] xs) {
        long m = Long.MAX_VALUE;
        for (long x : xs) m = Math.min(m, x);
        return m;
    }

    /** Simple class names of the kernels in the suite, as {@code --kernels} takes them. */
    public static List<String> kernelNames() {
        List<String> out = new ArrayList<>();
        for (String c : KERNELS) out.add(c.substring(c.lastIndexOf('.') + 1));
        return out;
    }
}
