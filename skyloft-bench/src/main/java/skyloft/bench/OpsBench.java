package skyloft.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import skyloft.policy.PolicyRegistry;
import skyloft.runtime.Affinity;
import skyloft.runtime.Poll;
import skyloft.runtime.RuntimeStats;
import skyloft.runtime.SkyloftRuntime;

/**
 * {@code bench ops}: what the mechanisms cost, each beside the jdk-default or platform equivalent
 * where one exists and the continuation floor:
 * <ul>
 *   <li>{@code yield_ns}: a Thread.yield switch between two threads on one carrier (platform:
 *       two threads pinned to one CPU; continuation: bare run/yield);</li>
 *   <li>{@code spawn_ns}: start and join one thread from a thread of the same system (Skyloft:
 *       one carrier; platform: from a thread placed on one CPU as {@link Sut} places platform
 *       threads, whose threads inherit its CPU);</li>
 *   <li>{@code wakeup_p50_us}/{@code wakeup_p99_us}: a platform thread unparks a parked thread
 *       of an otherwise idle system every 200 us (on {@code cores} carriers; platform threads
 *       placed on {@code cores} CPUs as in every benchmark); time to the thread's first instruction. Under
 *       Skyloft's default adaptive idle spin the carrier is still spinning when the wakeup
 *       comes; {@code wakeup_parked_*} (Skyloft only) is the same with a fixed 20 us spin, so the
 *       carrier has parked and its CPU halted;</li>
 *   <li>{@code sleeper_carrier_cpus} (and {@code _parked}, with a fixed 20 us spin): Skyloft
 *       only, the carriers' CPU time per wall second while one task sleeps 300 us in a loop:
 *       what the idle spin costs;</li>
 *   <li>{@code preempt_delay_p50_us}/{@code p99}: Skyloft only, from a preemption request to the
 *       task's stop, two spinning threads on one carrier under {@code preemptPolicy};</li>
 *   <li>{@code tick_cpu_ns}: timer CPU time per tick in that run (a timer thread's ticks; under
 *       the POLL timer the carriers tick in their own polls, so the row reports the carriers'
 *       ticks and the kick timer's CPU instead, with NaN as its value);</li>
 *   <li>{@code poll_ns}: the preemption poll's fast path (nothing pending): a loop with the
 *       poll minus the same loop without it, the raw difference with its spread (below 0 when
 *       the poll hides in the loops' noise; NaN below the clock's resolution, never a clamped 0);</li>
 *   <li>system {@code machine}: {@code stalls_over_30us_per_s}, {@code stalls_over_1ms_per_s},
 *       {@code max_stall_ms}: a platform thread pinned to each CPU spins for a second reading
 *       the clock; every gap is time the OS or the hypervisor took the CPU away. No scheduler in
 *       this process can give tails below this floor. {@code line_round_trip_ns}: a cache
 *       line's round trip between two CPUs. {@code wake_after_idle_p50_us}/{@code p99}: a pinned
 *       thread unparked after its CPU idled 100 us or 1 ms ({@code params.idle_us}): what waking
 *       a parked carrier costs here.</li>
 * </ul>
 * The yield, spawn and wakeup rows say in {@code params.carriers} how many carriers (CPUs,
 * jdk-default's parallelism) each system had, so that the headline compares like with like:
 * jdk-default's parallelism is set once per JVM, and at 2 it is not a one-carrier figure, so
 * its one-carrier yield and spawn rows come from a child JVM at parallelism 1
 * ({@link JdkOneCarrier}; those rows' {@code jvm} says so).
 */
public final class OpsBench {
    private OpsBench() {}

    public record Options(String policy, String preemptPolicy, int cores, long durationNs, int runs, Sut.RuntimeConfig runtime, boolean stats) {
        public Options {
            Sut.checkSystems(List.of(Baselines.skyloft(policy), Baselines.skyloft(preemptPolicy)));
            if (!preempts(preemptPolicy)) {
                throw new IllegalArgumentException("--preempt-policy " + preemptPolicy + " never preempts (its tick asks for no preemption), "
                        + "so it has no preemption figures; allowed: " + String.join(", ", PolicyRegistry.names().stream().filter(OpsBench::preempts).toList())
                        + ", or a policy class that preempts");
            }
            Checks.cores(cores);
            Checks.duration(durationNs, 100_000_000L);
            if (runs < 1 || runs > 100) throw new IllegalArgumentException("--runs " + runs + " is out of range; allowed 1..100");
        }
    }

    /** Whether {@code policy} ({@code NAME} or {@code NAME[params]}) may preempt a task: its tick asks for it. */
    static boolean preempts(String policy) {
        Sut.Policy p = Sut.Policy.of(Baselines.skyloft(policy));
        return PolicyRegistry.create(p.name(), p.params()).usesTick();
    }

    public static BenchResult run(Options o) {
        int jdkPar = Baselines.configureJdkDefault(o.cores());
        BenchResult r = new BenchResult("ops").param("policy", o.policy()).param("preempt_policy", o.preemptPolicy())
                .param("cores", o.cores()).param("timer", o.runtime().describe()).param("jdk_parallelism", jdkPar)
                .param("runs", o.runs()).param("preempt_run_s", o.durationNs() / 1e9);
        String sky = Baselines.skyloft(o.policy());
        List<Integer> cpus = Affinity.allowedCpus();
        int pinCpu = cpus.isEmpty() ? -1 : cpus.get(cpus.size() - 1);

        // the machine's own noise floor
        Harness.progress("ops", "CPU stalls (1 s, a spinning thread pinned to each CPU)");
        machineStalls(r, cpus, Math.min(o.cores(), Math.max(1, cpus.size())));
        if (o.cores() >= 2 && cpus.size() >= 2) {
            Harness.progress("ops", "cache line round trip between CPUs " + cpus.get(0) + " and " + cpus.get(1) + " (20 samples over 2 s)");
            lineRoundTrips(r, cpus.get(0), cpus.get(1), 20);
            Harness.progress("ops", "waking CPU " + cpus.get(1) + " after it idled 100us and 1ms (300 wakeups each)");
            for (long idleNs : new long[] {100_000, 1_000_000}) idleCpuWakeups(r, cpus.get(0), cpus.get(1), idleNs, 300);
        }

        // jdk-default on one carrier: in a JVM of its own, when this one's parallelism is not 1
        JdkOneCarrier.Result one = null;
        if (jdkPar != 1) {
            Harness.progress("ops", "jdk-default's yield switch and spawn on one carrier (a child JVM at parallelism 1)");
            one = JdkOneCarrier.measure(JdkOneCarrier.What.OPS, 0, o.runs(), CHILD_LIMIT_NS);
            if (one.problem() != null) System.err.println("ops: no jdk-default figures on one carrier: " + one.problem());
        }

        // yield switch
        int switches = YIELD_SWITCHES, each = switches / 2;
        Harness.progress("ops", "yield switch");
        try (SkyloftRuntime rt = runtime(o.policy(), 1, o.runtime())) {
            r.add(with(Harness.measure(1, o.runs(), () -> YieldBench.pingPong(each, b -> rt.start(b))).row(sky, "yield_ns", "ns"), "carriers", 1));
            Sut.quiesce(rt);
        }
        r.add(with(with(Harness.measure(1, o.runs(), () -> YieldBench.pingPong(each, b -> Thread.ofVirtual().start(b))).row(Baselines.JDK_DEFAULT, "yield_ns", "ns"),
                "carriers", jdkPar), "note", "parallelism " + jdkPar + "; with more than one carrier the two threads may not share one"));
        addChildRow(r, one, "yield_ns");
        r.add(platformYieldRow(pinCpu, each / 4, o.runs()));
        r.add(Harness.measure(1, o.runs(), () -> ContinuationFloor.yieldNsPerSwitch(switches)).row(Baselines.CONTINUATION, "yield_ns", "ns"));

        // spawn + join
        int spawns = SPAWNS;
        Harness.progress("ops", "spawn");
        try (SkyloftRuntime rt = runtime(o.policy(), 1, o.runtime())) {
            r.add(with(Harness.measure(1, o.runs(), () -> SpawnBench.inside(rt::start, () -> SpawnBench.loop(spawns, () -> rt.start(() -> { }))))
                    .row(sky, "spawn_ns", "ns"), "carriers", 1));
            Sut.quiesce(rt);
        }
        r.add(with(Harness.measure(1, o.runs(), () -> SpawnBench.inside(b -> Thread.ofVirtual().start(b),
                () -> SpawnBench.loop(spawns, () -> Thread.ofVirtual().start(() -> { })))).row(Baselines.JDK_DEFAULT, "spawn_ns", "ns"), "carriers", jdkPar));
        addChildRow(r, one, "spawn_ns");
        // from a platform thread placed on one CPU as Sut places them; the threads it starts inherit its CPU
        r.add(with(with(Harness.measure(1, o.runs(), () -> SpawnBench.inside(platform(1),
                () -> SpawnBench.loop(spawns / 20, () -> Thread.ofPlatform().start(() -> { })))).row(Baselines.PLATFORM, "spawn_ns", "ns"),
                "carriers", 1), "placement", Sut.platformPlacement(1)));
        r.add(Harness.measure(1, o.runs(), () -> ContinuationFloor.spawnNs(spawns)).row(Baselines.CONTINUATION, "spawn_ns", "ns"));

        // wakeup of a parked thread from outside
        Harness.progress("ops", "wakeup of a parked thread");
        try (SkyloftRuntime rt = runtime(o.policy(), o.cores(), o.runtime())) {
            addWakeup(r, sky, "wakeup", wakeups(b -> rt.start(b), 2000), Map.of("carriers", o.cores(), "idle_spin", o.runtime().describeIdleSpin()));
            Sut.quiesce(rt);
        }
        // the same with carriers that park in every gap, so their CPUs halt: the mechanism's cost
        // when a wakeup finds its runtime asleep (the default adaptive spin outlasts 200 us gaps)
        Sut.RuntimeConfig parks = new Sut.RuntimeConfig(o.runtime().timer(), o.runtime().tickNs(), PARKED_SPIN_NS);
        try (SkyloftRuntime rt = runtime(o.policy(), o.cores(), parks)) {
            addWakeup(r, sky, "wakeup_parked", wakeups(b -> rt.start(b), 2000), Map.of("carriers", o.cores(), "idle_spin", parks.describeIdleSpin()));
            Sut.quiesce(rt);
        }
        // what the idle spin costs: the carriers' CPU while one task sleeps 300 us in a loop
        Harness.progress("ops", "carrier CPU under a sleeping task (2 x 0.5 s)");
        try (SkyloftRuntime rt = runtime(o.policy(), o.cores(), o.runtime())) {
            addSleeperCpu(r, sky, "sleeper_carrier_cpus", rt, o.runtime().describeIdleSpin());
        }
        try (SkyloftRuntime rt = runtime(o.policy(), o.cores(), parks)) {
            addSleeperCpu(r, sky, "sleeper_carrier_cpus_parked", rt, parks.describeIdleSpin());
        }
        addWakeup(r, Baselines.JDK_DEFAULT, "wakeup", wakeups(b -> Thread.ofVirtual().start(b), 2000), Map.of("carriers", jdkPar));
        addWakeup(r, Baselines.PLATFORM, "wakeup", wakeups(platform(o.cores()), 2000),
                Map.of("carriers", o.cores(), "placement", Sut.platformPlacement(o.cores())));

        // preemption delay and tick cost
        Harness.progress("ops", "preemption under " + o.preemptPolicy() + " for " + o.durationNs() / 1e9 + " s");
        String pre = Baselines.skyloft(o.preemptPolicy());
        try (SkyloftRuntime rt = runtime(o.preemptPolicy(), 1, o.runtime())) {
            var stop = new Object() { volatile boolean v; };
            Thread a = rt.start(() -> { while (!stop.v) Work.spinNs(10_000); });
            Thread b = rt.start(() -> { while (!stop.v) Work.spinNs(10_000); });
            Schbench.sleepNs(o.durationNs());
            stop.v = true;
            YieldBench.join(a);
            YieldBench.join(b);
            Histogram d = rt.preemptionDelayHistogram();
            Sut.quiesce(rt);
            rt.close();
            RuntimeStats st = rt.stats();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("delivered", st.preemption().delivered());
            p.put("requested", st.preemption().requested());
            double n = d.getTotalCount();
            r.add(new BenchResult.Row(pre, "preempt_delay_p50_us", n == 0 ? Double.NaN : d.getValueAtPercentile(50) / 1e3, "us", p));
            r.add(new BenchResult.Row(pre, "preempt_delay_p99_us", n == 0 ? Double.NaN : d.getValueAtPercentile(99) / 1e3, "us", p));
            long ticks = st.counters().getOrDefault("timer_ticks", 0L);
            boolean carriersTick = st.counters().containsKey("poll_clock_reads");
            Map<String, Object> tp = new LinkedHashMap<>();
            tp.put("ticks", ticks);
            tp.put("timer_cpu_ms", st.preemption().timerCpuNs() / 1e6);
            if (carriersTick) {
                long own = 0;
                for (RuntimeStats.Cpu c : st.cpus()) own += c.ticks();
                tp.put("carrier_ticks", own);
                tp.put("note", "POLL timer: the carriers tick in their polls; the timer thread only serves kicks");
            }
            r.add(new BenchResult.Row(pre, "tick_cpu_ns", ticks == 0 || carriersTick ? Double.NaN : st.preemption().timerCpuNs() / (double) ticks, "ns", tp));
            if (o.stats()) System.out.println(st.format());
        }

        // the poll fast path
        Harness.progress("ops", "poll fast path");
        for (int i = 0; i < 2; i++) pollRun(POLL_LOOP); // warm-up
        List<PollRun> polls = new java.util.ArrayList<>();
        for (int i = 0; i < o.runs(); i++) polls.add(pollRun(POLL_LOOP));
        r.add(pollRow(sky, polls, 2.0 * clockGranularityNs() / POLL_LOOP));
        return r;
    }

    /** One pinned spinning platform thread per CPU for a second; rows on the gaps between clock reads. */
    static void machineStalls(BenchResult r, List<Integer> cpus, int n) {
        long durNs = 1_000_000_000L;
        long[][] counts = new long[n][2];
        long[] max = new long[n];
        Thread[] ts = new Thread[n];
        for (int k = 0; k < n; k++) {
            int me = k, cpu = k < cpus.size() ? cpus.get(k) : -1;
            ts[k] = Thread.ofPlatform().start(() -> {
                if (cpu >= 0) Affinity.pinCurrentThread(cpu);
                long end = System.nanoTime() + durNs, last = System.nanoTime();
                while (true) {
                    long now = System.nanoTime();
                    if (now > end) break;
                    long gap = now - last;
                    last = now;
                    if (gap > 30_000) {
                        counts[me][0]++;
                        if (gap > 1_000_000) counts[me][1]++;
                        if (gap > max[me]) max[me] = gap;
                    }
                }
            });
        }
        for (Thread t : ts) YieldBench.join(t);
        long over30 = 0, over1ms = 0, worst = 0;
        for (int k = 0; k < n; k++) {
            over30 += counts[k][0];
            over1ms += counts[k][1];
            worst = Math.max(worst, max[k]);
        }
        Map<String, Object> p = Map.of("cpus", n, "seconds", durNs / 1e9);
        r.add(new BenchResult.Row("machine", "stalls_over_30us_per_s", over30 / (double) n, "1/s", p));
        r.add(new BenchResult.Row("machine", "stalls_over_1ms_per_s", over1ms / (double) n, "1/s", p));
        r.add(new BenchResult.Row("machine", "max_stall_ms", worst / 1e6, "ms", p));
    }

    /** {@code samples} probes of {@link LineProbe} 100 ms apart: the host may move the two vCPUs
     *  between them, so the row gives the median with the least, the most and every sample. */
    static void lineRoundTrips(BenchResult r, int cpuA, int cpuB, int samples) {
        List<Double> each = new java.util.ArrayList<>();
        for (int i = 0; i < samples; i++) {
            if (i > 0) Schbench.sleepNs(100_000_000L);
            double ns = LineProbe.roundTripNs(cpuA, cpuB, LineProbe.DEFAULT_ROUNDS);
            if (!Double.isNaN(ns)) each.add(Math.rint(ns));
        }
        double[] v = each.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cpus", List.of(cpuA, cpuB));
        p.put("rounds", LineProbe.DEFAULT_ROUNDS);
        p.put("samples", v.length);
        p.put("stalled", samples - v.length);
        if (v.length > 0) {
            p.put("min", v[0]);
            p.put("max", v[v.length - 1]);
        }
        p.put("each", each);
        r.add(new BenchResult.Row("machine", "line_round_trip_ns", v.length == 0 ? Double.NaN : Harness.median(v), "ns", p));
    }

    /**
     * How long the OS takes to run a thread whose CPU has been idle for {@code idleNs}: a
     * platform thread pinned to {@code sleeperCpu} parks; one pinned to {@code wakerCpu} spins
     * for {@code idleNs} (keeping its own CPU awake) and unparks it; the row gives the time to the
     * sleeper's first instruction. On a VM a CPU idle for long halts and the host may deschedule
     * it, so this is the cost a parked carrier pays, and why idle carriers spin
     * ({@code machine wake_after_idle_*_us}, with {@code params.idle_us}).
     */
    static void idleCpuWakeups(BenchResult r, int wakerCpu, int sleeperCpu, long idleNs, int n) {
        Histogram h = new Histogram(3);
        var s = new Object() { volatile long unparkNs; volatile int seen; volatile boolean go; };
        Thread t = pinnedStarter(sleeperCpu).start(() -> {
            for (int i = 0; i < n; i++) {
                s.go = false;
                s.seen = i + 1;
                while (!s.go) LockSupport.park();
                h.recordValue(Math.max(0, System.nanoTime() - s.unparkNs));
            }
        });
        Thread w = pinnedStarter(wakerCpu).start(() -> {
            for (int i = 0; i < n; i++) {
                while (s.seen != i + 1) Thread.onSpinWait();
                long until = System.nanoTime() + idleNs;
                while (System.nanoTime() < until) Thread.onSpinWait();
                s.unparkNs = System.nanoTime();
                s.go = true;
                LockSupport.unpark(t);
            }
        });
        YieldBench.join(w);
        YieldBench.join(t);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("idle_us", idleNs / 1000);
        p.put("cpus", List.of(wakerCpu, sleeperCpu));
        p.put("samples", h.getTotalCount());
        r.add(new BenchResult.Row("machine", "wake_after_idle_p50_us", h.getValueAtPercentile(50) / 1e3, "us", p));
        r.add(new BenchResult.Row("machine", "wake_after_idle_p99_us", h.getValueAtPercentile(99) / 1e3, "us", p));
    }

    /** Yield switches and spawns per measured run (the child JVM of {@link JdkOneCarrier} uses the same). */
    static final int YIELD_SWITCHES = 200_000, SPAWNS = 50_000;
    /** How long a child JVM of {@link JdkOneCarrier} may take. */
    static final long CHILD_LIMIT_NS = 120_000_000_000L;

    /** The child JVM's row of {@code metric}, if it gave one. */
    private static void addChildRow(BenchResult r, JdkOneCarrier.Result one, String metric) {
        if (one == null) return;
        for (BenchResult.Row row : one.rows()) if (row.metric().equals(metric)) r.add(row);
    }

    private static BenchResult.Row with(BenchResult.Row row, String k, Object v) {
        Map<String, Object> p = new LinkedHashMap<>(row.params());
        p.put(k, v);
        return new BenchResult.Row(row.system(), row.metric(), row.value(), row.unit(), p);
    }

    /** A runtime of {@code policy} (a name, perhaps with parameters: {@code rr[slice=30us]}) on {@code cores}
     *  carriers, built as every benchmark builds its Skyloft systems ({@link Sut#builder}). */
    static SkyloftRuntime runtime(String policy, int cores, Sut.RuntimeConfig rc) {
        return Sut.builder(Baselines.skyloft(policy), cores, rc).build();
    }

    /** Starts platform threads where every benchmark puts the platform baseline on {@code cores} CPUs
     *  ({@link Sut#create}: pinned round robin to the first {@code cores} CPUs when the process may use more). */
    static YieldBench.Starter platform(int cores) {
        Sut plat = Sut.create(Baselines.PLATFORM, cores, Sut.RuntimeConfig.DEFAULT);
        return body -> plat.start("ops-platform", body);
    }

    /**
     * The platform {@code yield_ns} row: two threads pinned to {@code cpu} ping-pong {@code each}
     * yields each. {@code carriers} is 1 only if every thread was pinned; where pinning failed (or
     * there is no CPU list) the threads ran on any CPU, and {@code pinned} says why, so the
     * headline does not set the row beside Skyloft's one carrier. Before, the row said 1 carrier
     * whenever a CPU was chosen, pinned or not.
     */
    static BenchResult.Row platformYieldRow(int cpu, int each, int runs) {
        String[] problem = new String[1];
        YieldBench.Starter pinned = body -> Thread.ofPlatform().start(() -> {
            String why = cpu < 0 ? "no CPU list" : Affinity.pinCurrentThread(cpu);
            if (why != null) problem[0] = why;
            body.run();
        });
        BenchResult.Row row = Harness.measure(1, runs, () -> YieldBench.pingPong(each, pinned)).row(Baselines.PLATFORM, "yield_ns", "ns");
        int anyCpu = Math.max(Affinity.allowedCpus().size(), Runtime.getRuntime().availableProcessors());
        return with(with(row, "carriers", problem[0] == null ? 1 : anyCpu), "pinned", problem[0] == null ? "to CPU " + cpu : "no: " + problem[0]);
    }

    private static YieldBench.Starter pinnedStarter(int cpu) {
        return body -> Thread.ofPlatform().start(() -> {
            if (cpu >= 0) Affinity.pinCurrentThread(cpu);
            body.run();
        });
    }

    /** The CPU the carriers of {@code rt} (the only runtime open) use, in CPUs, while one task
     *  sleeps 300 us and wakes again, for 0.5 s: a parked carrier costs almost none, a spinning
     *  one a whole CPU. */
    private static void addSleeperCpu(BenchResult r, String sys, String metric, SkyloftRuntime rt, String idleSpin) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Long> ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("skyloft-carrier-")).map(Thread::threadId).toList();
        java.util.function.LongSupplier cpu = () -> ids.stream().mapToLong(mx::getThreadCpuTime).filter(v -> v > 0).sum();
        long c0 = cpu.getAsLong(), t0 = System.nanoTime();
        YieldBench.join(rt.start(() -> {
            long end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end) LockSupport.parkNanos(300_000);
        }));
        double cpus = (cpu.getAsLong() - c0) / (double) (System.nanoTime() - t0);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sleep_us", 300);
        p.put("carriers", ids.size());
        p.put("idle_spin", idleSpin);
        r.add(new BenchResult.Row(sys, metric, cpus, "CPUs", p));
    }

    /** A fixed idle spin much shorter than the 200 us gaps of {@link #wakeups}: the runtime's
     *  default before the adaptive spin. */
    static final long PARKED_SPIN_NS = 20_000;

    /** @param how the carriers (CPUs, parallelism) the system ran on, and its idle spin or placement */
    private static void addWakeup(BenchResult r, String sys, String metric, Histogram h, Map<String, Object> how) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("samples", h.getTotalCount());
        p.putAll(new java.util.TreeMap<>(how));
        r.add(new BenchResult.Row(sys, metric + "_p50_us", h.getValueAtPercentile(50) / 1e3, "us", p));
        r.add(new BenchResult.Row(sys, metric + "_p99_us", h.getValueAtPercentile(99) / 1e3, "us", p));
    }

    /** A thread of the system parks; this platform thread unparks it every 200 us; ns to its
     *  first instruction. The waker sleeps, never spins, while it waits for the thread to park
     *  again: spinning, it would hold the very CPU a pinned carrier needs to wake on. */
    static Histogram wakeups(YieldBench.Starter starter, int n) {
        Histogram h = new Histogram(3);
        var s = new Object() { volatile long unparkNs; volatile int seen; volatile boolean go; };
        Thread t = starter.start(() -> {
            for (int i = 0; i < n; i++) {
                s.go = false;
                s.seen = i + 1;
                while (!s.go) LockSupport.park();
                h.recordValue(Math.max(0, System.nanoTime() - s.unparkNs));
            }
        });
        for (int i = 0; i < n; i++) {
            while (s.seen != i + 1) LockSupport.parkNanos(20_000);
            LockSupport.parkNanos(200_000); // let it park and its carrier go idle
            s.unparkNs = System.nanoTime();
            s.go = true;
            LockSupport.unpark(t);
        }
        YieldBench.join(t);
        return h;
    }

    /** Where the poll loops' sums go, once after each loop, so that neither loop is dead code. */
    static volatile long pollSink;

    /** Iterations of each poll loop. */
    static final int POLL_LOOP = 50_000_000;

    /** One run of the poll fast path: ns per iteration of a loop with {@code Poll.poll()} and of the same loop without it. */
    record PollRun(double withNs, double withoutNs) {
        double diffNs() {
            return withNs - withoutNs;
        }
    }

    /** Times the two loops one after the other: identical bodies but the poll, one sink write after each. */
    static PollRun pollRun(int n) {
        long x = 0, y = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) { x += i; Poll.poll(); }
        long t1 = System.nanoTime();
        pollSink = x;
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) { y += i; }
        long t3 = System.nanoTime();
        pollSink = y;
        return new PollRun((t1 - t0) / (double) n, (t3 - t2) / (double) n);
    }

    /**
     * The {@code poll_ns} row: the median over runs of the raw difference (with the poll minus
     * without), with its spread and both loops' medians in the params. Never clamped: a
     * difference below zero is the loops' noise and is shown as such (the params say when the
     * runs straddle zero). NaN if the difference is below what the clock resolves per iteration
     * ({@code resolutionNs}).
     */
    static BenchResult.Row pollRow(String sys, List<PollRun> runs, double resolutionNs) {
        double[] d = runs.stream().mapToDouble(PollRun::diffNs).sorted().toArray();
        double med = Harness.median(d);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("min", d[0]);
        p.put("max", d[d.length - 1]);
        p.put("runs", d.length);
        p.put("with_poll_ns", Harness.median(runs.stream().mapToDouble(PollRun::withNs).sorted().toArray()));
        p.put("without_poll_ns", Harness.median(runs.stream().mapToDouble(PollRun::withoutNs).sorted().toArray()));
        p.put("resolution_ns", resolutionNs);
        if (d[0] < 0 && d[d.length - 1] > 0) p.put("note", "the runs straddle 0: the poll's cost is within the loops' noise");
        return new BenchResult.Row(sys, "poll_ns", Math.abs(med) < resolutionNs ? Double.NaN : med, "ns", p);
    }

    /** The smallest step of System.nanoTime seen in 100 tries (ns). */
    static long clockGranularityNs() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            long t0 = System.nanoTime(), t1;
            while ((t1 = System.nanoTime()) == t0) Thread.onSpinWait();
            best = Math.min(best, t1 - t0);
        }
        return best;
    }
}
