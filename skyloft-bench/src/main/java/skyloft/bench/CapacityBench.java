package skyloft.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import skyloft.runtime.Affinity;
import skyloft.runtime.RuntimeStats;

/**
 * {@code bench capacity}: how much of the CPUs reaches the application when many CPU-bound
 * threads share them. {@code hogsPerCore} threads per core each spin {@link Work} in pieces of
 * 100 us (a preemption point about every microsecond) without end; the figure is the calibrated
 * work finished per second of the measured window, in CPUs ({@code work_cpus}), and that over
 * the cores ({@code work_share}, 1.0 = every cycle went to the work), and how evenly it was
 * shared: the least any thread got over the mean ({@code fair_min}, 1.0 = even; 0 = a thread
 * that never ran in the window). What is missing went to scheduling: ticks, preemptions and
 * switches, the scheduler lock passing between carriers, the kernel's switches for platform
 * threads, and whatever else the machine ran.
 *
 * <p>Each Skyloft system also reports, per CPU and second of the window, its ticks and switches
 * ({@code ticks_per_cpu_s}, {@code switches_per_cpu_s}) and the scheduler lock's contended
 * acquisitions per second ({@code lock_contended_per_s}): the traffic the work paid for. jdk-default
 * never preempts: its first threads keep the carriers and the rest wait, so its figure is the
 * work rate with no scheduling at all. Before its runs each system runs rounds of 250 ms until
 * two in a row add under 5 ms of JIT compilation (at most 12; {@code warmup_rounds}), so that the
 * compiler, which takes a carrier's CPU for milliseconds, is done with the scheduler's paths
 * before anything is measured. Each run starts a fresh system and warms it up for a quarter
 * of the window (at most 500 ms) before measuring; the rows are medians over the runs, with
 * min, max, each run's figure and its JIT time ({@code jit_ms}) in the params.
 *
 * <p>On two CPUs the preemptive policies' figures follow the cost of moving a cache line
 * between them, which on a VM the host decides and changes from second to second
 * (docs/BENCHMARKS.md). So each window is bracketed by {@link LineProbe} round trips
 * ({@code line_rt_ns}), and the windows are also given grouped by that state ({@code fast_line},
 * {@code slow_line}): compare builds within one state, not by medians that mix them.
 */
public final class CapacityBench {
    private CapacityBench() {}

    /** Preemptive policies with Skyloft's 30 us quantum where the policy has one, and fifo. */
    public static final List<String> DEFAULT_POLICIES = List.of("fifo", "rr[slice=30us]", "cfs", "eevdf", "shinjuku[quantum=30us]");
    public static final int DEFAULT_HOGS_PER_CORE = 10;
    /** One piece of a hog's work: counted when it ends. */
    static final long PIECE_NS = 100_000;
    /** Spacing of the per-thread counters in longs. */
    private static final int PAD = 16;

    public record Options(List<String> systems, int cores, int hogsPerCore, long durationNs, int runs, Sut.RuntimeConfig runtime, boolean stats) {
        public Options {
            systems = Sut.checkSystems(systems);
            Checks.cores(cores);
            if (hogsPerCore < 1 || hogsPerCore > 1000) {
                throw new IllegalArgumentException("--hogs " + hogsPerCore + " is out of range; allowed 1..1000 threads per core");
            }
            Checks.duration(durationNs, 100_000_000L);
            if (runs < 1 || runs > 100) throw new IllegalArgumentException("--runs " + runs + " is out of range; allowed 1..100");
        }
    }

    /** One run's window: calibrated work in CPUs, and the Skyloft counters over it (per CPU and s; -1 for other systems). */
    record Window(double workCpus, double fairMin, double ticksPerCpuS, double switchesPerCpuS, double lockContendedPerS, long jitMs,
                  double lineBeforeNs, double lineAfterNs) {
        Window(double workCpus, double fairMin, double ticksPerCpuS, double switchesPerCpuS, double lockContendedPerS, long jitMs) {
            this(workCpus, fairMin, ticksPerCpuS, switchesPerCpuS, lockContendedPerS, jitMs, Double.NaN, Double.NaN);
        }

        Window withLine(double beforeNs, double afterNs) {
            return new Window(workCpus, fairMin, ticksPerCpuS, switchesPerCpuS, lockContendedPerS, jitMs, beforeNs, afterNs);
        }
    }

    /** Round trips of the cache-line probe taken just before and just after each measured window
     *  (about a millisecond each), while no system runs. */
    static final int LINE_ROUNDS = 10_000;
    /** A window is grouped as fast if both probes gave under this round trip, slow if both gave
     *  over {@link #SLOW_LINE_NS}: the two states this VM's host was seen to switch between. */
    static final double FAST_LINE_NS = 150, SLOW_LINE_NS = 250;

    /**
     * True once the JVM began to stop (Ctrl-C, kill): the hogs end then. Among a thousand platform
     * hogs the shutdown hooks that keep the rows measured so far would get a thousandth of the
     * CPUs each, and the JVM took two minutes to exit. Written by a shutdown hook, read by the hogs.
     */
    private static volatile boolean jvmStopping;
    private static final java.util.concurrent.atomic.AtomicBoolean STOP_HOOK = new java.util.concurrent.atomic.AtomicBoolean();

    private static void stopHogsWhenTheJvmStops() {
        if (!STOP_HOOK.compareAndSet(false, true)) return;
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> jvmStopping = true, "skyloft-stop-hogs"));
        } catch (IllegalStateException alreadyStopping) {
            jvmStopping = true;
        }
    }

    static final long WARMUP_ROUND_NS = 250_000_000L;
    static final int WARMUP_MAX_ROUNDS = 12;
    static final long WARMUP_QUIET_MS = 5;

    public static BenchResult run(Options o) {
        stopHogsWhenTheJvmStops();
        Work.itersPerUs();
        int jdkPar = Baselines.configureJdkDefault(o.cores());
        int hogs = o.hogsPerCore() * o.cores();
        long warmupNs = Math.min(500_000_000L, o.durationNs() / 4);
        BenchResult r = new BenchResult("capacity")
                .param("cores", o.cores()).param("hogs", hogs).param("piece_us", PIECE_NS / 1e3)
                .param("duration_s", o.durationNs() / 1e9).param("warmup_s", warmupNs / 1e9).param("runs", o.runs())
                .param("policy_params", Sut.policyDefaults(o.systems())).param("timer", o.runtime().describe())
                .param("jdk_parallelism", jdkPar).param("platform", Sut.platformPlacement(o.cores()))
                .param("preemption_points", "explicit Skyloft.preemptionPoint() about every microsecond of work");
        for (String sys : o.systems()) {
            Harness.progress("capacity", sys + ", " + hogs + " threads on " + o.cores() + " cores, " + o.runs() + " x " + o.durationNs() / 1e9 + " s");
            int rounds = Harness.warmUntilJitQuiet(1, WARMUP_MAX_ROUNDS, WARMUP_QUIET_MS, () -> once(sys, o, hogs, 0, WARMUP_ROUND_NS));
            List<Window> ws = new ArrayList<>();
            List<Integer> cpus = Affinity.allowedCpus();
            boolean probe = o.cores() >= 2 && cpus.size() >= 2;
            for (int run = 0; run < o.runs(); run++) {
                double before = probe ? LineProbe.roundTripNs(cpus.get(0), cpus.get(1), LINE_ROUNDS) : Double.NaN;
                Window w = once(sys, o, hogs, warmupNs, o.durationNs());
                double after = probe ? LineProbe.roundTripNs(cpus.get(0), cpus.get(1), LINE_ROUNDS) : Double.NaN;
                ws.add(w.withLine(before, after));
            }
            add(r, sys, o.cores(), ws, rounds, probe);
        }
        return r;
    }

    private static Window once(String sys, Options o, int hogs, long warmupNs, long windowNs0) {
        try (Sut sut = Sut.create(sys, o.cores(), o.runtime())) {
            // Each thread's count, 16 longs (128 bytes) apart so that threads on different CPUs do not
            // share a cache line; written by its own thread only, read after the joins.
            long[] pieces = new long[hogs * PAD];
            var st = new Object() {
                volatile boolean measuring;
                volatile boolean stop;
            };
            List<Thread> ts = new ArrayList<>();
            // Every hog waits at the gate until all are started: a platform thread's start waits for
            // the new thread to run, which among a thousand spinning hogs took the kernel about half
            // a second each.
            var gate = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < hogs; i++) {
                int me = i;
                ts.add(sut.start("hog-" + i, () -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (!st.stop && !jvmStopping) {
                        Work.spinNs(PIECE_NS);
                        if (st.measuring) pieces[me * PAD]++;
                    }
                }));
            }
            gate.countDown();
            Schbench.sleepNs(warmupNs);
            RuntimeStats s0 = sut.stats();
            long jit0 = Harness.jitMs();
            st.measuring = true;
            long t0 = System.nanoTime();
            Schbench.sleepNs(windowNs0);
            st.measuring = false;
            long windowNs = System.nanoTime() - t0;
            long jitMs = jit0 < 0 ? -1 : Harness.jitMs() - jit0;
            RuntimeStats s1 = sut.stats();
            st.stop = true;
            for (Thread t : ts) YieldBench.join(t); // jdk-default: the waiting hogs run once the first ones see stop
            sut.close();
            if (o.stats() && sut.stats() != null) System.out.println(sut.stats().format());
            double secs = windowNs / 1e9;
            long total = 0, least = Long.MAX_VALUE;
            for (int i = 0; i < hogs; i++) {
                long n = pieces[i * PAD];
                total += n;
                least = Math.min(least, n);
            }
            double work = total * (double) PIECE_NS / windowNs;
            double fairMin = total == 0 ? 0 : least / ((double) total / hogs);
            if (s0 == null || s1 == null) return new Window(work, fairMin, -1, -1, -1, jitMs);
            long ticks = 0, switches = 0;
            for (int c = 0; c < s1.cpus().size(); c++) {
                ticks += s1.cpus().get(c).ticks() - s0.cpus().get(c).ticks();
                switches += s1.cpus().get(c).switches() - s0.cpus().get(c).switches();
            }
            long contended = s1.counters().getOrDefault("lock_contended", 0L) - s0.counters().getOrDefault("lock_contended", 0L);
            int n = s1.cpus().size();
            return new Window(work, fairMin, ticks / secs / n, switches / secs / n, contended / secs, jitMs);
        }
    }

    /** @param probed whether the line was probed around the windows (NaN there: a probe stalled) */
    static void add(BenchResult r, String sys, int cores, List<Window> ws, int warmupRounds, boolean probed) {
        double med = Harness.median(ws.stream().mapToDouble(Window::workCpus).sorted().toArray());
        r.add(new BenchResult.Row(sys, "work_cpus", med, "CPUs", workParams(ws, 1, warmupRounds, probed)));
        r.add(new BenchResult.Row(sys, "work_share", med / cores, "x", workParams(ws, cores, warmupRounds, probed)));
        double[] fair = ws.stream().mapToDouble(Window::fairMin).sorted().toArray();
        r.add(new BenchResult.Row(sys, "fair_min", Harness.median(fair), "x", Map.of("min", fair[0], "max", fair[fair.length - 1])));
        if (ws.get(0).ticksPerCpuS() < 0) return;
        r.add(new BenchResult.Row(sys, "ticks_per_cpu_s", Harness.median(ws.stream().mapToDouble(Window::ticksPerCpuS).sorted().toArray()), "1/s", Map.of()));
        r.add(new BenchResult.Row(sys, "switches_per_cpu_s", Harness.median(ws.stream().mapToDouble(Window::switchesPerCpuS).sorted().toArray()), "1/s", Map.of()));
        r.add(new BenchResult.Row(sys, "lock_contended_per_s", Harness.median(ws.stream().mapToDouble(Window::lockContendedPerS).sorted().toArray()), "1/s", Map.of()));
    }

    /** The params of the work rows: each run's work over {@code per} (1: in CPUs; the cores: as a share), the spread, the
     *  runs grouped by the line's state, and what each window met. */
    private static Map<String, Object> workParams(List<Window> ws, int per, int warmupRounds, boolean probed) {
        double[] work = ws.stream().mapToDouble(w -> w.workCpus() / per).sorted().toArray();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("min", work[0]);
        p.put("max", work[work.length - 1]);
        p.put("runs", work.length);
        p.put("each", ws.stream().map(w -> Math.round(w.workCpus() / per * 1000) / 1000.0).toList());
        p.put("jit_ms", ws.stream().map(Window::jitMs).toList());
        if (probed) {
            // the host's cost of moving a line between the first two CPUs, around each window (NaN: a probe thread stalled)
            p.put("line_rt_ns", ws.stream().map(w -> List.of(Math.rint(w.lineBeforeNs()), Math.rint(w.lineAfterNs()))).toList());
            // the runs grouped by the line's state on both sides of the window (the rest are mixed)
            p.put("fast_line", ws.stream().filter(w -> w.lineBeforeNs() < FAST_LINE_NS && w.lineAfterNs() < FAST_LINE_NS)
                    .map(w -> Math.round(w.workCpus() / per * 1000) / 1000.0).toList());
            p.put("slow_line", ws.stream().filter(w -> w.lineBeforeNs() > SLOW_LINE_NS && w.lineAfterNs() > SLOW_LINE_NS)
                    .map(w -> Math.round(w.workCpus() / per * 1000) / 1000.0).toList());
        }
        p.put("warmup_rounds", warmupRounds);
        return p;
    }
}
