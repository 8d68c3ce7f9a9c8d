package skyloft.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import skyloft.util.Json;
import skyloft.util.Xml;

/**
 * The HTML report: one self-contained page (inline SVG plots, inline CSS, no scripts, nothing
 * fetched) with the machine, the JDK and the parameters, the headline table, latency vs load per
 * system, wakeup-latency percentiles, pipe round trips, the ops table and every raw row. Every
 * number comes from the {@link BenchResult}s passed in; where Skyloft loses, the table says so.
 */
public final class Report {
    private Report() {}

    /** The key of the load average that {@link #machine} reads when called. */
    public static final String LOAD_AT_END = "system load average at the end";

    /** The key of the fact that names one core count for every system. */
    public static final String CORES_FACT = "cores used by every system";
    /** The key of the build (commit) that measured the figures. */
    public static final String BUILD_FACT = "build (commit)";

    /** The machine and run facts the report states. */
    public static Map<String, String> machine(int cores) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("date (UTC)", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("OS", RunFacts.os());
        m.put("CPUs visible to the JVM", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put(CORES_FACT, Integer.toString(cores));
        m.put("JDK", RunFacts.jdk());
        m.put(BUILD_FACT, RunFacts.build() != null ? RunFacts.build() : "not known (only the ./skyloft launcher of a git checkout names its commit)");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) m.put(LOAD_AT_END, String.format(Locale.ROOT, "%.2f", load));
        return m;
    }

    /**
     * Null if the report can show {@code r}, else why not: a row that lacks a param its tables or
     * the headline read (a result from another version, or edited by hand), a system name that is
     * no {@code skyloft:<policy>[k=v]}. For {@code skyloft report}, which leaves such a result out
     * and says so rather than failing on it.
     */
    public static String check(BenchResult r) {
        try {
            html("check", new LinkedHashMap<>(), List.of(r), null);
            Demo.machineNoise(List.of(r));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (RuntimeException e) { // not foreseen: still the file's, not the report's end
            return "the report cannot show its rows (" + e + ")";
        }
    }

    public static void write(Path file, String title, Map<String, String> machine, List<BenchResult> results, String note) throws IOException {
        AtomicFiles.writeString(file, html(title, machine, results, note));
    }

    public static String html(String title, Map<String, String> machine, List<BenchResult> results, String note) {
        var sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n<style>")
          .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}th{background:#f0f0f0}td.l,th.l{text-align:left}")
          .append(".win{background:#e3f5e3}.lose{background:#fbe3e3}.note{color:#555;font-size:13px}svg{background:#fff;border:1px solid #ddd;margin:.5em 0}")
          .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (note != null && !note.isBlank()) sb.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        sb.append("<h2>Machine and run</h2>\n<table>");
        machine.forEach((k, v) -> sb.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(v)).append("</td></tr>"));
        sb.append("</table>\n");

        List<Headline> hs = Headline.compute(results);
        sb.append("<h2>Headline</h2>\n").append(headlineTable(hs));
        sb.append("<p class=\"note\">Ratios are jdk-default (or platform) divided by Skyloft for latencies and costs, Skyloft divided by the baseline for loads;"
                + " green: Skyloft better, red: Skyloft worse, plain: even (within 0.5%) or not compared. A max load of 0 missed the SLO at the lowest"
                + " load measured, so it is compared as a bound below that load. A baseline is compared only where it ran on as many carriers as"
                + " Skyloft's figure. A target is marked met only if this run met it.</p>\n");

        for (BenchResult r : results) {
            sb.append("<h2 id=\"").append(esc(r.benchmark())).append("\">").append(esc(r.benchmark())).append("</h2>\n");
            sb.append("<p class=\"note\">parameters: ").append(esc(r.params().toString())).append("</p>\n");
            switch (r.benchmark()) {
                case "lc" -> {
                    sb.append(lineChart("lc: p99 latency vs load (all requests)", r, "p99_us"));
                    if (r.rows().stream().anyMatch(x -> x.metric().equals("short_p99_us"))) {
                        sb.append(lineChart("lc: p99 latency vs load (short requests)", r, "short_p99_us"));
                    }
                    sb.append(pivot(r, "max_load_at_slo", null));
                    sb.append(pivot(r, "p99_us", "load")).append(pivot(r, "p99_pooled_us", "load"));
                    if (r.rows().stream().anyMatch(x -> x.metric().equals("p99_pooled_us"))) {
                        sb.append("<p class=\"note\">p99_us is the median of the windows' own p99s (the SLO is judged on it); "
                                + "p99_pooled_us pools every window's requests, so one stall of the machine in one window shows there.</p>\n");
                    }
                    sb.append(pivot(r, "short_tail_queue_us", "load")).append(pivot(r, "short_tail_stretch_us", "load"))
                      .append(pivot(r, "short_tail_dispatch_us", "load"));
                }
                case Demo.COLOCATION -> {
                    Object threads = r.params().get("batch_threads");
                    sb.append("<p class=\"note\">lc with batch hogs beside the service on every system")
                      .append(threads == null ? "" : " (" + esc(String.valueOf(threads)) + ")").append(".</p>\n");
                    if (r.rows().stream().filter(x -> x.metric().equals("p99_us")).map(x -> x.params().get("load")).distinct().count() > 1) {
                        sb.append(lineChart("co-location: p99 latency vs load (all requests)", r, "p99_us"));
                    }
                    sb.append(pivot(r, "short_p99_us", "load")).append(pivot(r, "p99_us", "load")).append(pivot(r, "batch_cpus", "load"))
                      .append(pivot(r, "achieved_rps", "load"));
                }
                case "schbench" -> {
                    sb.append(barChart("schbench: wakeup p99 by workers", r, "wakeup_p99_us", "workers"));
                    sb.append(pivot(r, "wakeup_p50_us", "workers")).append(pivot(r, "wakeup_p99_us", "workers"));
                    sb.append("<p class=\"note\">post_to_run: from a worker's post to the message thread to its first instruction"
                            + " after the wakeup that follows, so the message thread's own wait is in it, which the wakeup figure leaves out.</p>\n");
                    sb.append(pivot(r, "post_to_run_p99_us", "workers"))
                      .append(pivot(r, "request_p99_us", "workers")).append(pivot(r, "rps", "workers"));
                }
                case "pipe" -> {
                    sb.append(barChart("pipe: us per round trip by carriers", r, "us_per_roundtrip", "carriers"));
                    sb.append(pivot(r, "us_per_roundtrip", "carriers"));
                }
                case "ops", "capacity" -> sb.append(opsTable(r));
                case "pick" -> {
                    sb.append(barChart("pick: ns per scheduling decision by runnable tasks (one CPU, no threads)", r, "ns_per_op", "runnable"));
                    sb.append(pivot(r, "ns_per_op", "runnable"));
                }
                default -> { }
            }
            sb.append("<details><summary>all ").append(r.rows().size()).append(" rows</summary>\n").append(rowsTable(r)).append("</details>\n");
        }
        sb.append("<p class=\"note\">Written by skyloft demo / bench; the JSON rows of each benchmark are beside this file.</p>\n</body></html>\n");
        return sb.toString();
    }

    static String headlineTable(List<Headline> hs) {
        var sb = new StringBuilder("<table><tr><th class=\"l\">figure</th><th class=\"l\">best skyloft</th><th>skyloft</th><th>jdk-default</th><th>vs jdk-default</th>"
                + "<th>platform</th><th>vs platform</th><th class=\"l\">target</th><th>met in this run</th></tr>\n");
        for (Headline h : hs) {
            sb.append("<tr><td class=\"l\">").append(esc(h.figure())).append("</td><td class=\"l\">").append(esc(h.skySystem() == null ? "-" : h.skySystem()))
              .append("</td><td>").append(esc(withUnit(h.sky(), h.unit()))).append("</td><td>").append(num(h.jdk()))
              .append("</td>").append(ratioCell(h.versusJdk())).append("<td>").append(num(h.platform())).append("</td>").append(ratioCell(h.versusPlatform()))
              .append("<td class=\"l\">").append(esc(h.target()));
            if (!h.note().isEmpty()) sb.append(h.target().isEmpty() ? "" : "<br>").append("<span class=\"note\">").append(esc(h.note())).append("</span>");
            sb.append("</td><td>")
              .append(h.met() == null ? "-" : h.met() ? "yes" : "<b>no</b>").append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** Green where Skyloft did better, red where worse, plain for a tie or an unknown. */
    private static String ratioCell(Headline.Versus v) {
        String cls = v.sign() > 0 ? " class=\"win\"" : v.sign() < 0 ? " class=\"lose\"" : "";
        return "<td" + cls + ">" + esc(v.text()) + "</td>";
    }

    /** A table of one metric: systems down, the values of {@code key} across (or one column). */
    static String pivot(BenchResult r, String metric, String key) {
        Map<String, Map<String, Double>> t = new LinkedHashMap<>();
        Set<String> cols = new LinkedHashSet<>();
        String unit = "";
        for (BenchResult.Row x : r.rows()) {
            if (!x.metric().equals(metric)) continue;
            unit = x.unit();
            String c = key == null ? metric : key + "=" + Json.value(x.params().get(key));
            cols.add(c);
            t.computeIfAbsent(x.system(), s -> new LinkedHashMap<>()).put(c, x.value());
        }
        if (t.isEmpty()) return "";
        var sb = new StringBuilder("<table><tr><th class=\"l\">").append(esc(metric)).append(" (").append(esc(unit)).append(")</th>");
        for (String c : cols) sb.append("<th>").append(esc(c)).append("</th>");
        sb.append("</tr>\n");
        t.forEach((sys, vals) -> {
            sb.append("<tr><td class=\"l\">").append(esc(sys)).append("</td>");
            for (String c : cols) sb.append("<td>").append(num(vals.getOrDefault(c, Double.NaN))).append("</td>");
            sb.append("</tr>\n");
        });
        return sb.append("</table>\n").toString();
    }

    /** Metrics down, systems across: the ops cost table, and the capacity figures. A metric that one system
     *  has more than once (ops' wake_after_idle_* at idle_us 100 and 1000; jdk-default's yield_ns at
     *  its parallelism and on one carrier) gets a line per value of the params that tell those rows
     *  apart; a row that has none of those params goes on its metric's first line. */
    static String opsTable(BenchResult r) {
        List<String> systems = new ArrayList<>();
        Map<String, List<String>> keysOf = new LinkedHashMap<>();
        Map<String, Map<String, Double>> lines = new LinkedHashMap<>(); // line -> system -> value
        for (BenchResult.Row x : r.rows()) {
            if (!systems.contains(x.system())) systems.add(x.system());
            List<String> keys = keysOf.computeIfAbsent(x.metric(), m -> distinguishingParams(r, m));
            boolean hasKey = keys.stream().anyMatch(x.params()::containsKey);
            String label = label(x, keys);
            String line = x.metric() + (label.isEmpty() ? "" : " (" + label + ")");
            if (!hasKey && !keys.isEmpty()) { // the metric's first line, whatever its params
                line = lines.keySet().stream().filter(l -> l.startsWith(x.metric() + " (")).findFirst().orElse(line);
            }
            lines.computeIfAbsent(line, l -> new LinkedHashMap<>()).putIfAbsent(x.system(), x.value());
        }
        var sb = new StringBuilder("<table><tr><th class=\"l\">mechanism</th>");
        for (String s : systems) sb.append("<th>").append(esc(s)).append("</th>");
        sb.append("</tr>\n");
        lines.forEach((line, values) -> {
            sb.append("<tr><td class=\"l\">").append(esc(line)).append("</td>");
            for (String s : systems) sb.append("<td>").append(num(values.getOrDefault(s, Double.NaN))).append("</td>");
            sb.append("</tr>\n");
        });
        return sb.append("</table>\n").toString();
    }

    /** A measurement's spread, never what tells two configurations apart. */
    private static final Set<String> SPREAD = Set.of("min", "max", "runs", "samples");

    /** The fewest params whose values tell apart the rows of {@code metric} that one system has more
     *  than once; empty if no system has it twice. {@code carriers} is tried first, then the others
     *  by how few values they take (in the order the rows name them where equal), never the spread
     *  of a measurement. */
    static List<String> distinguishingParams(BenchResult r, String metric) {
        List<BenchResult.Row> rows = r.rows().stream().filter(x -> x.metric().equals(metric)).toList();
        Set<String> named = new LinkedHashSet<>();
        for (BenchResult.Row x : rows) named.addAll(x.params().keySet());
        named.removeAll(SPREAD);
        List<String> candidates = new ArrayList<>(named);
        candidates.sort(java.util.Comparator.comparing((String k) -> !k.equals("carriers"))
                .thenComparingLong(k -> rows.stream().map(x -> String.valueOf(x.params().get(k))).distinct().count()));
        List<String> keys = new ArrayList<>();
        for (String k : candidates) {
            if (told(rows, keys) == rows.size()) break;
            List<String> more = new ArrayList<>(keys);
            more.add(k);
            if (told(rows, more) > told(rows, keys)) keys = more;
        }
        return keys;
    }

    /** How many of {@code rows} are told apart by system and the values of {@code keys}. */
    private static int told(List<BenchResult.Row> rows, List<String> keys) {
        Set<String> seen = new LinkedHashSet<>();
        for (BenchResult.Row x : rows) seen.add(x.system() + "\u0000" + label(x, keys));
        return seen.size();
    }

    private static String label(BenchResult.Row x, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) if (x.params().containsKey(k)) parts.add(k + "=" + Json.value(x.params().get(k)));
        return String.join(", ", parts);
    }

    static String rowsTable(BenchResult r) {
        var sb = new StringBuilder("<table><tr><th class=\"l\">system</th><th class=\"l\">metric</th><th>value</th><th class=\"l\">unit</th><th class=\"l\">params</th></tr>\n");
        for (BenchResult.Row x : r.rows()) {
            sb.append("<tr><td class=\"l\">").append(esc(x.system())).append("</td><td class=\"l\">").append(esc(x.metric())).append("</td><td>")
              .append(num(x.value())).append("</td><td class=\"l\">").append(esc(x.unit())).append("</td><td class=\"l\">")
              .append(esc(x.params().isEmpty() ? "" : Json.object(x.params()))).append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2", "#bcbd22", "#7f7f7f", "#aec7e8"};

    /** One colour per system across every plot: baselines dark, policies by registry order. */
    static String color(List<String> systems, String s) {
        if (s.equals(Baselines.JDK_DEFAULT)) return "#222222";
        if (s.equals(Baselines.PLATFORM)) return "#8c564b";
        if (s.equals(Baselines.CONTINUATION)) return "#999999";
        int i = s.startsWith("skyloft:") ? skyloft.policy.PolicyRegistry.names().indexOf(Sut.Policy.of(s).name()) : -1;
        if (i < 0) i = Math.max(0, systems.indexOf(s));
        return COLORS[i % COLORS.length];
    }

    /** p99-style metric vs load, one line per system, log-scaled y. */
    static String lineChart(String title, BenchResult r, String metric) {
        Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
        for (BenchResult.Row x : r.rows()) {
            if (!x.metric().equals(metric) || !(x.params().get("load") instanceof Number l) || Double.isNaN(x.value()) || x.value() <= 0) continue;
            series.computeIfAbsent(x.system(), s -> new TreeMap<>()).put(l.doubleValue(), x.value());
        }
        if (series.isEmpty()) return "";
        double slo = r.params().get("slo_us") instanceof Number n ? n.doubleValue() : Double.NaN;
        double xmin = Double.MAX_VALUE, xmax = 0, ymin = Double.MAX_VALUE, ymax = 0;
        for (var s : series.values()) {
            xmin = Math.min(xmin, s.firstKey());
            xmax = Math.max(xmax, s.lastKey());
            for (double v : s.values()) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); }
        }
        if (xmax <= xmin) { xmin -= 0.05; xmax += 0.05; }
        if (slo > 0) { ymin = Math.min(ymin, slo); ymax = Math.max(ymax, slo); }
        Axis y = Axis.log(ymin, ymax);
        int w = 760, h = 380, l = 70, rt = 170, tp = 30, bt = 45;
        int pw = w - l - rt, ph = h - tp - bt;
        var sb = new StringBuilder();
        sb.append(svgOpen(w, h, title));
        frame(sb, l, tp, pw, ph, y, "latency (us, log)");
        final double x0 = xmin, x1 = xmax;
        for (int i = 0; i <= 10; i++) {
            double lv = x0 + (x1 - x0) * i / 10;
            double px = l + pw * (lv - x0) / (x1 - x0);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.0f%%</text>", px, tp + ph + 15, lv * 100));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">load (fraction of capacity)</text>", l + pw / 2, h - 8));
        if (slo > 0) {
            double py = tp + ph - ph * y.frac(slo);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-dasharray=\"6,4\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#d62728\">SLO %s us</text>", l, l + pw, py, py, l + 4, py - 4, num(slo)));
        }
        List<String> systems = new ArrayList<>(series.keySet());
        int li = 0;
        for (var e : series.entrySet()) {
            String c = color(systems, e.getKey());
            var pts = new StringBuilder();
            for (var p : e.getValue().entrySet()) {
                double px = l + pw * (p.getKey() - x0) / (x1 - x0), py = tp + ph - ph * y.frac(p.getValue());
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, py, c));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(c).append("\" points=\"").append(pts.toString().trim()).append("\"/>");
            legend(sb, l + pw + 10, tp + 10 + 18 * li++, c, e.getKey());
        }
        return sb.append("</svg>\n").toString();
    }

    /** Grouped bars: one group per value of {@code key}, one bar per system, log-scaled y. */
    static String barChart(String title, BenchResult r, String metric, String key) {
        Map<String, Map<String, Double>> groups = new TreeMap<>();
        List<String> systems = new ArrayList<>();
        double ymin = Double.MAX_VALUE, ymax = 0;
        for (BenchResult.Row x : r.rows()) {
            if (!x.metric().equals(metric) || Double.isNaN(x.value()) || x.value() <= 0) continue;
            String g = key + "=" + Json.value(x.params().get(key));
            groups.computeIfAbsent(g, k -> new LinkedHashMap<>()).put(x.system(), x.value());
            if (!systems.contains(x.system())) systems.add(x.system());
            ymin = Math.min(ymin, x.value());
            ymax = Math.max(ymax, x.value());
        }
        if (groups.isEmpty()) return "";
        Axis y = Axis.log(ymin, ymax);
        int w = 760, h = 380, l = 70, rt = 170, tp = 30, bt = 45;
        int pw = w - l - rt, ph = h - tp - bt;
        var sb = new StringBuilder(svgOpen(w, h, title));
        frame(sb, l, tp, pw, ph, y, metric);
        double gw = (double) pw / groups.size(), bw = gw * 0.8 / systems.size();
        int gi = 0;
        for (var g : groups.entrySet()) {
            double gx = l + gi * gw + gw * 0.1;
            for (int si = 0; si < systems.size(); si++) {
                Double v = g.getValue().get(systems.get(si));
                if (v == null) continue;
                double bh = Math.max(1, ph * y.frac(v));
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                        gx + si * bw, tp + ph - bh, Math.max(1, bw - 1), bh, color(systems, systems.get(si)), esc(systems.get(si)), esc(g.getKey()), num(v)));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", l + gi * gw + gw / 2, tp + ph + 16, esc(g.getKey())));
            gi++;
        }
        for (int si = 0; si < systems.size(); si++) legend(sb, l + pw + 10, tp + 10 + 18 * si, color(systems, systems.get(si)), systems.get(si));
        return sb.append("</svg>\n").toString();
    }

    /** A log-scaled axis over whole decades. */
    record Axis(double lo, double hi) {
        static Axis log(double min, double max) {
            double lo = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-9))));
            double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, lo * 10))));
            if (hi <= lo) hi = lo * 10;
            return new Axis(lo, hi);
        }

        double frac(double v) {
            return Math.max(0, Math.min(1, (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))));
        }
    }

    private static String svgOpen(int w, int h, String title) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\">"
                + "<title>" + esc(title) + "</title><text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">" + esc(title) + "</text>";
    }

    private static void frame(StringBuilder sb, int l, int tp, int pw, int ph, Axis y, String yLabel) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>", l, tp, pw, ph));
        for (double d = y.lo(); d <= y.hi() * 1.0001; d *= 10) {
            double py = tp + ph - ph * y.frac(d);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", l, l + pw, py, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", l - 4, py + 4, decade(d)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>",
                tp + ph / 2, tp + ph / 2, esc(yLabel)));
    }

    private static void legend(StringBuilder sb, int x, int y, String color, String label) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>",
                x, y - 10, color, x + 16, y, esc(label)));
    }

    /** A decade tick: 0.01, 0.1, 1, 10, 100, 1k, 10k, 100k, 1M, ... */
    static String decade(double d) {
        if (d >= 1e6) return Math.round(d / 1e6) + "M";
        if (d >= 1e3) return Math.round(d / 1e3) + "k";
        if (d >= 1) return Long.toString(Math.round(d));
        return String.format(Locale.ROOT, "%.3g", d);
    }

    /** A value and its unit; "-" alone for a missing value. */
    public static String withUnit(double v, String unit) {
        return Double.isNaN(v) || unit == null || unit.isEmpty() ? num(v) : num(v) + " " + unit;
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return "inf";
        double a = Math.abs(v);
        if (a >= 100_000) return String.format(Locale.ROOT, "%.3g", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return Xml.escape(s);
    }
}
