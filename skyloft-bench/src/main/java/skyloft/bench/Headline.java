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
 * @param figure        what is compared
 * @param skySystem     the Skyloft system that did best, or null if none ran
 * @param sky           its value (NaN if missing)
 * @param jdk           jdk-default's value (NaN if missing)
 * @param platform      platform's value (NaN if missing)
 * @param unit          unit of the three values
 * @param lowerIsBetter true for latencies and costs
 * @param target        the target in words, or "" if none
 * @param met           whether this run met the target; null if there is no target or data
 */
public record Headline(String figure, String skySystem, double sky, double jdk, double platform, String unit,
                       boolean lowerIsBetter, String target, Boolean met) {

    /** How many times better Skyloft is than {@code other} (above 1: Skyloft better); NaN if unknown. */
    public double ratio(double other) {
        if (Double.isNaN(sky) || Double.isNaN(other)) return Double.NaN;
        if (lowerIsBetter) return sky == 0 ? Double.NaN : other / sky;
        return other == 0 ? (sky > 0 ? Double.POSITIVE_INFINITY : Double.NaN) : sky / other;
    }

    public double vsJdk() { return ratio(jdk); }
    public double vsPlatform() { return ratio(platform); }

    /** "12.3x better", "2.0x worse" or "-". */
    public static String describe(double ratio) {
        if (Double.isNaN(ratio)) return "-";
        if (Double.isInfinite(ratio)) return "only skyloft meets it";
        if (ratio >= 1) return String.format(Locale.ROOT, "%.1fx better", ratio);
        return String.format(Locale.ROOT, "%.1fx worse", 1 / ratio);
    }

    static final List<String> PREEMPTIVE = List.of("rr", "cfs", "eevdf", "shinjuku", "ws", "o1", "goodness");

    /** The headline rows for whatever benchmarks are present. */
    public static List<Headline> compute(List<BenchResult> results) {
        List<Headline> out = new ArrayList<>();
        for (BenchResult r : results) {
            switch (r.benchmark()) {
                case "schbench" -> schbench(r, out);
                case "lc" -> lc(r, out);
                case Demo.COLOCATION -> colocation(r, out);
                case "pipe" -> pipe(r, out);
                case "ops" -> ops(r, out);
                default -> { }
            }
        }
        return out;
    }

    private static void schbench(BenchResult r, List<Headline> out) {
        List<Integer> counts = r.rows().stream().filter(x -> x.metric().equals("wakeup_p99_us"))
                .map(x -> ((Number) x.params().get("workers")).intValue()).distinct().sorted().toList();
        for (int w : counts) {
            Map<String, Object> p = Map.of("workers", w);
            Best b = best(r, "wakeup_p99_us", p, s -> s.equals("skyloft:cfs") || s.equals("skyloft:eevdf"), true);
            double plat = value(r, Baselines.PLATFORM, "wakeup_p99_us", p);
            double jdk = value(r, Baselines.JDK_DEFAULT, "wakeup_p99_us", p);
            Boolean met = null;
            // the target: at most 200 us, 20x below platform and far below jdk-default (read as at least 2x)
            if (b.system != null && !Double.isNaN(plat) && !Double.isNaN(jdk)) {
                met = b.value <= 200 && plat / b.value >= 20 && jdk / b.value >= 2;
            }
            out.add(new Headline("schbench wakeup p99, " + w + " workers", b.system, b.value, jdk, plat, "us", true,
                    "skyloft:cfs/eevdf <= 200 us, >= 20x lower than platform, >= 2x lower than jdk-default", met));
            // what that system paid for its wakeups in throughput (no target; shown so a loss shows)
            double rps = b.system == null ? Double.NaN : value(r, b.system, "rps", p);
            if (!Double.isNaN(rps)) {
                out.add(new Headline("schbench requests/s, " + w + " workers", b.system, rps, value(r, Baselines.JDK_DEFAULT, "rps", p),
                        value(r, Baselines.PLATFORM, "rps", p), "1/s", false, "", null));
            }
        }
    }

    private static void lc(BenchResult r, List<Headline> out) {
        boolean classes = r.rows().stream().anyMatch(x -> x.metric().equals("short_p99_us"));
        String metric = classes ? "short_p99_us" : "p99_us";
        Map<String, Object> half = Map.of("load", 0.5);
        if (r.rows().stream().anyMatch(x -> x.metric().equals(metric) && matches(x, half))) {
            Best b = best(r, metric, half, Headline::preemptive, true);
            double jdk = value(r, Baselines.JDK_DEFAULT, metric, half);
            Boolean met = b.system == null || Double.isNaN(jdk) ? null : jdk / b.value >= 10;
            out.add(new Headline("lc " + (classes ? "short-request " : "") + "p99 at 50% load (" + r.params().get("dist") + ")", b.system, b.value, jdk,
                    value(r, Baselines.PLATFORM, metric, half), "us", true, ">= 10x lower than jdk-default", met));
        }
        Best b = best(r, "max_load_at_slo", Map.of(), s -> s.startsWith("skyloft:"), false);
        double jdk = value(r, Baselines.JDK_DEFAULT, "max_load_at_slo", Map.of());
        Boolean met = b.system == null || Double.isNaN(jdk) ? null : (jdk == 0 ? b.value > 0 : b.value / jdk >= 1.2);
        out.add(new Headline("lc max load at SLO (" + r.params().get("slo") + ")", b.system, b.value, jdk,
                value(r, Baselines.PLATFORM, "max_load_at_slo", Map.of()), "load", false, ">= 1.2x jdk-default", met));
    }

    /** The service's latency beside batch hogs at 30% load (else the lowest), from Skyloft's best
     *  system, and what the hogs got on that system (no targets: the issue sets none; shown so that a
     *  loss shows). */
    private static void colocation(BenchResult r, List<Headline> out) {
        boolean classes = r.rows().stream().anyMatch(x -> x.metric().equals("short_p99_us"));
        String metric = classes ? "short_p99_us" : "p99_us";
        List<Double> loads = r.rows().stream().filter(x -> x.metric().equals(metric))
                .map(x -> ((Number) x.params().get("load")).doubleValue()).distinct().sorted().toList();
        if (loads.isEmpty()) return;
        double load = loads.contains(0.3) ? 0.3 : loads.get(0); // Skyloft's case: a service at low load leaves most of the CPUs to batch work
        Map<String, Object> at = Map.of("load", load);
        String atLoad = String.format(Locale.ROOT, " at %.0f%%", load * 100);
        Best b = best(r, metric, at, s -> s.startsWith("skyloft:"), true);
        if (b.system == null) return;
        out.add(new Headline("co-location: lc " + (classes ? "short " : "") + "p99" + atLoad + ", " + r.params().get("batch") + " hogs", b.system, b.value,
                value(r, Baselines.JDK_DEFAULT, metric, at), value(r, Baselines.PLATFORM, metric, at), "us", true, "", null));
        out.add(new Headline("co-location: the hogs' CPUs" + atLoad + " load", b.system, value(r, b.system, "batch_cpus", at),
                value(r, Baselines.JDK_DEFAULT, "batch_cpus", at), value(r, Baselines.PLATFORM, "batch_cpus", at), "CPUs", false, "", null));
    }

    private static void pipe(BenchResult r, List<Headline> out) {
        Map<String, Object> one = Map.of("carriers", 1);
        Best b = best(r, "us_per_roundtrip", one, s -> s.startsWith("skyloft:"), true);
        double plat = value(r, Baselines.PLATFORM, "us_per_roundtrip", one);
        double jdk = r.rows().stream().filter(x -> x.system().equals(Baselines.JDK_DEFAULT) && x.metric().equals("us_per_roundtrip"))
                .mapToDouble(BenchResult.Row::value).findFirst().orElse(Double.NaN);
        Boolean met = b.system == null || Double.isNaN(plat) ? null : plat / b.value >= 10;
        out.add(new Headline("pipe round trip, one carrier", b.system, b.value, jdk, plat, "us", true,
                ">= 10x faster than platform pinned to one core", met));
    }

    private static void ops(BenchResult r, List<Headline> out) {
        for (String m : List.of("yield_ns", "spawn_ns", "wakeup_p99_us")) {
            Best b = best(r, m, Map.of(), s -> s.startsWith("skyloft:"), true);
            if (b.system == null) continue;
            out.add(new Headline("ops " + m.replace('_', ' '), b.system, b.value, value(r, Baselines.JDK_DEFAULT, m, Map.of()),
                    value(r, Baselines.PLATFORM, m, Map.of()), m.endsWith("_us") ? "us" : "ns", true, "", null));
        }
    }

    static boolean preemptive(String system) {
        return system.startsWith("skyloft:") && PREEMPTIVE.contains(Sut.Policy.of(system).name());
    }

    private record Best(String system, double value) {}

    private static Best best(BenchResult r, String metric, Map<String, Object> p, java.util.function.Predicate<String> which, boolean lower) {
        String sys = null;
        double v = Double.NaN;
        for (BenchResult.Row x : r.rows()) {
            if (!x.metric().equals(metric) || !which.test(x.system()) || !matches(x, p) || Double.isNaN(x.value())) continue;
            if (sys == null || (lower ? x.value() < v : x.value() > v)) {
                sys = x.system();
                v = x.value();
            }
        }
        return new Best(sys, v);
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
