package skyloft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The headline ratios of a run: each compares Skyloft's best system on one figure with
 * jdk-default and platform measured in the same run, and says whether the project's target was
 * met <em>in this run</em> (never assumed). Computed from {@link BenchResult}s only.
 *
 * <p>A baseline is compared only where it was measured like Skyloft's row: rows that carry a
 * {@code carriers} param (pipe, ops) are matched on it, and a baseline that ran on another
 * count is left out with a note. A max load at SLO of 0 means the system missed the SLO at the
 * lowest load measured ({@code floor}); its limit is only known to lie below that load, so it
 * is compared as that bound, never as a ratio to 0.
 *
 * @param figure        what is compared
 * @param skySystem     the Skyloft system that did best, or null if none ran
 * @param sky           its value (NaN if missing)
 * @param jdk           jdk-default's value (NaN if missing or not measured like Skyloft's)
 * @param platform      platform's value (NaN if missing or not measured like Skyloft's)
 * @param unit          unit of the three values
 * @param lowerIsBetter true for latencies and costs
 * @param target        the target in words, or "" if none
 * @param met           whether this run met the target; null if there is no target or data
 * @param floor         for a max load at SLO, the lowest load measured (a 0 means "below this"); NaN otherwise
 * @param note          what else the row needs to be read right (a baseline left out, a policy credited), or ""
 */
public record Headline(String figure, String skySystem, double sky, double jdk, double platform, String unit,
                       boolean lowerIsBetter, String target, Boolean met, double floor, String note) {

    Headline(String figure, String skySystem, double sky, double jdk, double platform, String unit,
             boolean lowerIsBetter, String target, Boolean met) {
        this(figure, skySystem, sky, jdk, platform, unit, lowerIsBetter, target, met, Double.NaN, "");
    }

    /** How many times better Skyloft is than {@code other} (above 1: Skyloft better); NaN if unknown. */
    public double ratio(double other) {
        if (Double.isNaN(sky) || Double.isNaN(other)) return Double.NaN;
        if (lowerIsBetter) return sky == 0 ? Double.NaN : other / sky;
        return other == 0 ? (sky > 0 ? Double.POSITIVE_INFINITY : Double.NaN) : sky / other;
    }

    public double vsJdk() { return ratio(jdk); }
    public double vsPlatform() { return ratio(platform); }

    /** Skyloft against one baseline: the words of its cell, and {@code sign} 1 if Skyloft did better, -1 worse, 0 even or unknown. */
    public record Versus(String text, int sign) {}

    public Versus versusJdk() { return versus(jdk, Baselines.JDK_DEFAULT); }
    public Versus versusPlatform() { return versus(platform, Baselines.PLATFORM); }

    private Versus versus(double other, String name) {
        if (!Double.isNaN(floor) && !Double.isNaN(sky) && !Double.isNaN(other) && (sky == 0 || other == 0)) {
            // a 0 is "missed the SLO at the floor already": a bound below the floor, not a value
            String below = "below " + percent(floor);
            if (sky == 0 && other == 0) return new Versus("- (both " + below + ")", 0);
            if (other == 0) return new Versus(String.format(Locale.ROOT, "over %.1fx better (%s %s)", sky / floor, name, below), 1);
            return new Versus(String.format(Locale.ROOT, "over %.1fx worse (skyloft %s)", other / floor, below), -1);
        }
        double r = ratio(other);
        return new Versus(describe(r), sign(r));
    }

    /** "12.3x better", "1.04x worse", "even" (it rounds to 1.00x: a tie is no win) or "-". */
    public static String describe(double ratio) {
        if (Double.isNaN(ratio)) return "-";
        if (Double.isInfinite(ratio)) return "only skyloft meets it";
        if (ratio == 0) return "only the baseline meets it";
        int s = sign(ratio);
        if (s == 0) return "even";
        double f = s > 0 ? ratio : 1 / ratio;
        return String.format(Locale.ROOT, f < 1.1 ? "%.2fx %s" : "%.1fx %s", f, s > 0 ? "better" : "worse");
    }

    /** 1 if {@code ratio} says Skyloft did better, -1 worse, 0 if it rounds to 1.00x or is unknown. */
    public static int sign(double ratio) {
        if (Double.isNaN(ratio)) return 0;
        double f = ratio >= 1 ? ratio : 1 / ratio;
        return f < 1.005 ? 0 : ratio > 1 ? 1 : -1;
    }

    /** A load as a percentage: "10%", "12%", "2.5%". */
    static String percent(double load) {
        double pct = load * 100;
        return String.format(Locale.ROOT, Math.abs(pct - Math.rint(pct)) < 1e-6 ? "%.0f%%" : "%.1f%%", pct);
    }

    static final List<String> PREEMPTIVE = List.of("rr", "cfs", "eevdf", "shinjuku", "ws", "o1", "goodness");

    /** The cores issue 6's targets are set for. */
    static final int TARGET_CORES = 2;

    /** The headline rows for whatever benchmarks are present. A row with a target, from a run on
     *  another number of cores than the targets are set for, says so in its note. */
    public static List<Headline> compute(List<BenchResult> results) {
        List<Headline> out = new ArrayList<>();
        for (BenchResult r : results) {
            int before = out.size();
            switch (r.benchmark()) {
                case "schbench" -> schbench(r, out);
                case "lc" -> lc(r, out);
                case Demo.COLOCATION -> colocation(r, out);
                case "pipe" -> pipe(r, out);
                case "ops" -> ops(r, out);
                default -> { }
            }
            if (r.params().get("cores") instanceof Number n && n.intValue() != TARGET_CORES) {
                for (int i = before; i < out.size(); i++) {
                    Headline h = out.get(i);
                    if (h.target().isEmpty()) continue;
                    String more = "the targets are set for " + TARGET_CORES + " cores; this run used " + n.intValue();
                    out.set(i, new Headline(h.figure(), h.skySystem(), h.sky(), h.jdk(), h.platform(), h.unit(), h.lowerIsBetter(),
                            h.target(), h.met(), h.floor(), h.note().isEmpty() ? more : h.note() + "; " + more));
                }
            }
        }
        return out;
    }

    /** The worker counts the schbench target names; other counts are shown unjudged. */
    static final List<Integer> SCHBENCH_TARGET_WORKERS = List.of(4, 8);

    private static void schbench(BenchResult r, List<Headline> out) {
        List<Integer> counts = r.rows().stream().filter(x -> x.metric().equals("wakeup_p99_us"))
                .map(x -> (int) number(r, x, "workers")).distinct().sorted().toList();
        for (int w : counts) {
            Map<String, Object> p = Map.of("workers", w);
            Best b = best(r, "wakeup_p99_us", p, s -> s.equals("skyloft:cfs") || s.equals("skyloft:eevdf"), true);
            double plat = value(r, Baselines.PLATFORM, "wakeup_p99_us", p);
            double jdk = value(r, Baselines.JDK_DEFAULT, "wakeup_p99_us", p);
            boolean judged = SCHBENCH_TARGET_WORKERS.contains(w);
            Boolean met = null;
            String note = "";
            // the target, for cfs and eevdf both: at most 200 us, 20x below platform and far
            // below jdk-default (read as at least 2x); the row shows the better of the two
            // a worker that never woke in a system's window left no sample: its figure flatters it
            List<String> starved = new ArrayList<>();
            for (String sys : List.of("skyloft:cfs", "skyloft:eevdf", Baselines.JDK_DEFAULT, Baselines.PLATFORM)) {
                if (params(r, sys, "wakeup_p99_us", p).get("workers_never_woken") instanceof Number n && n.longValue() > 0) {
                    starved.add(sys + " " + n.longValue());
                }
            }
            if (judged && !Double.isNaN(plat) && !Double.isNaN(jdk)) {
                List<String> failing = new ArrayList<>();
                boolean both = true;
                for (String sys : List.of("skyloft:cfs", "skyloft:eevdf")) {
                    double v = value(r, sys, "wakeup_p99_us", p);
                    if (!(v > 0)) { both = false; continue; } // not run, or no figure: not judged
                    if (!(v <= 200 && plat / v >= 20 && jdk / v >= 2)) failing.add(sys + String.format(Locale.ROOT, " %.1f us", v));
                }
                if (both) met = failing.isEmpty();
                else note = "not judged: it needs skyloft:cfs and skyloft:eevdf both";
                if (!failing.isEmpty()) note = "missed by " + String.join(" and ", failing);
                if (Boolean.TRUE.equals(met) && !starved.isEmpty()) met = null; // a pass on figures that leave waits out proves nothing
            }
            if (!starved.isEmpty()) {
                note = (note.isEmpty() ? "" : note + "; ") + "workers that never woke in the window, their waits in no percentile: "
                        + String.join(", ", starved);
            }
            // The JIT compiling in a window takes CPU from its system (jdk-default's first run in the
            // JVM compiles the JDK's scheduler paths): a pass over a baseline slowed that way proves nothing.
            List<String> compiling = compilingInWindow(r, p);
            if (!compiling.isEmpty()) {
                boolean baseline = compiling.stream().anyMatch(c -> c.startsWith(Baselines.JDK_DEFAULT + " ") || c.startsWith(Baselines.PLATFORM + " "));
                if (Boolean.TRUE.equals(met) && baseline) met = null;
                note = (note.isEmpty() ? "" : note + "; ") + "JIT compilation over " + Math.round(JIT_SHARE * 100)
                        + "% of the window's CPU time (cores x window): " + String.join(", ", compiling) + (met == null && judged && baseline ? " (so not judged)" : "");
            }
            out.add(new Headline("schbench wakeup p99, " + w + " workers", b.system, b.value, jdk, plat, "us", true,
                    judged ? "skyloft:cfs and skyloft:eevdf each <= 200 us, >= 20x lower than platform, >= 2x lower than jdk-default" : "",
                    met, Double.NaN, note));
            // the same wakeups with the message thread's own delay in (no target): the caveat of
            // schbench's wakeup figure, which flatters a scheduler whose message thread waits
            double post = b.system == null ? Double.NaN : value(r, b.system, "post_to_run_p99_us", p);
            if (!Double.isNaN(post)) {
                out.add(new Headline("schbench post-to-run p99, " + w + " workers", b.system, post,
                        value(r, Baselines.JDK_DEFAULT, "post_to_run_p99_us", p), value(r, Baselines.PLATFORM, "post_to_run_p99_us", p),
                        "us", true, "", null));
            }
            // what that system paid for its wakeups in throughput (no target; shown so a loss shows)
            double rps = b.system == null ? Double.NaN : value(r, b.system, "rps", p);
            if (!Double.isNaN(rps)) {
                out.add(new Headline("schbench requests/s, " + w + " workers", b.system, rps, value(r, Baselines.JDK_DEFAULT, "rps", p),
                        value(r, Baselines.PLATFORM, "rps", p), "1/s", false, "", null));
            }
        }
    }

    /** The share of a schbench window's CPU time (cores x window) spent compiling above which
     *  the headline names the system, and judges no pass over it as a baseline. */
    static final double JIT_SHARE = 0.05;

    /** The judged systems (cfs, eevdf and both baselines) whose window at these params held more
     *  than {@link #JIT_SHARE} of its CPU time in JIT compilation, as "system N ms of compiler CPU"
     *  from the rows' {@code jit_cpu_ms}; results from before it (or without /proc) give
     *  {@code jit_ms}, the compilations' elapsed time, which a busy machine stretches, named as
     *  "compile time". None for results without the window's length. */
    private static List<String> compilingInWindow(BenchResult r, Map<String, Object> p) {
        if (!(r.params().get("duration_s") instanceof Number d) || !(r.params().get("warmup_s") instanceof Number wu)
                || !(r.params().get("cores") instanceof Number c)) return List.of();
        double barMs = JIT_SHARE * c.doubleValue() * (d.doubleValue() - wu.doubleValue()) * 1000;
        List<String> out = new ArrayList<>();
        for (String sys : List.of("skyloft:cfs", "skyloft:eevdf", Baselines.JDK_DEFAULT, Baselines.PLATFORM)) {
            Map<String, Object> rp = params(r, sys, "rps", p);
            if (rp.get("jit_cpu_ms") instanceof Number j) {
                if (j.doubleValue() > barMs) out.add(sys + " " + j.longValue() + " ms of compiler CPU");
            } else if (rp.get("jit_ms") instanceof Number j && j.doubleValue() > barMs) {
                out.add(sys + " " + j.longValue() + " ms of compile time");
            }
        }
        return out;
    }

    /** Both lc rows credit the best preemptive policy (fifo never preempts, so its figures are no claim for
     *  preemption), each on its own figure: the two may credit different policies, and the second says so. */
    private static void lc(BenchResult r, List<Headline> out) {
        boolean classes = r.rows().stream().anyMatch(x -> x.metric().equals("short_p99_us"));
        String metric = classes ? "short_p99_us" : "p99_us";
        Map<String, Object> half = Map.of("load", 0.5);
        String p99System = null;
        if (r.rows().stream().anyMatch(x -> x.metric().equals(metric) && matches(x, half))) {
            Best b = best(r, metric, half, Headline::preemptive, true);
            p99System = b.system;
            double jdk = value(r, Baselines.JDK_DEFAULT, metric, half);
            Boolean met = b.system == null || Double.isNaN(jdk) || !(b.value > 0) ? null : jdk / b.value >= 10;
            out.add(new Headline("lc " + (classes ? "short-request " : "") + "p99 at 50% load" + paren(r, "dist"), b.system, b.value, jdk,
                    value(r, Baselines.PLATFORM, metric, half), "us", true, ">= 10x lower than jdk-default, best preemptive policy", met));
        }
        Best b = best(r, "max_load_at_slo", Map.of(), Headline::preemptive, false);
        double jdk = value(r, Baselines.JDK_DEFAULT, "max_load_at_slo", Map.of());
        double floor = lowestLoad(r);
        String target = ">= 1.2x jdk-default, best preemptive policy";
        List<String> notes = new ArrayList<>();
        if (p99System != null && b.system != null && !p99System.equals(b.system)) notes.add("credits " + b.system + "; the p99 row credits " + p99System);
        // A figure is the highest load up to which every load met the SLO. Where the SLO was met at
        // the highest load measured, the limit is only known to be at least that; where a load above
        // a miss met it after all, the limit is not known to lie below the miss.
        Map<String, Object> jdkParams = params(r, Baselines.JDK_DEFAULT, "max_load_at_slo");
        boolean jdkOpen = jdk > 0 && jdkParams.get("highest_load") instanceof Number h && jdk >= h.doubleValue() - 1e-9;
        boolean jdkNotMonotone = jdkParams.get("met_above_a_miss") instanceof Number;
        boolean skyAtLeast = b.system != null && (b.params.get("highest_load") instanceof Number h && b.value >= h.doubleValue() - 1e-9
                || b.params.get("met_above_a_miss") instanceof Number);
        if (jdkNotMonotone) {
            notes.add("jdk-default missed the SLO at " + percent(jdk > 0 ? jdk : floor) + " or below, yet met it at "
                    + percent(((Number) jdkParams.get("met_above_a_miss")).doubleValue()) + ": its limit is not known, so not compared");
            jdk = Double.NaN;
        } else if (jdkOpen) {
            notes.add("jdk-default met the SLO at every load measured: its limit is at least " + percent(jdk) + ", so not judged");
        }
        if (skyAtLeast) notes.add(b.system + "'s limit is at least " + percent(b.value) + " (it met the SLO at a higher load, or at the highest measured)");
        Boolean met = null;
        if (b.system != null && !Double.isNaN(jdk) && !jdkOpen) {
            if (jdk > 0) {
                met = b.value / jdk >= 1.2;
            } else if (!Double.isNaN(floor)) { // jdk-default missed the SLO at the floor: its limit is somewhere below it
                met = b.value >= 1.2 * floor - 1e-9;
                target = ">= 1.2x jdk-default, which missed the SLO at " + percent(floor) + " already: >= " + percent(1.2 * floor)
                        + ", best preemptive policy";
            }
            if (Boolean.FALSE.equals(met) && skyAtLeast) met = null; // a bound that falls short says nothing
        }
        String note = String.join("; ", notes);
        out.add(new Headline("lc max load at SLO" + paren(r, "slo"), b.system, b.value, jdk,
                value(r, Baselines.PLATFORM, "max_load_at_slo", Map.of()), "load", false, target, met, floor, note));
    }

    /** " (the value of param {@code key})", or "" if the result has none (one of an older version). */
    private static String paren(BenchResult r, String key) {
        Object v = r.params().get(key);
        return v == null ? "" : " (" + v + ")";
    }

    /** The lowest load an lc result measured (its {@code loads} param, else its rows' loads); NaN if unknown. */
    static double lowestLoad(BenchResult r) {
        java.util.stream.Stream<Object> loads = r.params().get("loads") instanceof List<?> l
                ? l.stream().map(x -> (Object) x) : r.rows().stream().map(x -> x.params().get("load"));
        return loads.filter(x -> x instanceof Number).mapToDouble(x -> ((Number) x).doubleValue()).min().orElse(Double.NaN);
    }

    /** The service's latency beside batch hogs at 30% load (else the lowest), from Skyloft's best
     *  system, and what the hogs got on that system (no targets: the issue sets none; shown so that a
     *  loss shows). */
    private static void colocation(BenchResult r, List<Headline> out) {
        boolean classes = r.rows().stream().anyMatch(x -> x.metric().equals("short_p99_us"));
        String metric = classes ? "short_p99_us" : "p99_us";
        List<Double> loads = r.rows().stream().filter(x -> x.metric().equals(metric))
                .map(x -> number(r, x, "load")).distinct().sorted().toList();
        if (loads.isEmpty()) return;
        double load = loads.contains(0.3) ? 0.3 : loads.get(0); // Skyloft's case: a service at low load leaves most of the CPUs to batch work
        Map<String, Object> at = Map.of("load", load);
        String atLoad = String.format(Locale.ROOT, " at %.0f%%", load * 100);
        Best b = best(r, metric, at, s -> s.startsWith("skyloft:"), true);
        if (b.system == null) return;
        Object batch = r.params().get("batch");
        out.add(new Headline("co-location: lc " + (classes ? "short " : "") + "p99" + atLoad + (batch == null ? ", beside hogs" : ", " + batch + " hogs"), b.system, b.value,
                value(r, Baselines.JDK_DEFAULT, metric, at), value(r, Baselines.PLATFORM, metric, at), "us", true, "", null));
        out.add(new Headline("co-location: the hogs' CPUs" + atLoad + " load", b.system, value(r, b.system, "batch_cpus", at),
                value(r, Baselines.JDK_DEFAULT, "batch_cpus", at), value(r, Baselines.PLATFORM, "batch_cpus", at), "CPUs", false, "", null));
    }

    private static void pipe(BenchResult r, List<Headline> out) {
        Map<String, Object> one = Map.of("carriers", 1);
        Best b = best(r, "us_per_roundtrip", one, s -> s.startsWith("skyloft:"), true);
        double plat = value(r, Baselines.PLATFORM, "us_per_roundtrip", one);
        double jdk = value(r, Baselines.JDK_DEFAULT, "us_per_roundtrip", one);
        Boolean met = b.system == null || Double.isNaN(plat) || !(b.value > 0) ? null : plat / b.value >= 10;
        String note = notLike(r, "us_per_roundtrip", 1);
        Object pinned = params(r, Baselines.PLATFORM, "us_per_roundtrip", one).get("pinned");
        if (met != null && !(pinned instanceof String pin && pin.startsWith("both"))) {
            met = null; // the target compares with platform pinned to one core
            note = (note.isEmpty() ? "" : note + "; ") + "platform was not pinned to one core (" + pinned + "): not judged";
        }
        out.add(new Headline("pipe round trip, one carrier", b.system, b.value, jdk, plat, "us", true,
                ">= 10x faster than platform pinned to one core", met, Double.NaN, note));
    }

    /** Each figure beside the baselines measured on as many carriers as Skyloft's row (ops rows say in {@code carriers}). */
    private static void ops(BenchResult r, List<Headline> out) {
        for (String m : List.of("yield_ns", "spawn_ns", "wakeup_p99_us")) {
            Best b = best(r, m, Map.of(), s -> s.startsWith("skyloft:"), true);
            if (b.system == null) continue;
            Object carriers = b.params.get("carriers");
            Map<String, Object> like = carriers == null ? Map.of() : Map.of("carriers", carriers);
            String note = carriers == null ? "" : notLike(r, m, (int) number(r, b.row, "carriers"));
            double parked = m.equals("wakeup_p99_us") ? value(r, b.system, "wakeup_parked_p99_us", like) : Double.NaN;
            if (!Double.isNaN(parked)) { // a wakeup that found a carrier still spinning: say what a parked one costs
                note = (note.isEmpty() ? "" : note + "; ") + String.format(Locale.ROOT,
                        "skyloft's idle carrier was still spinning; parked: %.1f us (jdk-default's and platform's threads park)", parked);
            }
            out.add(new Headline("ops " + m.replace('_', ' '), b.system, b.value, value(r, Baselines.JDK_DEFAULT, m, like),
                    value(r, Baselines.PLATFORM, m, like), m.endsWith("_us") ? "us" : "ns", true, "", null, Double.NaN, note));
        }
    }

    /** Which baselines ran {@code metric} only on other carrier counts than {@code carriers}, so are left out; "" if none. */
    private static String notLike(BenchResult r, String metric, int carriers) {
        List<String> out = new ArrayList<>();
        for (String sys : List.of(Baselines.JDK_DEFAULT, Baselines.PLATFORM)) {
            if (!Double.isNaN(value(r, sys, metric, Map.of("carriers", carriers)))) continue;
            List<String> counts = r.rows().stream().filter(x -> x.system().equals(sys) && x.metric().equals(metric))
                    .map(x -> x.params().get("carriers")).filter(Objects::nonNull).map(String::valueOf).distinct().toList();
            if (!counts.isEmpty()) out.add(sys + " ran on " + String.join(" and ", counts) + " carriers only, not " + carriers + ": not compared");
        }
        return String.join("; ", out);
    }

    static boolean preemptive(String system) {
        return system.startsWith("skyloft:") && PREEMPTIVE.contains(Sut.Policy.of(system).name());
    }

    /** The best row's system, value and params (null, NaN and empty if none). */
    private record Best(String system, double value, Map<String, Object> params, BenchResult.Row row) {}

    private static Best best(BenchResult r, String metric, Map<String, Object> p, java.util.function.Predicate<String> which, boolean lower) {
        BenchResult.Row b = null;
        for (BenchResult.Row x : r.rows()) {
            if (!x.metric().equals(metric) || !which.test(x.system()) || !matches(x, p) || Double.isNaN(x.value())) continue;
            if (b == null || (lower ? x.value() < b.value() : x.value() > b.value())) b = x;
        }
        return b == null ? new Best(null, Double.NaN, Map.of(), null) : new Best(b.system(), b.value(), b.params(), b);
    }

    /** The number in param {@code key} of row {@code x} of {@code r}; throws IllegalArgumentException
     *  naming the benchmark, the row and the param if it holds none (a result from another
     *  version, or edited by hand). */
    static double number(BenchResult r, BenchResult.Row x, String key) {
        Object v = x.params().get(key);
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("the " + r.benchmark() + " row of " + x.system() + " " + x.metric() + " needs a number in its param '"
                + key + "', and has " + (v == null ? "none" : skyloft.util.Json.value(v)));
    }

    /** The params of {@code system}'s {@code metric} row (matching {@code p}), or an empty map. */
    static Map<String, Object> params(BenchResult r, String system, String metric, Map<String, Object> p) {
        for (BenchResult.Row x : r.rows()) {
            if (x.system().equals(system) && x.metric().equals(metric) && matches(x, p)) return x.params();
        }
        return Map.of();
    }

    static Map<String, Object> params(BenchResult r, String system, String metric) {
        return params(r, system, metric, Map.of());
    }

    static double value(BenchResult r, String system, String metric, Map<String, Object> p) {
        for (BenchResult.Row x : r.rows()) {
            if (x.system().equals(system) && x.metric().equals(metric) && matches(x, p)) return x.value();
        }
        return Double.NaN;
    }

    private static boolean matches(BenchResult.Row x, Map<String, Object> p) {
        for (var e : p.entrySet()) {
            Object v = x.params().get(e.getKey());
            if (v instanceof Number n && e.getValue() instanceof Number m) {
                if (Math.abs(n.doubleValue() - m.doubleValue()) > 1e-9) return false;
            } else if (!Objects.equals(v, e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
