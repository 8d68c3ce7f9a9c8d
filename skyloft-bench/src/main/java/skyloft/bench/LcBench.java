package skyloft.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import skyloft.runtime.Affinity;
import skyloft.runtime.Skyloft;
import skyloft.util.Durations;

/**
 * {@code bench lc}: the latency-critical synthetic workload. For each system and load, an
 * open-loop Poisson schedule (generated ahead of time, the same seeds for every system) is
 * released by a dispatcher platform thread outside the system under test to a pool of
 * {@code workers} threads of the system ({@link HandoffPool}: each release wakes an idle worker
 * directly). Each request spins for its service time ({@link Work}: CPU time, with a preemption
 * point about every microsecond, explicit polls standing in for the agent's). Latency runs from
 * the request's <em>scheduled</em> arrival to its end, so a late dispatcher or a stalled system
 * is charged (no coordinated omission).
 *
 * <p>The dispatcher sleeps until shortly before the next arrival, spins the rest and releases
 * everything due; its lateness is part of every system's latency and is reported as
 * {@code dispatch_lag_p50_us}/{@code dispatch_lag_p99_us}. It shares the CPUs with the system
 * under test, standing in for a client on another machine, so it runs SCHED_FIFO where allowed
 * (under EEVDF a woken nice -20 thread may wait out a spinning thread's slice, milliseconds),
 * else at nice -20; the params say which.
 *
 * <p>Each load is measured in {@code windows} windows (default 3) of {@code duration}; the
 * percentile rows are the medians of the windows' own percentiles, so a single stall of the
 * machine (this project's VM loses a CPU for over a millisecond about twice a second) does
 * not decide a point, and {@code p99_pooled_us} beside them pools every request; the params
 * of {@code p99_us} say what each window met (compile time, the dispatcher's CPU time and
 * longest lateness, and how long the worker pool was full). Before its
 * loads, each system is warmed up at 30% load until the JIT has gone quiet: a compiler thread
 * bursting inside a window takes half a CPU for tens of milliseconds.
 *
 * <p>Skyloft's carriers spin {@link #LC_IDLE_SPIN_NS} (2 ms) before they park unless
 * {@code --idle-spin} says otherwise, as the cores of microsecond-scale schedulers poll: on this
 * project's VM waking an idle CPU costs 20 to 30 us (an exit to the hypervisor), more than most
 * requests. The params say so ({@code timer}).
 *
 * <p>Load is relative to the capacity {@code cores / mean service time}. The SLO is a p99
 * latency ({@code 500us}) or a p99 slowdown ({@code 10x}); {@code max_load_at_slo} is the
 * highest load up to which every measured load met it. For the slowest 1% of short requests,
 * {@code short_tail_*} rows split the time into dispatcher lateness, queueing and stretch.
 */
public final class LcBench {
    private LcBench() {}

    /** The preemptive policies get the 30 us quantum of Skyloft's own run of this workload. */
    public static final List<String> DEFAULT_POLICIES = List.of("rr[slice=30us]", "cfs", "eevdf", "shinjuku[quantum=30us]", "fifo");
    /** The dispatcher's real-time priority where allowed (SCHED_FIFO; low, but above every ordinary thread). */
    static final int DISPATCHER_RT_PRIORITY = 2;
    /** The dispatcher spins instead of sleeping when the next arrival is this close: a sleep and
     *  wakeup costs about as much CPU on this project's VM, and would be late. */
    static final long DISPATCHER_SPIN_NS = 20_000;
    /** How long after it is raised the dispatcher starts the schedule. */
    static final long DISPATCHER_LEAD_NS = 500_000;
    /** The dispatcher's nice value where SCHED_FIFO is not used or refused: high priority, standing in for a client on another machine. */
    public static final int DEFAULT_DISPATCHER_NICE = -20;
    /** Windows per load: each load is measured this many times and the percentiles are the windows' medians. */
    public static final int DEFAULT_WINDOWS = 3;

    /** Idle spin of Skyloft's carriers in this benchmark unless one is given. */
    public static final long LC_IDLE_SPIN_NS = 2_000_000;

    /** One warm-up round's length; rounds repeat until two in a row each add under {@link #WARMUP_QUIET_MS} of JIT time. */
    static final long WARMUP_ROUND_NS = 250_000_000L;
    static final int WARMUP_MAX_ROUNDS = 12;
    static final long WARMUP_QUIET_MS = 5;

    public static final int MAX_BATCH = 64;
    /** A batch hog's unit of counted work. */
    static final long BATCH_CHUNK_NS = 20_000;
    /** With batch hogs, the wait for a window's last requests ends once none has finished for this
     *  long: on a system that never preempts the hogs (jdk-default) none ever would. */
    static final long BATCH_STALL_NS = 200_000_000L;
    public static final List<Double> DEFAULT_LOADS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1);

    /** An SLO on p99 latency (ns) or on p99 slowdown (a factor). */
    public record Slo(long p99Ns, double p99Slowdown) {
        /** Parses {@code 500us} (latency) or {@code 10x} (slowdown). */
        public static Slo parse(String text) {
            if (text == null || text.isBlank()) throw new IllegalArgumentException("--slo: empty; expected a latency like 500us or a slowdown like 10x");
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.endsWith("x")) {
                double f;
                try {
                    f = Double.parseDouble(t.substring(0, t.length() - 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--slo '" + text + "' is not a slowdown; expected a number followed by x, e.g. 10x");
                }
                if (!(f >= 1 && f <= 1e6)) throw new IllegalArgumentException("--slo " + text + " is out of range; a slowdown must be 1x..1000000x");
                return new Slo(0, f);
            }
            return new Slo(Durations.parseNs("--slo", t, 1_000, 100_000_000_000L), 0);
        }

        public boolean met(double p99Us, double p99Slowdown) {
            if (p99Ns > 0) return !Double.isNaN(p99Us) && p99Us * 1000 <= p99Ns;
            return !Double.isNaN(p99Slowdown) && p99Slowdown <= this.p99Slowdown;
        }

        @Override public String toString() {
            return p99Ns > 0 ? "p99 <= " + Durations.format(p99Ns) : "p99 slowdown <= " + p99Slowdown + "x";
        }
    }

    /**
     * @param batch best-effort CPU hogs run beside the service on every system, 0..64 (their
     *              work per second is the {@code batch_cpus} row)
     */
    public record Options(List<String> systems, int cores, ServiceDist dist, List<Double> loads, long durationNs, int workers,
                          Slo slo, long seed, Sut.RuntimeConfig runtime, boolean stats, int windows, boolean dispatcherRt, int dispatcherNice,
                          int batch) {
        public Options(List<String> systems, int cores, ServiceDist dist, List<Double> loads, long durationNs, int workers,
                       Slo slo, long seed, Sut.RuntimeConfig runtime, boolean stats) {
            this(systems, cores, dist, loads, durationNs, workers, slo, seed, runtime, stats, DEFAULT_WINDOWS, true, DEFAULT_DISPATCHER_NICE);
        }

        public Options(List<String> systems, int cores, ServiceDist dist, List<Double> loads, long durationNs, int workers,
                       Slo slo, long seed, Sut.RuntimeConfig runtime, boolean stats, int windows, boolean dispatcherRt, int dispatcherNice) {
            this(systems, cores, dist, loads, durationNs, workers, slo, seed, runtime, stats, windows, dispatcherRt, dispatcherNice, 0);
        }

        public Options {
            if (dispatcherNice < -20 || dispatcherNice > 19) {
                throw new IllegalArgumentException("--dispatcher-nice " + dispatcherNice + " is out of range; allowed -20..19");
            }
            systems = Sut.checkSystems(systems);
            Checks.cores(cores);
            if (dist == null) throw new IllegalArgumentException("--dist is missing");
            if (loads == null || loads.isEmpty()) throw new IllegalArgumentException("--loads: no load given; allowed 0.01..2 each");
            for (double l : loads) {
                if (!(l >= 0.01 && l <= 2)) throw new IllegalArgumentException("--loads " + l + " is out of range; allowed 0.01..2 (fractions of capacity)");
            }
            loads = loads.stream().sorted().distinct().toList();
            Checks.duration(durationNs, 50_000_000L);
            if (workers < 1 || workers > 4096) throw new IllegalArgumentException("--workers " + workers + " is out of range; allowed 1..4096");
            if (slo == null) throw new IllegalArgumentException("--slo is missing");
            if (windows < 1 || windows > 99) throw new IllegalArgumentException("--windows " + windows + " is out of range; allowed 1..99");
            if (batch < 0 || batch > MAX_BATCH) throw new IllegalArgumentException("--batch " + batch + " is out of range; allowed 0.." + MAX_BATCH);
        }

        /** The same options for other systems (checked). */
        public Options withSystems(List<String> others) {
            return new Options(others, cores, dist, loads, durationNs, workers, slo, seed, runtime, stats, windows, dispatcherRt, dispatcherNice, batch);
        }
    }

    /**
     * One system at one load, measured in one or more windows: the histograms pool every
     * window's requests; {@code windows} keeps each window's own percentiles. {@code spanNs} is
     * the time the achieved rate is over (each window's schedule start to its end or its last
     * finished request, whichever is later; summed over windows).
     */
    public record Point(String system, double load, double offeredRps, double achievedRps, long requests, long unfinished, long spanNs,
                        Histogram latencyNs, Histogram shortLatencyNs, Histogram slowdownMilli, Histogram dispatchLagNs, Tail tail,
                        List<Window> windows) {
        /** A point whose span is what its achieved rate implies (none if it finished nothing). */
        Point(String system, double load, double offeredRps, double achievedRps, long requests, long unfinished,
              Histogram latencyNs, Histogram shortLatencyNs, Histogram slowdownMilli, Histogram dispatchLagNs, Tail tail, List<Window> windows) {
            this(system, load, offeredRps, achievedRps, requests, unfinished,
                    achievedRps > 0 ? Math.round((requests - unfinished) / achievedRps * 1e9) : 0,
                    latencyNs, shortLatencyNs, slowdownMilli, dispatchLagNs, tail, windows);
        }

        double p(Histogram h, double q) {
            return thousandths(h, q);
        }

        /** The median over windows of one window figure, over the windows that have it (a window
         *  without a request has no percentile, NaN); NaN if none has. Before, NaN sorted above
         *  every figure and counted as the largest, or made the median of two NaN. */
        double median(java.util.function.ToDoubleFunction<Window> f) {
            return Harness.median(windows.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).sorted().toArray());
        }

        /** Pools the windows of one load into one point. */
        static Point merge(List<Point> ws) {
            Point f = ws.get(0);
            if (ws.size() == 1) return f;
            Histogram lat = new Histogram(3), shortLat = new Histogram(3), slow = new Histogram(3), lag = new Histogram(3);
            long requests = 0, unfinished = 0, span = 0;
            List<Window> windows = new ArrayList<>();
            List<Tail> tails = new ArrayList<>();
            for (Point w : ws) {
                lat.add(w.latencyNs());
                shortLat.add(w.shortLatencyNs());
                slow.add(w.slowdownMilli());
                lag.add(w.dispatchLagNs());
                requests += w.requests();
                unfinished += w.unfinished();
                span += w.spanNs(); // a window that finished nothing still took its time (before, it counted none)
                windows.addAll(w.windows());
                tails.add(w.tail());
            }
            return new Point(f.system(), f.load(), f.offeredRps(), span > 0 ? (requests - unfinished) / (span / 1e9) : 0, requests, unfinished,
                    span, lat, shortLat, slow, lag, Tail.merge(tails), windows);
        }
    }

    /** One window's percentiles (us, and slowdown factors); the JIT's compile time during it
     *  (ms, -1 if the JVM does not say): on 2 cores a compile takes a CPU from the system under
     *  test for milliseconds; the dispatcher's own CPU time (ms, -1 if unknown), which the
     *  system under test does not get either; the dispatcher's longest lateness (us: a stall
     *  of the JVM or the machine holds back every release behind it); and how long every
     *  worker of the pool held a request (ms, see {@link #poolFullNs}); the batch hogs' work
     *  while they ran (CPUs, NaN without hogs). */
    record Window(double p50Us, double p99Us, double p999Us, double shortP99Us, double sd50, double sd99, double sd999,
                  long jitMs, long dispatcherCpuMs, double dispatchLagMaxUs, double poolFullMs, double batchCpus) {
        static Window of(Histogram lat, Histogram shortLat, Histogram slowMilli, long jitMs, long dispatcherCpuMs,
                         Histogram dispatchLagNs, double poolFullMs, double batchCpus) {
            return new Window(thousandths(lat, 50), thousandths(lat, 99), thousandths(lat, 99.9), thousandths(shortLat, 99),
                    thousandths(slowMilli, 50), thousandths(slowMilli, 99), thousandths(slowMilli, 99.9), jitMs, dispatcherCpuMs,
                    dispatchLagNs.getTotalCount() == 0 ? Double.NaN : dispatchLagNs.getMaxValue() / 1e3, poolFullMs, batchCpus);
        }
    }

    /**
     * How long all {@code workers} workers were serving a request at once: request {@code i} is
     * in service from {@code startedNs[i]} to {@code endedNs[i]} (to {@code untilNs} if it had
     * not ended; not at all if it never started, {@code startedNs[i] == 0}). While the pool is
     * full a released request waits for a worker to finish, whatever the scheduler does: with
     * a bimodal mix it is long requests, shared among each other, that fill it.
     */
    static long poolFullNs(long[] startedNs, long[] endedNs, int workers, long untilNs) {
        int m = 0;
        long[] ev = new long[2 * startedNs.length]; // time << 1 | (1 for a start, 0 for an end): at a tie the end comes first
        for (int i = 0; i < startedNs.length; i++) {
            if (startedNs[i] == 0) continue;
            long end = endedNs[i] != 0 ? endedNs[i] : untilNs;
            if (end <= startedNs[i]) continue;
            ev[m++] = startedNs[i] << 1 | 1;
            ev[m++] = end << 1;
        }
        java.util.Arrays.sort(ev, 0, m);
        long full = 0, since = 0;
        int busy = 0;
        for (int k = 0; k < m; k++) {
            long t = ev[k] >> 1;
            if ((ev[k] & 1) == 1) {
                if (++busy == workers) since = t;
            } else if (busy-- == workers) {
                full += t - since;
            }
        }
        return full;
    }

    /** A percentile of {@code h} divided by 1000 (ns to us, or milli-factors to factors); NaN if empty. */
    static double thousandths(Histogram h, double q) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q) / 1e3;
    }

    public static BenchResult run(Options o) {
        return run(o, "lc");
    }

    /** {@link #run(Options)} with the result named {@code benchmark} (the demo's co-location part
     *  is this benchmark with batch hogs, named {@code colocation}). */
    public static BenchResult run(Options o, String benchmark) {
        Sut.RuntimeConfig rc = o.runtime().withDefaultIdleSpinNs(LC_IDLE_SPIN_NS);
        int jdkPar = Baselines.configureJdkDefault(o.cores());
        Work.itersPerUs();
        String dispatcher = probeDispatcherPriority(o);
        double capacity = o.cores() * 1e9 / o.dist().meanNs();
        BenchResult r = new BenchResult(benchmark)
                .param("cores", o.cores()).param("dist", o.dist().spec()).param("mean_service_us", o.dist().meanNs() / 1e3)
                .param("capacity_rps", capacity).param("loads", o.loads()).param("duration_per_window_s", o.durationNs() / 1e9)
                .param("windows", o.windows()).param("percentiles", o.windows() > 1
                        ? "each latency and slowdown percentile is the median of the windows' own; p99_pooled_us pools every request"
                        : "of one window")
                .param("workers", o.workers()).param("slo", o.slo().toString()).param("slo_us", o.slo().p99Ns() > 0 ? o.slo().p99Ns() / 1e3 : null).param("seed", o.seed())
                .param("policy_params", Sut.policyDefaults(o.systems())).param("timer", rc.describe()).param("jdk_parallelism", jdkPar).param("platform", Sut.platformPlacement(o.cores()))
                .param("short_class", o.dist().classes() > 1 ? o.dist().classLabel(o.dist().shortestClass()) : "all")
                .param("preemption_points", "explicit Skyloft.preemptionPoint() about every microsecond of service")
                .param("dispatcher", dispatcher);
        if (o.batch() > 0) r.param("batch", o.batch()).param("batch_chunk_us", BATCH_CHUNK_NS / 1e3);
        Map<String, Integer> warmups = new LinkedHashMap<>();
        Map<String, String> batchHow = new LinkedHashMap<>();
        for (String sys : o.systems()) {
            List<Point> points = new ArrayList<>();
            try (Sut sut = Sut.create(sys, o.cores(), rc)) {
                // Warm-up, not recorded: short runs at 30% load until the JIT has gone quiet.
                long[] seed = {o.seed() - 1};
                long roundNs = Math.min(WARMUP_ROUND_NS, o.durationNs());
                Harness.progress(benchmark, String.format(Locale.ROOT, "%s warm-up at 30%% load: rounds of %s until two in a row add under %d ms of JIT time"
                        + " (2 to %d rounds)", sys, Durations.format(roundNs), WARMUP_QUIET_MS, WARMUP_MAX_ROUNDS));
                int rounds = Harness.warmUntilJitQuiet(2, WARMUP_MAX_ROUNDS, WARMUP_QUIET_MS, () -> onePoint(sut, o, 0.3, roundNs, seed[0]--));
                warmups.put(sys, rounds);
                for (int i = 0; i < o.loads().size(); i++) {
                    double load = o.loads().get(i);
                    Harness.progress(benchmark, String.format(Locale.ROOT, "%s load %.0f%% (%.0f req/s) for %s%s%s", sys, load * 100, load * capacity,
                            Durations.format(o.durationNs()), o.windows() > 1 ? " x " + o.windows() + " windows" : "",
                            o.batch() > 0 ? ", " + o.batch() + (o.batch() == 1 ? " batch hog" : " batch hogs") + " beside it" : ""));
                    List<Point> ws = new ArrayList<>();
                    for (int w = 0; w < o.windows(); w++) ws.add(onePoint(sut, o, load, o.durationNs(), o.seed() + 1000L * i + w));
                    points.add(Point.merge(ws));
                }
                if (o.batch() > 0) batchHow.put(sys, sut.bestEffortDescription());
                sut.close();
                if (o.stats() && sut.stats() != null) System.out.println(sut.stats().format());
            }
            addRows(r, o, points);
        }
        r.param("warmup_rounds", warmups);
        if (o.batch() > 0) r.param("batch_threads", batchHow);
        return r;
    }

    /**
     * Best-effort CPU hogs beside the service, one set per window: each spins
     * {@link #BATCH_CHUNK_NS} of calibrated work at a time (with preemption points) and counts
     * the chunks, until closed. They stop before the window's workers are joined: on a scheduler
     * that never preempts (jdk-default) the workers could not finish while they spin. Their
     * figure is the work done between two {@link #mark}s, which the dispatcher takes at the
     * schedule's start and at the window's end: it leaves out the hogs' start and the drain after
     * the window, when the service's load is no longer the one offered (on jdk-default, up to
     * {@link #BATCH_STALL_NS} of the hogs alone).
     */
    static final class Batch implements AutoCloseable {
        final java.util.concurrent.atomic.LongAdder chunks = new java.util.concurrent.atomic.LongAdder();
        private final List<Thread> threads = new ArrayList<>();
        private final int hogs;
        private volatile boolean stop;

        Batch(int hogs) {
            this.hogs = hogs;
        }

        /** The chunks done by a time. */
        record Mark(long chunks, long atNs) {}

        /** The chunks done so far, and when. */
        Mark mark() {
            return new Mark(chunks.sum(), System.nanoTime());
        }

        /** The hogs' work between two marks in CPUs: chunks x chunk length / wall time; NaN without hogs or marks. */
        double cpus(Mark from, Mark to) {
            if (hogs == 0 || from == null || to == null || to.atNs() <= from.atNs()) return Double.NaN;
            return (to.chunks() - from.chunks()) * (double) BATCH_CHUNK_NS / (to.atNs() - from.atNs());
        }

        static Batch start(Sut sut, int n) {
            Batch b = new Batch(n);
            for (int i = 0; i < n; i++) {
                b.threads.add(sut.startBestEffort("batch-" + i, () -> {
                    while (!b.stop) {
                        Work.spinNs(BATCH_CHUNK_NS);
                        b.chunks.increment();
                    }
                }));
            }
            return b;
        }

        /** Stops the hogs (once) and waits for them to end. */
        void stop() {
            if (!stop) {
                stop = true;
                for (Thread t : threads) YieldBench.join(t);
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    static void addRows(BenchResult r, Options o, List<Point> points) {
        List<double[]> curve = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> pp = new LinkedHashMap<>();
            pp.put("load", p.load());
            pp.put("offered_rps", p.offeredRps());
            pp.put("requests", p.requests());
            if (p.unfinished() > 0) pp.put("unfinished", p.unfinished());
            pp.put("dispatch_lag_p50_us", p.p(p.dispatchLagNs(), 50));
            pp.put("dispatch_lag_p99_us", p.p(p.dispatchLagNs(), 99));
            String s = p.system();
            double p99 = p.median(Window::p99Us);
            double sd99 = p.median(Window::sd99);
            Map<String, Object> p99p = new LinkedHashMap<>(pp);
            if (p.windows().size() > 1) p99p.put("windows_us", p.windows().stream().map(w -> round1(w.p99Us())).toList());
            p99p.put("jit_ms", p.windows().stream().map(Window::jitMs).toList());
            p99p.put("dispatcher_cpu_ms", p.windows().stream().map(Window::dispatcherCpuMs).toList());
            p99p.put("dispatch_lag_max_us", p.windows().stream().map(w -> round1(w.dispatchLagMaxUs())).toList());
            p99p.put("pool_full_ms", p.windows().stream().map(w -> round1(w.poolFullMs())).toList());
            r.add(new BenchResult.Row(s, "achieved_rps", p.achievedRps(), "1/s", pp));
            r.add(new BenchResult.Row(s, "p50_us", p.median(Window::p50Us), "us", pp));
            r.add(new BenchResult.Row(s, "p99_us", p99, "us", p99p));
            r.add(new BenchResult.Row(s, "p999_us", p.median(Window::p999Us), "us", pp));
            if (p.windows().size() > 1) r.add(new BenchResult.Row(s, "p99_pooled_us", p.p(p.latencyNs(), 99), "us", pp));
            r.add(new BenchResult.Row(s, "p50_slowdown", p.median(Window::sd50), "x", pp));
            r.add(new BenchResult.Row(s, "p99_slowdown", sd99, "x", pp));
            r.add(new BenchResult.Row(s, "p999_slowdown", p.median(Window::sd999), "x", pp));
            if (o.dist().classes() > 1) {
                Map<String, Object> sp = new LinkedHashMap<>(pp);
                if (p.windows().size() > 1) sp.put("windows_us", p.windows().stream().map(w -> round1(w.shortP99Us())).toList());
                r.add(new BenchResult.Row(s, "short_p99_us", p.median(Window::shortP99Us), "us", sp));
            }
            Tail t = p.tail();
            r.add(new BenchResult.Row(s, "short_tail_dispatch_us", t.dispatchUs(), "us", pp));
            r.add(new BenchResult.Row(s, "short_tail_queue_us", t.queueUs(), "us", pp));
            r.add(new BenchResult.Row(s, "short_tail_stretch_us", t.stretchUs(), "us", pp));
            if (o.batch() > 0) {
                Map<String, Object> bp = new LinkedHashMap<>(pp);
                bp.put("batch", o.batch());
                if (p.windows().size() > 1) bp.put("windows", p.windows().stream().map(w -> round3(w.batchCpus())).toList());
                r.add(new BenchResult.Row(s, "batch_cpus", p.median(Window::batchCpus), "CPUs", bp));
            }
            curve.add(new double[] {p.load(), p99, sd99, p.achievedRps()});
        }
        if (!points.isEmpty()) {
            double[] best = maxLoadAtSlo(curve, o.slo());
            Map<String, Object> pp = new LinkedHashMap<>();
            pp.put("slo", o.slo().toString());
            pp.put("rps", best[1]);
            // what the figure cannot say by itself: the highest load measured (a system that met
            // the SLO there has a limit of at least that), and a load above a miss that met it
            // after all (a noisy window: the limit is not known to lie below the miss)
            double highest = curve.stream().mapToDouble(c -> c[0]).max().orElse(0);
            pp.put("highest_load", highest);
            double metAbove = curve.stream().filter(c -> c[0] > best[0] && o.slo().met(c[1], c[2])).mapToDouble(c -> c[0]).max().orElse(0);
            if (metAbove > 0) pp.put("met_above_a_miss", metAbove);
            r.add(new BenchResult.Row(points.get(0).system(), "max_load_at_slo", best[0], "load", pp));
        }
    }

    /** {@code v} to one decimal; NaN stays NaN (JSON null), not Math.round's 0. */
    static double round1(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : v;
    }

    /** {@code v} to three decimals; NaN stays NaN. */
    static double round3(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    /**
     * The highest load up to which every measured load met the SLO, and the achieved rate there;
     * {0, 0} if the lowest load already misses it. Each entry is {load, p99 us, p99 slowdown,
     * achieved rps}, in any order.
     */
    public static double[] maxLoadAtSlo(List<double[]> curve, Slo slo) {
        List<double[]> sorted = new ArrayList<>(curve);
        sorted.sort((x, y) -> Double.compare(x[0], y[0]));
        double[] best = {0, 0};
        for (double[] c : sorted) {
            if (!slo.met(c[1], c[2])) break;
            best = new double[] {c[0], c[3]};
        }
        return best;
    }

    /** How the dispatcher thread is raised: tried on a short-lived platform thread; described for the params. */
    private static String probeDispatcherPriority(Options o) {
        String[] out = new String[1];
        Thread t = Thread.ofPlatform().start(() -> out[0] = raiseDispatcher(o));
        YieldBench.join(t);
        return out[0];
    }

    /**
     * Raises the calling (dispatcher) thread: SCHED_FIFO if asked and allowed, so that its
     * wakeups preempt a spinning thread at once (under EEVDF a woken nice -20 thread can wait
     * out the running thread's slice, milliseconds); otherwise the nice value. Returns what it did.
     */
    static String raiseDispatcher(Options o) {
        String rtProblem = null;
        if (o.dispatcherRt()) {
            rtProblem = Affinity.setRealtimePriority(DISPATCHER_RT_PRIORITY);
            if (rtProblem == null) return "SCHED_FIFO " + DISPATCHER_RT_PRIORITY + ", sleeps for gaps over " + DISPATCHER_SPIN_NS / 1000 + "us";
        }
        String why = o.dispatcherNice() == 0 ? null : OsPriority.setCurrentThreadNice(o.dispatcherNice());
        String nice = why == null ? "nice " + o.dispatcherNice() : "nice 0 (" + why + ")";
        return (rtProblem != null ? nice + "; no SCHED_FIFO: " + rtProblem : nice) + ", sleeps for gaps over " + DISPATCHER_SPIN_NS / 1000 + "us";
    }

    static Point onePoint(Sut sut, Options o, double load, long durationNs, long seed) {
        double capacity = o.cores() * 1e9 / o.dist().meanNs();
        double rate = load * capacity;
        Arrivals a = Arrivals.poisson(rate, durationNs, o.dist(), seed);
        int n = a.size();
        int shortCls = o.dist().shortestClass();
        boolean classes = o.dist().classes() > 1;
        Requests req = new Requests(a, classes ? shortCls : -1);
        Histogram lag = new Histogram(3);
        HandoffPool pool = new HandoffPool(n);
        long[] releasedNs = new long[n], startedNs = new long[n], endedNs = new long[n];
        var st = new Object() {
            volatile long startNs;
            volatile long lastDoneNs; // benign race: any recent end will do
        };
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < o.workers(); w++) {
            workers.add(sut.start("lc-" + w, pool.worker(i -> {
                startedNs[i] = System.nanoTime();
                Work.spinNs(a.serviceNs()[i]);
                long end = System.nanoTime();
                endedNs[i] = end;
                if (req.finish(i, st.startNs, end)) st.lastDoneNs = end; // else charged at the cut-off already
            })));
        }
        Batch batch = Batch.start(sut, o.batch());
        long jit0 = Harness.jitMs();
        // The dispatcher: a platform thread of its own, outside the system under test.
        Throwable[] dispatchError = new Throwable[1];
        long[] dispatcherCpuNs = {-1};
        Batch.Mark[] batchFrom = new Batch.Mark[1], batchTo = new Batch.Mark[1]; // written by the dispatcher, read after its join
        Thread dispatcher = Thread.ofPlatform().name("lc-dispatcher").uncaughtExceptionHandler((t, e) -> dispatchError[0] = e).start(() -> {
            Affinity.setTimerSlackNs(1);
            raiseDispatcher(o);
            // The schedule starts once the dispatcher is raised: a new thread of ordinary priority
            // can wait milliseconds for a CPU that spinning carriers hold, and the first arrivals
            // would be charged for it.
            long start = System.nanoTime() + DISPATCHER_LEAD_NS;
            st.startNs = start;
            batchFrom[0] = batch.mark();
            int i = 0;
            while (i < n) {
                long now = System.nanoTime();
                int from = i;
                while (i < n && start + a.arrivalNs()[i] <= now) {
                    lag.recordValue(Math.max(0, now - (start + a.arrivalNs()[i])));
                    releasedNs[i] = now;
                    i++;
                }
                if (i > from) pool.releaseUpTo(i);
                if (i < n) {
                    long left = start + a.arrivalNs()[i] - System.nanoTime();
                    if (left > DISPATCHER_SPIN_NS) LockSupport.parkNanos(left - DISPATCHER_SPIN_NS / 2); // wake a little early, spin the rest
                    else if (left > 0) Thread.onSpinWait();
                }
            }
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            if (mx.isCurrentThreadCpuTimeSupported()) dispatcherCpuNs[0] = mx.getCurrentThreadCpuTime();
            if (o.batch() > 0) { // the hogs' figure ends with the window, not with the drain after it
                for (long left; (left = start + durationNs - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
                batchTo[0] = batch.mark();
            }
        });
        boolean dispatched = false;
        try {
            if (!dispatcher.join(java.time.Duration.ofNanos(durationNs).plusSeconds(60))) {
                throw new IllegalStateException("the lc dispatcher did not finish within the run's duration plus 60 s");
            }
            if (dispatchError[0] != null) throw new IllegalStateException("the lc dispatcher failed: " + dispatchError[0], dispatchError[0]);
            dispatched = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the lc dispatcher ran", e);
        } finally {
            if (!dispatched) { // let the workers return, so that the system under test can close
                batch.stop();
                pool.stop();
            }
        }
        long start = st.startNs;
        long end = start + durationNs;
        long cap = System.nanoTime() + Math.max(2_000_000_000L, durationNs);
        int doneSeen = -1;
        for (long progressNs = System.nanoTime(), now = progressNs; req.finished() < n && now < cap; now = System.nanoTime()) {
            LockSupport.parkNanos(1_000_000);
            int d = req.finished();
            if (d != doneSeen) {
                doneSeen = d;
                progressNs = now;
            } else if (o.batch() > 0 && now - progressNs > BATCH_STALL_NS) {
                break; // starved behind the hogs: charged below as unfinished
            }
        }
        long jit1 = Harness.jitMs();
        long stoppedNs = System.nanoTime();
        long unfinished = req.chargeUnfinished(start, stoppedNs); // what is still waiting, with its time so far (a lower bound)
        batch.stop();
        double batchCpus = batch.cpus(batchFrom[0], batchTo[0]);
        pool.stop();
        for (Thread t : workers) YieldBench.join(t);
        long span = Math.max(st.lastDoneNs, end) - start;
        double achieved = n > unfinished ? (n - unfinished) / (span / 1e9) : 0;
        Tail tail = Tail.of(a, classes ? shortCls : -1, req.shortLatencyNs, start, releasedNs, startedNs, endedNs, req::isFinished);
        double poolFullMs = poolFullNs(startedNs, endedNs, o.workers(), stoppedNs) / 1e6;
        return new Point(sut.name(), load, rate, achieved, n, unfinished, span, req.latencyNs, req.shortLatencyNs, req.slowdownMilli, lag, tail,
                List.of(Window.of(req.latencyNs, req.shortLatencyNs, req.slowdownMilli, jit0 < 0 ? -1 : jit1 - jit0,
                        dispatcherCpuNs[0] < 0 ? -1 : dispatcherCpuNs[0] / 1_000_000, lag, poolFullMs, batchCpus)));
    }

    /**
     * The latencies of one window's requests, each recorded exactly once: by its worker when it
     * ends ({@link #finish}), or, once the window is cut off, by the thread that cuts it off,
     * with its wait so far ({@link #chargeUnfinished}). Whoever claims a request first (one CAS
     * on its state, OPEN to FINISHED or OPEN to CHARGED) records it, so a worker that ends just
     * as the cut-off comes is counted once, not charged as unfinished and recorded as well.
     * Thread-safe: any number of workers, one thread that cuts off.
     */
    static final class Requests {
        private static final int OPEN = 0, FINISHED = 1, CHARGED = 2;
        final ConcurrentHistogram latencyNs = new ConcurrentHistogram(3), shortLatencyNs = new ConcurrentHistogram(3),
                slowdownMilli = new ConcurrentHistogram(3);
        private final Arrivals a;
        private final int shortCls;
        private final AtomicIntegerArray state; // per request: OPEN until claimed, then FINISHED or CHARGED for good
        private final AtomicInteger finished = new AtomicInteger();

        /** @param shortCls the class whose requests count as short, or -1 for all */
        Requests(Arrivals a, int shortCls) {
            this.a = a;
            this.shortCls = shortCls;
            this.state = new AtomicIntegerArray(a.size());
        }

        /** Request {@code i} ended at {@code endNs} (the schedule started at {@code startNs}): records it
         *  unless it was charged already; true if this call recorded it. */
        boolean finish(int i, long startNs, long endNs) {
            if (!state.compareAndSet(i, OPEN, FINISHED)) return false;
            record(i, endNs - (startNs + a.arrivalNs()[i]));
            finished.incrementAndGet();
            return true;
        }

        /** Charges every request not finished yet with its wait until {@code nowNs}; how many it charged. */
        long chargeUnfinished(long startNs, long nowNs) {
            long n = 0;
            for (int j = 0; j < a.size(); j++) {
                if (!state.compareAndSet(j, OPEN, CHARGED)) continue;
                record(j, nowNs - (startNs + a.arrivalNs()[j]));
                n++;
            }
            return n;
        }

        /** Requests recorded by their workers so far. */
        int finished() {
            return finished.get();
        }

        boolean isFinished(int i) {
            return state.get(i) == FINISHED;
        }

        private void record(int i, long ns) {
            long l = Math.max(1, ns);
            latencyNs.recordValue(l);
            if (shortCls < 0 || a.cls()[i] == shortCls) shortLatencyNs.recordValue(l);
            slowdownMilli.recordValue(Math.max(1, l * 1000 / Math.max(1, a.serviceNs()[i])));
        }
    }

    /**
     * Where the slowest short requests lost their time: over the finished requests of the short
     * class (every request if there is one class) at or above that class's p99, the mean
     * dispatcher lateness (release minus scheduled arrival), queueing (start minus release) and
     * stretch (end minus start minus service time: preemption and CPU taken by others).
     */
    record Tail(long count, double dispatchUs, double queueUs, double stretchUs) {
        static Tail of(Arrivals a, int cls, Histogram shortLat, long startNs, long[] rel, long[] st, long[] end, java.util.function.IntPredicate finished) {
            if (shortLat.getTotalCount() == 0) return new Tail(0, Double.NaN, Double.NaN, Double.NaN);
            long cut = shortLat.lowestEquivalentValue(shortLat.getValueAtPercentile(99));
            long c = 0;
            double d = 0, q = 0, x = 0;
            for (int i = 0; i < a.size(); i++) {
                if (!finished.test(i) || (cls >= 0 && a.cls()[i] != cls)) continue;
                long sched = startNs + a.arrivalNs()[i];
                if (end[i] - sched < cut) continue;
                c++;
                d += rel[i] - sched;
                q += st[i] - rel[i];
                x += end[i] - st[i] - a.serviceNs()[i];
            }
            return c == 0 ? new Tail(0, Double.NaN, Double.NaN, Double.NaN) : new Tail(c, d / c / 1e3, q / c / 1e3, x / c / 1e3);
        }

        /** Count-weighted means over windows (each window's slowest 1% of short requests). */
        static Tail merge(List<Tail> ts) {
            long c = 0;
            double d = 0, q = 0, x = 0;
            for (Tail t : ts) {
                if (t.count() == 0) continue;
                c += t.count();
                d += t.dispatchUs() * t.count();
                q += t.queueUs() * t.count();
                x += t.stretchUs() * t.count();
            }
            return c == 0 ? new Tail(0, Double.NaN, Double.NaN, Double.NaN) : new Tail(c, d / c, q / c, x / c);
        }
    }
}
