package skyloft.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import skyloft.bench.AtomicFiles;
import skyloft.bench.LcBench;
import skyloft.policy.PolicyRegistry;
import skyloft.sim.SimResult;
import skyloft.sim.scenario.Scenario;
import skyloft.sim.scenario.ScenarioLoader;
import skyloft.spi.AdmissionException;
import skyloft.trace.PerfettoTraceWriter;
import skyloft.trace.SvgGanttWriter;
import skyloft.trace.Trace;
import skyloft.trace.TraceBuffer;
import skyloft.trace.TraceRecorder;
import skyloft.util.Durations;
import skyloft.util.Json;

/**
 * {@code skyloft sim FILE}: runs a scenario in the simulator under its policy (or
 * {@code --policy}) and prints a per-task table; optionally writes the results as JSON, an SVG
 * Gantt chart and a Perfetto trace. With {@code --compare}, runs it under several policies and
 * prints one table with a line per task and policy.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Simulate a scenario file (see docs/SCENARIOS.md) in virtual time with a scheduling policy.",
                "Prints per task: CPU share, jobs done, latency p50/p99/p99.9/max/mean, p99 slowdown, deadline misses and the first miss.",
                "All numbers are simulated, not measured."})
final class SimCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;


    @Parameters(index = "0", paramLabel = "FILE", description = "The scenario file (YAML; docs/SCENARIOS.md).")
    Path file;

    @Option(names = "--policy", paramLabel = "P", description = "Policy to use instead of the file's (default: the file's, else fifo), its parameters in brackets if wanted: rr[slice=20us]; see `skyloft policies`.")
    String policy;

    @Option(names = "--param", paramLabel = "K=V,...", description = "Policy parameters, laid over the file's, e.g. slice=20us,admission=off.")
    String params;

    @Option(names = "--compare", paramLabel = "P,...", description = {
            "Run under each of these policies instead (NAME or NAME[name=value,...], e.g. fifo,rr[slice=20us],cfs) and print them side by side;"
                    + " every run has the same seed, so Poisson streams and periodic tasks release the same jobs under each;"
                    + " an entry that names the file's policy keeps the file's parameters under its own, and its label shows them. Not with --policy, --param, --gantt or --trace."})
    String compare;

    @Option(names = "--loads", paramLabel = "L,...", description = {
            "Run at each of these offered loads (shares of the CPUs, above 0 and at most 10, e.g. 0.1,0.3,0.5,0.7,0.9), the scenario's Poisson streams scaled together"
                    + " (each keeps its share of their sum; other tasks are unchanged), and print each task's p99 latency (or CPU share) by load and policy."
                    + " With --compare, every policy at every load. Not with --gantt or --trace."})
    String loads;

    @Option(names = "--slo", paramLabel = "SLO", description = "With --loads: also print each policy's highest load up to which every Poisson stream met this p99 target, a latency (200us) or a slowdown (10x).")
    String slo;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON to OUT.")
    Path json;

    @Option(names = "--gantt", paramLabel = "OUT.svg", description = "Write an SVG Gantt chart, one lane per CPU.")
    Path gantt;

    @Option(names = "--trace", paramLabel = "OUT.json", description = "Write Chrome/Perfetto trace-event JSON (ui.perfetto.dev opens it).")
    Path trace;

    @Option(names = "--seed", paramLabel = "N", description = "Seed instead of the file's (default: the file's, else 1).")
    Long seed;

    @Option(names = "--duration", paramLabel = "D", description = "Simulated time instead of the file's, 1ns..3600s, e.g. 20ms, 1s.")
    String duration;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs instead of the file's, 1..1024; a stream given as a load keeps its load.")
    Integer cpus;

    @Option(names = "--costs", paramLabel = "K=V,...", description = "Modelled costs laid over the file's, each 0..1s: switch, preempt_delay, migration, lock, wake, idle_spin (a duration or MIN..MAX, only with a wake cost), e.g. lock=280ns,switch=110ns or wake=30us,idle_spin=20us..5ms (default: the file's, else none).")
    String costs;

    @Override
    public Integer call() throws IOException {
        Scenario sc = ScenarioLoader.load(file);
        if (cpus != null) sc = sc.withCpus(cpus);
        if (costs != null) sc = sc.withCosts(costs);
        Long durNs = duration == null ? null : Durations.parseNs("--duration", duration, 1, ScenarioLoader.MAX_DURATION_NS);
        if (slo != null && loads == null) {
            throw new IllegalArgumentException("--slo " + slo + " needs --loads: it picks the highest of those loads that met it (e.g. --loads 0.1,0.3,0.5,0.7,0.9 --slo 200us)");
        }
        if (loads != null) return sweep(sc, durNs);
        if (compare != null) return compare(sc, durNs);
        // --policy rr[slice=20us]: the parameters in brackets join --param's
        PolicyRegistry.Spec override = policy == null ? null : policySpec();
        String policyName = override == null ? null : override.name();
        Map<String, String> extra = override == null ? PolicyRegistry.parseParams(params) : override.params();
        if (policy != null || params != null) {
            checkPolicy(sc, policyName, extra, policy != null && params != null ? "--policy and --param" : params != null ? "--param" : "--policy");
        }
        warn(sc.warnings(policyName, extra, durNs));
        TraceBuffer buf = gantt != null || trace != null ? new TraceBuffer() : null;
        TraceRecorder rec = buf != null ? buf : TraceRecorder.OFF;
        SimResult r;
        try {
            r = sc.run(policyName, extra, seed, durNs, rec,
                    new SimProgress(durNs != null ? durNs : sc.durationNs(), System::nanoTime, System.err));
        } catch (IllegalArgumentException e) {
            throw admissionHint(e, sc.policyFor(policyName), "--param admission=off");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        r.printTable(sc.name(), out);
        if (json != null) {
            AtomicFiles.writeString(json, r.toJson(sc.name()));
            out.println("results: " + json);
        }
        if (buf != null) {
            Trace t = buf.toTrace(sc.name() + " under " + r.policy() + " (simulated, seed " + r.seed() + ")", r.cpus(), 0, r.durationNs());
            if (buf.dropped() > 0) {
                out.println("trace: the buffer filled up at " + Durations.format(t.endNs()) + "; " + buf.dropped()
                        + " later events were dropped, so the trace ends there (shorten the run with --duration)");
            }
            if (gantt != null) {
                AtomicFiles.write(gantt, w -> SvgGanttWriter.write(t, w));
                out.println("gantt: " + gantt);
            }
            if (trace != null) {
                AtomicFiles.write(trace, w -> PerfettoTraceWriter.write(t, w));
                out.println("trace: " + trace + " (open it at ui.perfetto.dev)");
            }
        }
        return 0;
    }

    /**
     * Builds the policy {@code name} (null: the file's) with {@code params} as a run of {@code sc}
     * would. A refusal names {@code given}, the option that gave them, rather than the file,
     * unless the file's own policy and parameters are refused on their own.
     */
    private static void checkPolicy(Scenario sc, String name, Map<String, String> params, String given) {
        try {
            sc.policy(name, params);
        } catch (IllegalArgumentException e) {
            if (name == null || name.equals(sc.policy())) {
                try {
                    sc.policy(null, Map.of());
                } catch (IllegalArgumentException fileItself) {
                    throw fileItself; // the file's own parameters: its message names the file
                }
            }
            String prefix = sc.source() + ": policy: ", msg = e.getMessage();
            throw new IllegalArgumentException(given + ": " + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg), e);
        }
    }

    /** --compare: every policy checked before the first run, then one run each, side by side. */
    private int compare(Scenario sc, Long durNs) throws IOException {
        List<String> clash = new ArrayList<>();
        if (policy != null) clash.add("--policy");
        if (params != null) clash.add("--param");
        if (gantt != null) clash.add("--gantt");
        if (trace != null) clash.add("--trace");
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("--compare runs several policies and cannot be combined with " + String.join(", ", clash)
                    + "; give each policy its parameters in brackets (--compare 'fifo,rr[slice=20us]'), and draw one policy's run with --policy P --gantt OUT.svg");
        }
        Compared c = compared(sc, durNs);
        List<PolicyRegistry.Spec> specs = c.specs();
        List<String> labels = c.labels();
        Comparison done = new Comparison(sc.name(), labels);
        keeping(done, () -> {
            for (int i = 0; i < specs.size(); i++) {
                double elapsedS = (System.nanoTime() - done.startNs) / 1e9;
                if (elapsedS >= 1) System.err.printf(Locale.ROOT, "sim: %d of %d policies done in %.1f s; now %s%n", i, specs.size(), elapsedS, labels.get(i));
                done.add(sc.run(specs.get(i).name(), specs.get(i).params(), seed, durNs, TraceRecorder.OFF,
                        new SimProgress(durNs != null ? durNs : sc.durationNs(), System::nanoTime, System.err, labels.get(i))));
            }
        });
        return 0;
    }

    /**
     * Runs whose finished part is kept, reported once: whole when every run finished, or, when
     * the JVM stops or a run fails part-way, the runs that finished (a partial table, and JSON
     * marked {@code "complete": false}), so that minutes of simulation are not lost.
     */
    private abstract class Kept {
        final long startNs = System.nanoTime();
        private boolean reported;

        /** How many runs finished. */
        abstract int finished();

        /** Prints the finished runs' table on {@code out} and returns their JSON; {@code stopped}
         *  says why they are not all, or is null when they are. */
        abstract String print(PrintWriter out, String stopped) throws IOException;

        /** After a stop, which runs finished ("the 1 of 3 policies that finished"). */
        abstract String finishedText();

        /** After a stop, which did not, as a clause to append ("; not finished: cfs"), or "". */
        abstract String unfinishedText();

        /** Prints and writes the runs so far; {@code why} they are not all (with the failure's
         *  {@code error}, or null when the JVM is stopping), or null when they are. */
        final synchronized void report(String why, String error) throws IOException {
            if (reported) return;
            reported = true;
            String stopped = why == null ? null : String.format(Locale.ROOT, "%s after %.1f s%s", why,
                    (System.nanoTime() - startNs) / 1e9, error == null ? "" : ": " + error);
            if (stopped != null && finished() == 0) {
                // a failure's message follows from the command line; a stop says why nothing was kept
                if (error == null) System.err.println("skyloft: sim " + stopped + "; no run had finished, nothing to keep");
                return;
            }
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            String js = print(out, stopped);
            if (json != null) {
                try {
                    AtomicFiles.writeString(json, js);
                    if (stopped == null) out.println("results: " + json);
                } catch (IOException e) {
                    if (stopped == null) throw e;
                    System.err.println("skyloft: " + AtomicFiles.describe(e));
                }
            }
            out.flush();
            if (stopped != null) {
                System.err.println("skyloft: sim " + (error == null ? stopped : why) + "; " + finishedText() + " are above"
                        + (json == null ? "" : " and in " + json + " (marked \"complete\": false)") + unfinishedText());
            }
        }
    }

    /** Does {@code runs}, then reports them all; if the JVM stops or a run fails part-way, reports
     *  the runs that finished (then rethrows the failure). */
    private static void keeping(Kept done, Runnable runs) throws IOException {
        Thread hook = new Thread(() -> {
            try {
                done.report("stopped part-way (interrupted or killed)", null);
            } catch (IOException unreachable) {
                // a partial report says why it could not write, and throws nothing
            }
        }, "skyloft-keep-sim");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runs.run();
        } catch (RuntimeException | Error e) {
            BenchRun.removeHook(hook); // a run failed: report the runs before it, then the failure
            done.report("failed part-way", e.getMessage() != null ? e.getMessage() : e.toString());
            throw e;
        }
        BenchRun.removeHook(hook);
        done.report(null, null);
    }

    /** The policies of --compare, each with its label (the policy and the parameters it gets). */
    private record Compared(List<PolicyRegistry.Spec> specs, List<String> labels) {}

    /**
     * The entries of --compare, checked before any run: each policy and its parameters, no run
     * twice, the scenario's warnings, and admission of the tasks that exist from the start.
     */
    private Compared compared(Scenario sc, Long durNs) {
        List<PolicyRegistry.Spec> specs;
        try {
            specs = PolicyRegistry.Spec.parseList(compare);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--compare: " + e.getMessage());
        }
        // labelled with what each run gets: an entry naming the file's policy shows the file's parameters too
        List<String> labels = specs.stream().map(s -> new PolicyRegistry.Spec(s.name(), sc.paramsFor(s.name(), s.params())).toString()).toList();
        // two entries are the same run if their policies get the same parameters, defaults included
        List<Map<String, String>> runs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            PolicyRegistry.Spec s = specs.get(i);
            checkPolicy(sc, s.name(), s.params(), "--compare entry '" + s + "'");
            Map<String, String> run = new LinkedHashMap<>();
            run.put("", s.name());
            sc.effectiveParams(s.name(), s.params()).forEach((k, v) -> run.put(k, canonical(v)));
            int j = runs.indexOf(run);
            runs.add(run);
            if (j >= 0) {
                String twice = new PolicyRegistry.Spec(s.name(), sc.effectiveParams(s.name(), s.params())).toString();
                throw new IllegalArgumentException("--compare runs " + twice + " twice"
                        + (labels.get(j).equals(labels.get(i)) ? "" : " (entries '" + labels.get(j) + "' and '" + labels.get(i) + "')"));
            }
        }
        warn(specs.stream().flatMap(s -> sc.warnings(s.name(), s.params(), durNs).stream()).distinct().toList());
        // a 1-ns run admits every task that exists from the start, so a refusal comes before the first real run
        for (int i = 0; i < specs.size(); i++) {
            PolicyRegistry.Spec s = specs.get(i);
            try {
                sc.run(s.name(), s.params(), seed, 1L, TraceRecorder.OFF);
            } catch (IllegalArgumentException e) {
                Map<String, String> off = new LinkedHashMap<>(s.params());
                off.put("admission", "off");
                IllegalArgumentException hinted = admissionHint(e, s.name(), new PolicyRegistry.Spec(s.name(), off).toString());
                throw new IllegalArgumentException("--compare entry '" + labels.get(i) + "': " + hinted.getMessage(), e);
            }
        }
        return new Compared(specs, labels);
    }

    /** The runs of a comparison so far: one per policy, in order. */
    private final class Comparison extends Kept {
        final String scenario;
        final List<String> labels;
        private final List<SimResult> results = new ArrayList<>();

        Comparison(String scenario, List<String> labels) {
            this.scenario = scenario;
            this.labels = labels;
        }

        synchronized void add(SimResult r) {
            results.add(r);
        }

        @Override int finished() { return results.size(); }

        @Override String print(PrintWriter out, String stopped) {
            List<String> ran = labels.subList(0, results.size());
            SimResult.printComparison(scenario, ran, results, out);
            return SimResult.comparisonJson(scenario, ran, results, stopped);
        }

        @Override String finishedText() { return "the " + results.size() + " of " + labels.size() + " policies that finished"; }

        @Override String unfinishedText() { return "; not finished: " + String.join(", ", labels.subList(results.size(), labels.size())); }
    }

    /**
     * --loads: the scenario's Poisson streams scaled to each load in turn, every policy run at
     * every load (the policy of the file or of --policy/--param, or those of --compare), and one
     * table per task of its p99 (or CPU share) by load and policy; with --slo, each policy's
     * highest load that met it. Everything is checked before the first run.
     */
    private int sweep(Scenario sc, Long durNs) throws IOException {
        List<String> clash = new ArrayList<>();
        if (gantt != null) clash.add("--gantt");
        if (trace != null) clash.add("--trace");
        if (compare != null && policy != null) clash.add("--policy");
        if (compare != null && params != null) clash.add("--param");
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("--loads runs the scenario many times and cannot be combined with " + String.join(", ", clash)
                    + (compare != null && (policy != null || params != null) ? "; with --compare give each policy its parameters in brackets (--compare 'fifo,rr[slice=20us]')" : "")
                    + (gantt != null || trace != null ? "; draw one run with --policy P --gantt OUT.svg, and give its load in the file" : ""));
        }
        List<Double> ls = parseLoads(loads);
        LcBench.Slo target;
        try {
            target = slo == null ? null : LcBench.Slo.parse(slo);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + (slo.strip().toLowerCase(Locale.ROOT).endsWith("x") ? "" : "; or a p99 slowdown such as 10x"), e);
        }
        List<Scenario> scaled = new ArrayList<>();
        for (double l : ls) scaled.add(sc.withLoad(l, "--loads"));
        Compared c;
        if (compare != null) {
            c = compared(scaled.get(0), durNs);
        } else {
            PolicyRegistry.Spec override = policy == null ? null : policySpec();
            String name = override != null ? override.name() : sc.policy();
            Map<String, String> extra = override != null ? override.params() : PolicyRegistry.parseParams(params);
            if (policy != null || params != null) {
                checkPolicy(sc, override == null ? null : name, extra,
                        policy != null && params != null ? "--policy and --param" : params != null ? "--param" : "--policy");
            }
            warn(sc.warnings(name, extra, durNs));
            try {
                scaled.get(0).run(name, extra, seed, 1L, TraceRecorder.OFF); // admission of the tasks there from the start
            } catch (IllegalArgumentException e) {
                throw admissionHint(e, name, "--param admission=off");
            }
            c = new Compared(List.of(new PolicyRegistry.Spec(name, extra)), List.of(new PolicyRegistry.Spec(name, sc.paramsFor(name, extra)).toString()));
        }
        Sweep done = new Sweep(sc, ls, c.labels(), target);
        int runs = ls.size() * c.specs().size();
        keeping(done, () -> {
            for (int li = 0, n = 0; li < ls.size(); li++) {
                for (int pi = 0; pi < c.specs().size(); pi++, n++) {
                    String what = "load " + SimResult.loadText(ls.get(li)) + ", " + c.labels().get(pi);
                    double elapsedS = (System.nanoTime() - done.startNs) / 1e9;
                    if (elapsedS >= 1) System.err.printf(Locale.ROOT, "sim: %d of %d runs done in %.1f s; now %s%n", n, runs, elapsedS, what);
                    PolicyRegistry.Spec spec = c.specs().get(pi);
                    done.add(li, pi, scaled.get(li).run(spec.name(), spec.params(), seed, durNs, TraceRecorder.OFF,
                            new SimProgress(durNs != null ? durNs : sc.durationNs(), System::nanoTime, System.err, what)));
                }
            }
        });
        return 0;
    }

    /** --policy as given, its bracketed parameters joined by --param's; refusals name the option. */
    private PolicyRegistry.Spec policySpec() {
        PolicyRegistry.Spec override;
        try {
            override = PolicyRegistry.Spec.parse(policy);
            PolicyRegistry.info(override.name()); // the command line's name, not the file's: said so
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--policy: " + e.getMessage(), e);
        }
        return override.with(PolicyRegistry.parseParams(params), "--param");
    }

    static final int MAX_LOADS = 100;

    /** {@code 0.1,0.5,0.9}: each load above 0 and at most 10, none twice, at most {@link #MAX_LOADS}. */
    static List<Double> parseLoads(String text) {
        String allowed = "allowed loads above 0 and at most 10 (shares of the CPUs), separated by commas, e.g. 0.1,0.3,0.5,0.7,0.9";
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String t = part.strip();
            if (t.isEmpty()) throw new IllegalArgumentException("--loads '" + text + "' has an empty entry; " + allowed);
            BigDecimal v;
            try {
                v = new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--loads: '" + t + "' is not a number; " + allowed);
            }
            if (v.signum() <= 0 || v.compareTo(BigDecimal.TEN) > 0) throw new IllegalArgumentException("--loads: " + t + " is out of range; " + allowed);
            double d = v.doubleValue();
            if (out.contains(d)) throw new IllegalArgumentException("--loads: " + t + " is given twice; give each load once");
            out.add(d);
        }
        if (out.size() > MAX_LOADS) throw new IllegalArgumentException("--loads gives " + out.size() + " loads; allowed at most " + MAX_LOADS);
        return out;
    }

    /** The runs of a load sweep so far: every policy at every load, in that order. */
    private final class Sweep extends Kept {
        final Scenario sc;
        final List<Double> loads;
        final List<String> labels;
        final LcBench.Slo slo;
        private final SimResult[][] grid;
        private final List<Double> runLoads = new ArrayList<>();
        private final List<String> runLabels = new ArrayList<>();
        private final List<SimResult> runs = new ArrayList<>();

        Sweep(Scenario sc, List<Double> loads, List<String> labels, LcBench.Slo slo) {
            this.sc = sc;
            this.loads = loads;
            this.labels = labels;
            this.slo = slo;
            this.grid = new SimResult[loads.size()][labels.size()];
        }

        synchronized void add(int load, int policy, SimResult r) {
            grid[load][policy] = r;
            runLoads.add(loads.get(load));
            runLabels.add(labels.get(policy));
            runs.add(r);
        }

        /**
         * Each policy's highest load up to which every load, in increasing order, met the SLO in
         * every Poisson stream (0 if the lowest missed), over the loads run; NaN for a policy
         * with no run.
         */
        double[] maxLoads() {
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < sc.tasks().size(); i++) if (sc.tasks().get(i).atLoad() != null) streams.add(i);
            double[] out = new double[labels.size()];
            for (int pi = 0; pi < labels.size(); pi++) {
                List<double[]> curve = new ArrayList<>();
                for (int li = 0; li < loads.size(); li++) {
                    SimResult r = grid[li][pi];
                    if (r == null) continue;
                    double p99 = 0, slow = 0;
                    for (int row : streams) { // the worst stream; NaN (nothing completed) misses
                        SimResult.Row x = r.rows().get(row);
                        p99 = Double.isNaN(x.latencyP99Us()) ? Double.NaN : Math.max(p99, x.latencyP99Us());
                        slow = Double.isNaN(x.slowdownP99()) ? Double.NaN : Math.max(slow, x.slowdownP99());
                        if (Double.isNaN(p99) || Double.isNaN(slow)) break;
                    }
                    curve.add(new double[] {loads.get(li), p99, slow, 0});
                }
                out[pi] = curve.isEmpty() ? Double.NaN : LcBench.maxLoadAtSlo(curve, slo)[0];
            }
            return out;
        }

        @Override int finished() { return runs.size(); }

        @Override String print(PrintWriter out, String stopped) {
            SimResult.printSweep(sc.name(), loads, labels, grid, out);
            StringBuilder summary = new StringBuilder();
            if (slo != null) {
                double[] best = maxLoads();
                StringBuilder line = new StringBuilder("highest load at the SLO (" + slo + " in every Poisson stream, every lower load too):");
                StringBuilder js = new StringBuilder();
                for (int pi = 0; pi < labels.size(); pi++) {
                    double b = best[pi];
                    String v = Double.isNaN(b) ? "not run" : b == 0 ? "none (the lowest load missed)" : SimResult.loadText(b);
                    line.append(pi == 0 ? " " : "; ").append(labels.get(pi)).append(' ').append(v);
                    js.append(pi == 0 ? "" : ", ").append(Json.quote(labels.get(pi))).append(": ")
                      .append(Double.isNaN(b) || b == 0 ? "null" : Json.number(b, 6));
                }
                out.println(line);
                summary.append("  \"slo\": ").append(Json.quote(slo.toString())).append(",\n");
                summary.append("  \"max_load_at_slo\": {").append(js).append("},\n");
            }
            return SimResult.sweepJson(sc.name(), loads, runLabels, runLoads, runs, summary.toString(), stopped);
        }

        @Override String finishedText() { return "the " + runs.size() + " of " + loads.size() * labels.size() + " runs that finished"; }

        @Override String unfinishedText() { return ""; }
    }

    /** The scenario's warnings ({@link Scenario#warnings}), on stderr. */
    private void warn(List<String> warnings) {
        for (String w : warnings) System.err.println("skyloft: warning: " + file + ": " + w);
    }

    /** A parameter's value in one spelling: 50us and 50000ns alike, 0.95 and 0.950 alike. */
    private static String canonical(String value) {
        try {
            return Durations.parseNs("", value) + "ns";
        } catch (IllegalArgumentException notADuration) {
            try {
                return new BigDecimal(value.trim()).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException notANumber) {
                return value.trim();
            }
        }
    }

    /** {@code e} with how to turn admission off from this command line ({@code how}) if it is a
     *  refusal at admission by a policy that can turn it off. */
    static IllegalArgumentException admissionHint(IllegalArgumentException e, String policyName, String how) {
        AdmissionException refused = null;
        for (Throwable t = e; t != null && refused == null; t = t.getCause()) if (t instanceof AdmissionException a) refused = a;
        boolean canTurnOff = PolicyRegistry.names().contains(policyName)
                && PolicyRegistry.info(policyName).params().stream().anyMatch(p -> p.name().equals("admission"));
        if (refused == null || !canTurnOff) return e;
        // the policy's own bypass speaks of creating the policy; this command line sets it so
        String msg = refused.bypass() == null ? e.getMessage() : e.getMessage().replace(refused.getMessage(), refused.refusal());
        return new IllegalArgumentException(msg + "; to admit it anyway: " + how, e);
    }
}
