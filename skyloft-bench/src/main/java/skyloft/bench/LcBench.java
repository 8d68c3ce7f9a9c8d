package skyloft.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import skyloft.runtime.Affinity;
import skyloft.runtime.Skyloft;
import skyloft.util.Durations;

/**
 * {@code bench lc}: the latency-critical synthetic workload. For each system and load, an
 * open-loop Poisson schedule (generated ahead of time, the same seed for every system) is
 * released by a dispatcher platform thread outside the system under test into one shared FIFO
 * of requests, served by a pool of {@code workers} threads of the system. Each request spins
 * for its service time (CPU time, with a preemption point about every microsecond: explicit
 * polls standing in for the agent's). Latency runs from the request's <em>scheduled</em> arrival
 * to its end, so a late dispatcher or a stalled system is charged (no coordinated omission).
 *
 * <p>The dispatcher sleeps until the next arrival (timer slack lowered to 1 ns) and releases
 * everything due; its lateness is part of every system's latency and is reported as
 * {@code dispatch_lag_p50_us}/{@code dispatch_lag_p99_us}. It shares the CPUs with the system
 * under test, so it runs at nice -20 where allowed ({@code dispatcherNice}), standing in for a
 * client on another machine; the params say whether that worked.
 *
 * <p>Skyloft's carriers spin {@link #LC_IDLE_SPIN_NS} (2 ms) before they park unless
 * {@code --idle-spin} says otherwise, as the cores of microsecond-scale schedulers poll: on this
 * project's VM waking an idle CPU costs 20 to 30 us (an exit to the hypervisor), more than most
 * requests. The params say so ({@code timer}).
 *
 * <p>Load is relative to the capacity {@code cores / mean service time}. The SLO is a p99
 * latency ({@code 500us}) or a p99 slowdown ({@code 10x}); {@code max_load_at_slo} is the
 * highest load up to which every measured load met it.
 */
public final class LcBench {
    private LcBench() {}

    public static final List<String> DEFAULT_POLICIES = List.of("rr", "cfs", "eevdf", "shinjuku", "fifo");
    /** The dispatcher's nice value: high priority, standing in for a client on another machine. */
    public static final int DEFAULT_DISPATCHER_NICE = -20;

    /** Idle spin of Skyloft's carriers in this benchmark unless one is given. */
    public static final long LC_IDLE_SPIN_NS = 2_000_000;

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

    public record Options(List<String> systems, int cores, ServiceDist dist, List<Double> loads, long durationNs, int workers,
                          Slo slo, long seed, Sut.RuntimeConfig runtime, boolean stats, int dispatcherNice) {
        public Options(List<String> systems, int cores, ServiceDist dist, List<Double> loads, long durationNs, int workers,
                       Slo slo, long seed, Sut.RuntimeConfig runtime, boolean stats) {
            this(systems, cores, dist, loads, durationNs, workers, slo, seed, runtime, stats, DEFAULT_DISPATCHER_NICE);
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
        }
    }

    /** One system at one load. */
    public record Point(String system, double load, double offeredRps, double achievedRps, long requests, long unfinished,
                        Histogram latencyNs, Histogram shortLatencyNs, Histogram slowdownMilli, Histogram dispatchLagNs) {
        double p(Histogram h, double q) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q) / 1e3;
        }
    }

    public static BenchResult run(Options o) {
        Sut.RuntimeConfig rc = o.runtime().withDefaultIdleSpinNs(LC_IDLE_SPIN_NS);
        int jdkPar = Baselines.configureJdkDefault(o.cores());
        Work.itersPerUs();
        String niceProblem = o.dispatcherNice() == 0 ? null : probeNice(o.dispatcherNice());
        double capacity = o.cores() * 1e9 / o.dist().meanNs();
        BenchResult r = new BenchResult("lc")
                .param("cores", o.cores()).param("dist", o.dist().spec()).param("mean_service_us", o.dist().meanNs() / 1e3)
                .param("capacity_rps", capacity).param("loads", o.loads()).param("duration_per_load_s", o.durationNs() / 1e9)
                .param("workers", o.workers()).param("slo", o.slo().toString()).param("slo_us", o.slo().p99Ns() > 0 ? o.slo().p99Ns() / 1e3 : null).param("seed", o.seed())
                .param("policy_params", Sut.policyDefaults(o.systems())).param("timer", rc.describe()).param("jdk_parallelism", jdkPar).param("platform", Sut.platformPlacement(o.cores()))
                .param("short_class", o.dist().classes() > 1 ? o.dist().classLabel(o.dist().shortestClass()) : "all")
                .param("preemption_points", "explicit Skyloft.preemptionPoint() about every microsecond of service")
                .param("dispatcher_nice", niceProblem == null ? o.dispatcherNice() : "0 (" + niceProblem + ")");
        for (String sys : o.systems()) {
            List<Point> points = new ArrayList<>();
            try (Sut sut = Sut.create(sys, o.cores(), rc)) {
                // warm-up: a short run at 30% load, not recorded
                onePoint(sut, o, 0.3, Math.min(300_000_000L, o.durationNs()), o.seed() - 1);
                for (int i = 0; i < o.loads().size(); i++) {
                    double load = o.loads().get(i);
                    Harness.progress("lc", String.format(Locale.ROOT, "%s load %.0f%% (%.0f req/s) for %s", sys, load * 100, load * capacity,
                            Durations.format(o.durationNs())));
                    points.add(onePoint(sut, o, load, o.durationNs(), o.seed() + i));
                }
                sut.close();
                if (o.stats() && sut.stats() != null) System.out.println(sut.stats().format());
            }
            addRows(r, o, points);
        }
        return r;
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
            double p99 = p.p(p.latencyNs(), 99);
            double sd99 = p.slowdownMilli().getTotalCount() == 0 ? Double.NaN : p.slowdownMilli().getValueAtPercentile(99) / 1000.0;
            r.add(new BenchResult.Row(s, "achieved_rps", p.achievedRps(), "1/s", pp));
            r.add(new BenchResult.Row(s, "p50_us", p.p(p.latencyNs(), 50), "us", pp));
            r.add(new BenchResult.Row(s, "p99_us", p99, "us", pp));
            r.add(new BenchResult.Row(s, "p999_us", p.p(p.latencyNs(), 99.9), "us", pp));
            r.add(new BenchResult.Row(s, "p50_slowdown", slowdown(p, 50), "x", pp));
            r.add(new BenchResult.Row(s, "p99_slowdown", sd99, "x", pp));
            r.add(new BenchResult.Row(s, "p999_slowdown", slowdown(p, 99.9), "x", pp));
            if (o.dist().classes() > 1) r.add(new BenchResult.Row(s, "short_p99_us", p.p(p.shortLatencyNs(), 99), "us", pp));
            curve.add(new double[] {p.load(), p99, sd99, p.achievedRps()});
        }
        if (!points.isEmpty()) {
            double[] best = maxLoadAtSlo(curve, o.slo());
            Map<String, Object> pp = new LinkedHashMap<>();
            pp.put("slo", o.slo().toString());
            pp.put("rps", best[1]);
            r.add(new BenchResult.Row(points.get(0).system(), "max_load_at_slo", best[0], "load", pp));
        }
    }

    private static double slowdown(Point p, double q) {
        return p.slowdownMilli().getTotalCount() == 0 ? Double.NaN : p.slowdownMilli().getValueAtPercentile(q) / 1000.0;
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

    /** Whether a thread may take this nice value: tried on a short-lived platform thread. */
    private static String probeNice(int nice) {
        String[] why = new String[1];
        Thread t = Thread.ofPlatform().start(() -> why[0] = OsPriority.setCurrentThreadNice(nice));
        YieldBench.join(t);
        return why[0];
    }

    /** Spins for about {@code ns} of CPU, with a preemption point about every microsecond. */
    static void spinNs(long ns) {
        long per = Work.itersPerUs();
        long iters = ns * per / 1000;
        long x = spinSink;
        while (iters > 0) {
            long chunk = Math.min(iters, per);
            for (long i = 0; i < chunk; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            iters -= chunk;
            Skyloft.preemptionPoint();
        }
        spinSink = x;
    }

    static volatile long spinSink;

    static Point onePoint(Sut sut, Options o, double load, long durationNs, long seed) {
        double capacity = o.cores() * 1e9 / o.dist().meanNs();
        double rate = load * capacity;
        Arrivals a = Arrivals.poisson(rate, durationNs, o.dist(), seed);
        int n = a.size();
        int shortCls = o.dist().shortestClass();
        boolean classes = o.dist().classes() > 1;
        ConcurrentHistogram lat = new ConcurrentHistogram(3), shortLat = new ConcurrentHistogram(3), slow = new ConcurrentHistogram(3);
        Histogram lag = new Histogram(3);
        Semaphore ready = new Semaphore(0);
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        byte[] finished = new byte[n];
        var st = new Object() {
            volatile boolean stop;
            volatile long startNs;
            volatile long lastDoneNs;
        };
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < o.workers(); w++) {
            workers.add(sut.start("lc-" + w, () -> {
                while (true) {
                    ready.acquireUninterruptibly();
                    if (st.stop) return;
                    int i = claimed.getAndIncrement();
                    if (i >= n) return;
                    spinNs(a.serviceNs()[i]);
                    long end = System.nanoTime();
                    if (st.stop) return;
                    long l = Math.max(1, end - (st.startNs + a.arrivalNs()[i]));
                    lat.recordValue(l);
                    if (!classes || a.cls()[i] == shortCls) shortLat.recordValue(l);
                    slow.recordValue(Math.max(1, l * 1000 / Math.max(1, a.serviceNs()[i])));
                    finished[i] = 1;
                    st.lastDoneNs = end;
                    done.incrementAndGet();
                }
            }));
        }
        // The dispatcher: this platform thread, outside the system under test.
        Affinity.setTimerSlackNs(1);
        if (o.dispatcherNice() != 0) OsPriority.setCurrentThreadNice(o.dispatcherNice());
        long start = System.nanoTime() + 2_000_000;
        st.startNs = start;
        try {
            int i = 0;
            while (i < n) {
                long now = System.nanoTime();
                int k = 0;
                while (i < n && start + a.arrivalNs()[i] <= now) {
                    lag.recordValue(Math.max(0, now - (start + a.arrivalNs()[i])));
                    i++;
                    k++;
                }
                if (k > 0) ready.release(k);
                if (i < n) {
                    long left = start + a.arrivalNs()[i] - System.nanoTime();
                    if (left > 0) LockSupport.parkNanos(left);
                }
            }
        } finally {
            if (o.dispatcherNice() != 0) OsPriority.setCurrentThreadNice(0); // the caller goes on with other work
        }
        long end = start + durationNs;
        long cap = System.nanoTime() + Math.max(2_000_000_000L, durationNs);
        while (done.get() < n && System.nanoTime() < cap) LockSupport.parkNanos(1_000_000);
        long unfinished = n - done.get();
        st.stop = true;
        if (unfinished > 0) { // charge what is still waiting with its time so far (a lower bound)
            long now = System.nanoTime();
            for (int j = 0; j < n; j++) {
                if (finished[j] == 0) {
                    long l = Math.max(1, now - (start + a.arrivalNs()[j]));
                    lat.recordValue(l);
                    if (!classes || a.cls()[j] == shortCls) shortLat.recordValue(l);
                    slow.recordValue(Math.max(1, l * 1000 / Math.max(1, a.serviceNs()[j])));
                }
            }
        }
        ready.release(o.workers() + n);
        for (Thread t : workers) YieldBench.join(t);
        long span = Math.max(st.lastDoneNs, end) - start;
        double achieved = done.get() > 0 ? (n - unfinished) / (span / 1e9) : 0;
        return new Point(sut.name(), load, rate, achieved, n, unfinished, lat, shortLat, slow, lag);
    }
}
