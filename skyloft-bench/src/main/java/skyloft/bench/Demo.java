package skyloft.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headline run: short versions of schbench, lc (bimodal), co-location (lc beside batch hogs), pipe,
 * ops and pick, one after another in one JVM on the same cores ({@link #demo}, about two minutes on 2 cores), or the full versions
 * ({@link #full}, {@code bench all}). Prints one table of headline ratios against jdk-default
 * and platform and writes the HTML report plus each benchmark's JSON rows into a directory.
 */
public final class Demo {
    private Demo() {}

    /** The benchmark name of the co-location part. */
    public static final String COLOCATION = "colocation";

    /**
     * What to run; a null entry is skipped.
     *
     * @param colocation lc with batch hogs beside the service on every system, reported as the
     *                   benchmark {@code colocation}
     */
    public record Plan(int cores, Schbench.Options schbench, LcBench.Options lc, LcBench.Options colocation, PipeBench.Options pipe,
                       OpsBench.Options ops, Pick pick, CapacityBench.Options capacity) {}

    /** {@code bench pick} (the policy issue's decision-cost benchmark): policies and runnable counts. */
    public record Pick(List<String> policies, int[] runnable) {}

    static final List<String> DEMO_LC_POLICIES = List.of("rr[slice=30us]", "shinjuku[quantum=30us]", "fifo");

    /** The co-location part's Skyloft policies: the service and the hogs as two applications under
     *  apps, and (in {@code bench all} only) the same rr with both as one, which is what apps is for. */
    static final List<String> COLOCATION_POLICIES = List.of("apps[lc=rr,lc.slice=30us]", "rr[slice=30us]");

    /** The short versions: about two minutes on 2 cores. */
    public static Plan demo(int cores, Sut.RuntimeConfig rc, boolean stats) {
        Plan p = plan(cores, rc, stats, 2_000_000_000L, List.of(2 * cores, 4 * cores), List.of(0.1, 0.3, 0.5, 0.7), 1_000_000_000L,
                List.of(0.3), 500_000_000L, 1_000_000_000L, 2, 500_000_000L, new int[] {10, 1_000});
        // lc keeps the policies that matter for its figures (the preemptive ones at Skyloft's 30 us quantum and fifo, the
        // no-preemption baseline) so that three windows per load fit the demo's two minutes; bench lc runs them all.
        LcBench.Options l = p.lc();
        List<String> lcSystems = l.systems().stream().filter(s -> !s.startsWith("skyloft:") || DEMO_LC_POLICIES.contains(s.substring(8))).toList();
        LcBench.Options co = p.colocation();
        List<String> coSystems = co.systems().stream().filter(s -> !s.startsWith("skyloft:") || s.startsWith("skyloft:apps")).toList();
        return new Plan(p.cores(), p.schbench(), l.withSystems(lcSystems), co.withSystems(coSystems), p.pipe(), p.ops(), p.pick(), null); // capacity: bench all only
    }

    /** The full versions ({@code bench all}); {@code durationNs} is per configuration of schbench and lc (0: their defaults). */
    public static Plan full(int cores, Sut.RuntimeConfig rc, boolean stats, long durationNs) {
        return plan(cores, rc, stats, durationNs > 0 ? durationNs : 5_000_000_000L, List.of(cores, 2 * cores, 4 * cores), LcBench.DEFAULT_LOADS,
                durationNs > 0 ? durationNs : 2_000_000_000L, List.of(0.1, 0.3, 0.5, 0.7), durationNs > 0 ? durationNs : 1_000_000_000L,
                2_000_000_000L, 3, 1_000_000_000L, PickBench.DEFAULT_RUNNABLE);
    }

    /** A tiny plan for tests: every benchmark, a fraction of a second each. */
    public static Plan tiny(int cores) {
        var rc = Sut.RuntimeConfig.DEFAULT;
        return new Plan(cores,
                new Schbench.Options(List.of("skyloft:fifo", Baselines.JDK_DEFAULT), cores, List.of(2), 100_000_000L, 20_000_000L, 100, 16, 1, rc, false),
                new LcBench.Options(List.of("skyloft:rr", Baselines.JDK_DEFAULT), cores, ServiceDist.parse("bimodal-9-5us-50us"), List.of(0.2, 0.5),
                        50_000_000L, 4, LcBench.Slo.parse("50ms"), 1, rc, false),
                new LcBench.Options(List.of("skyloft:apps", Baselines.JDK_DEFAULT), cores, ServiceDist.parse("bimodal-9-5us-50us"), List.of(0.5),
                        50_000_000L, 4, LcBench.Slo.parse("50ms"), 1, rc, false, 1, true, LcBench.DEFAULT_DISPATCHER_NICE, 1),
                new PipeBench.Options(List.of("skyloft:fifo", Baselines.PLATFORM), 100_000_000L, 1, rc, false),
                null, null, null);
    }

    private static Plan plan(int cores, Sut.RuntimeConfig rc, boolean stats, long schDur, List<Integer> workers, List<Double> loads,
                             long lcDur, List<Double> colocationLoads, long colocationDur, long pipeDur, int runs, long opsDur, int[] pickRunnable) {
        List<String> skipped = new ArrayList<>();
        var sch = new Schbench.Options(Sut.defaults(Schbench.DEFAULT_POLICIES, skipped), cores, workers, schDur, Math.min(1_000_000_000L, schDur / 4),
                100, 128, 10, rc, stats);
        var lc = new LcBench.Options(Sut.defaults(LcBench.DEFAULT_POLICIES, skipped), cores, ServiceDist.parse("bimodal-995-4us-10ms"), loads,
                lcDur, 20, LcBench.Slo.parse("500us"), 1, rc, stats);
        var colocation = new LcBench.Options(Sut.defaults(COLOCATION_POLICIES, skipped), cores, lc.dist(), colocationLoads, colocationDur,
                lc.workers(), lc.slo(), 1, rc, stats, LcBench.DEFAULT_WINDOWS, true, LcBench.DEFAULT_DISPATCHER_NICE, cores); // one hog per core
        // at least three runs, so that the median stands clear of one disturbed run (with two it is their mean)
        var pipe = new PipeBench.Options(Sut.defaults(PipeBench.DEFAULT_POLICIES, skipped), pipeDur, Math.max(3, runs), rc, stats);
        String pre = Sut.defaults(List.of("rr"), new ArrayList<>()).contains("skyloft:rr") ? "rr" : "fifo";
        var ops = new OpsBench.Options("fifo", pre, cores, opsDur, runs, rc, stats);
        var capacity = new CapacityBench.Options(Sut.defaults(CapacityBench.DEFAULT_POLICIES, skipped), cores, CapacityBench.DEFAULT_HOGS_PER_CORE,
                1_000_000_000L, runs, rc, stats);
        if (!skipped.isEmpty()) System.err.println("note: skipping " + skipped.stream().distinct().toList() + " (policy not registered in this build)");
        return new Plan(cores, sch, lc, colocation, pipe, ops, new Pick(PickBench.defaultPolicies(), pickRunnable), capacity);
    }

    /** The same plan with {@code policies} as the Skyloft systems of every part (checked; unknown names fail). In the
     *  co-location part each runs as given, so an apps policy among them is what separates the service from the hogs. */
    public static Plan withPolicies(Plan p, List<String> policies) {
        List<String> sky = Sut.checkSystems(policies.stream().map(Baselines::skyloft).toList());
        List<String> systems = new ArrayList<>(sky);
        systems.add(Baselines.JDK_DEFAULT);
        systems.add(Baselines.PLATFORM);
        String pre = policies.stream().filter(x -> Headline.preemptive(Baselines.skyloft(x))).findFirst().orElse(policies.get(0));
        var s = p.schbench();
        var l = p.lc();
        var co = p.colocation();
        var pi = p.pipe();
        var o = p.ops();
        var c = p.capacity();
        return new Plan(p.cores(),
                s == null ? null : new Schbench.Options(systems, s.cores(), s.workers(), s.durationNs(), s.warmupNs(), s.sleepUs(), s.footprintKb(), s.ops(), s.runtime(), s.stats(), s.breakdown()),
                l == null ? null : l.withSystems(systems),
                co == null ? null : co.withSystems(systems),
                pi == null ? null : new PipeBench.Options(systems, pi.durationNs(), pi.runs(), pi.runtime(), pi.stats()),
                o == null ? null : new OpsBench.Options(policies.get(0), pre, o.cores(), o.durationNs(), o.runs(), o.runtime(), o.stats()),
                p.pick() == null ? null : new Pick(List.copyOf(policies), p.pick().runnable()),
                c == null ? null : new CapacityBench.Options(systems, c.cores(), c.hogsPerCore(), c.durationNs(), c.runs(), c.runtime(), c.stats()));
    }

    /** Runs the plan, writes {@code dir}/NAME.json as each benchmark ends (so a failure later in a
     *  long run loses nothing already measured), prints the headline table, then writes
     *  {@code dir}/index.html. */
    public static List<BenchResult> run(Plan p, Path dir, String title, PrintStream out) throws IOException {
        Baselines.configureJdkDefault(p.cores());
        long t0 = System.nanoTime();
        Map<String, String> atStart = Report.machine(p.cores()); // written first, so that a run stopped part-way keeps it
        String load = atStart.remove(Report.LOAD_AT_END);
        if (load != null) atStart.put("system load average at the start", load);
        writeMachine(atStart, dir);
        List<BenchResult> results = new ArrayList<>();
        if (p.schbench() != null) keep(results, Schbench.run(p.schbench()), dir);
        if (p.lc() != null) keep(results, LcBench.run(p.lc()), dir);
        if (p.colocation() != null) keep(results, LcBench.run(p.colocation(), COLOCATION), dir);
        if (p.pipe() != null) keep(results, PipeBench.run(p.pipe(), p.cores()), dir);
        if (p.ops() != null) keep(results, OpsBench.run(p.ops()), dir);
        if (p.pick() != null) {
            Harness.progress("pick", "policies " + p.pick().policies() + ", runnable " + java.util.Arrays.toString(p.pick().runnable()));
            keep(results, PickBench.run(p.pick().policies(), p.pick().runnable(), null), dir);
        }
        if (p.capacity() != null) keep(results, CapacityBench.run(p.capacity()), dir);
        Map<String, String> machine = Report.machine(p.cores());
        machine.put("wall time of the run", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - t0) / 1e9));
        writeReport(results, machine, dir, title, NOTE, out);
        return results;
    }

    /** What the report says of how its figures were measured. */
    public static final String NOTE = "Every figure on this page was measured in the run described below, one system after another in one JVM "
            + "on the same cores. Benchmarks spin with explicit preemption points (Skyloft.preemptionPoint) where they would rely on the agent.";

    /** The machine file a run leaves beside its JSON rows, for a report rebuilt from them. */
    public static final String MACHINE_FILE = "machine.json";

    /** Writes {@code machine} to {@code dir}/{@value #MACHINE_FILE} (a run's facts, for {@code skyloft report}). */
    public static void writeMachine(Map<String, String> machine, Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(MACHINE_FILE), skyloft.util.Json.object(new java.util.LinkedHashMap<>(machine)) + "\n");
    }

    /** Prints the headline table of {@code results} and writes {@code dir}/index.html with them and the
     *  {@code machine} facts (to which the ops run's look at the machine is added). */
    public static void writeReport(List<BenchResult> results, Map<String, String> machine, Path dir, String title, String note,
            PrintStream out) throws IOException {
        String noise = machineNoise(results);
        if (noise != null) machine.put("the machine during the ops run", noise);
        printHeadline(Headline.compute(results), out);
        if (noise != null) out.println("machine (during ops): " + noise);
        out.println();
        Path html = dir.resolve("index.html");
        Report.write(html, title, machine, results, note);
        out.println("report: " + html + " (JSON rows beside it)");
    }

    private static void keep(List<BenchResult> results, BenchResult r, Path dir) throws IOException {
        results.add(r);
        r.writeJson(dir.resolve(r.benchmark() + ".json"));
    }

    /** What the ops run measured of the machine itself: the CPU stalls and the cache-line round
     *  trip between two CPUs (which shows where the host put the vCPUs; the work rate of two
     *  carriers follows it), or null without an ops run. */
    static String machineNoise(List<BenchResult> results) {
        for (BenchResult r : results) {
            if (!r.benchmark().equals("ops")) continue;
            StringBuilder sb = new StringBuilder();
            double stalls = r.value("machine", "stalls_over_30us_per_s");
            if (!Double.isNaN(stalls)) sb.append(String.format(Locale.ROOT, "%.0f stalls over 30 us per CPU-second", stalls));
            for (BenchResult.Row row : r.rows()) {
                if (!row.system().equals("machine") || !row.metric().equals("line_round_trip_ns") || Double.isNaN(row.value())) continue;
                if (!sb.isEmpty()) sb.append("; ");
                sb.append(String.format(Locale.ROOT, "cache-line round trip between CPUs %s: median %.0f ns (%.0f to %.0f ns)",
                        row.params().get("cpus"), row.value(), Headline.number(r, row, "min"), Headline.number(r, row, "max")));
            }
            return sb.isEmpty() ? null : sb.toString();
        }
        return null;
    }

    /** The readable headline table. */
    public static void printHeadline(List<Headline> hs, PrintStream out) {
        out.println();
        out.println("Headline (each row measured in this run; 'better' = Skyloft better)");
        String fmt = "%-44s %-14s %11s %11s %-17s %11s %-17s %s%n";
        out.printf(Locale.ROOT, fmt, "figure", "best skyloft", "skyloft", "jdk-default", "vs jdk-default", "platform", "vs platform", "target met");
        for (Headline h : hs) {
            String met = h.met() == null ? "-" : (h.met() ? "yes: " : "NO: ") + h.target();
            out.printf(Locale.ROOT, fmt, h.figure().length() > 44 ? h.figure().substring(0, 43) + "~" : h.figure(),
                    h.skySystem() == null ? "-" : h.skySystem(), Report.withUnit(h.sky(), h.unit()), Report.num(h.jdk()),
                    h.versusJdk().text(), Report.num(h.platform()), h.versusPlatform().text(),
                    h.note().isEmpty() ? met : met + " (" + h.note() + ")");
        }
    }
}
