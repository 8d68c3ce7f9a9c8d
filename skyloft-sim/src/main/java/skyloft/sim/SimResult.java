package skyloft.sim;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import skyloft.util.Durations;
import skyloft.util.Json;

/**
 * The numbers of one simulated run: a row per workload entry, the host's counters, and how to
 * print them as a table or as JSON. Every number here is simulated, never measured.
 *
 * @param policy     the policy's name
 * @param cpus       number of CPUs
 * @param durationNs length of the run
 * @param seed       the seed
 * @param rows       one per workload entry, in scenario order
 * @param counters   host counters ({@link Simulator#counters()})
 * @param params     the policy's parameters, as the run's caller knows them (a scenario: its
 *                   defaults with the given ones over them); empty if unknown
 * @param costs      the modelled costs of the run
 */
public record SimResult(String policy, int cpus, long durationNs, long seed, List<Row> rows, Map<String, Long> counters,
                        Map<String, String> params, CostModel costs) {

    public SimResult {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * One workload entry. Latencies are response times (release or arrival to completion) of
     * completed jobs; {@code cpuShare} is the entry's CPU time over {@code cpus x duration};
     * {@code firstMissNs} is -1 when there was no miss.
     */
    public record Row(String name, int tasks, double cpuShare, long released, long completed,
                      double latencyMeanUs, double latencyP50Us, double latencyP99Us, double latencyP999Us, double latencyMaxUs,
                      double slowdownMean, double slowdownP99, long deadlineMisses, long firstMissNs) {}

    /** Percentiles are clamped to the exact maximum: the histogram reports the top of a value's
     *  bucket, which can lie above the largest value recorded. */
    static SimResult of(Simulator sim, long seed) {
        List<Row> rows = new ArrayList<>();
        double capacity = (double) sim.cpus() * sim.endNs();
        for (Workload w : sim.workloads()) {
            WorkloadStats s = w.stats;
            boolean any = s.completed > 0;
            rows.add(new Row(w.name(), s.tasks, s.cpuNs / capacity, s.released, s.completed,
                    any ? s.latencySumNs / 1e3 / s.completed : Double.NaN,
                    any ? Math.min(s.latencyNs.getValueAtPercentile(50), s.latencyMaxNs) / 1e3 : Double.NaN,
                    any ? Math.min(s.latencyNs.getValueAtPercentile(99), s.latencyMaxNs) / 1e3 : Double.NaN,
                    any ? Math.min(s.latencyNs.getValueAtPercentile(99.9), s.latencyMaxNs) / 1e3 : Double.NaN,
                    any ? s.latencyMaxNs / 1e3 : Double.NaN,
                    any ? s.slowdownSum / s.completed : Double.NaN,
                    any ? Math.min(s.slowdownMilli.getValueAtPercentile(99), s.slowdownMaxMilli) / 1e3 : Double.NaN,
                    s.misses, s.firstMissNs));
        }
        return new SimResult(sim.policy().name(), sim.cpus(), sim.endNs(), seed, List.copyOf(rows), sim.counters(), Map.of(), sim.costs());
    }

    /** This result, recording that the policy ran with {@code ps}. */
    public SimResult withParams(Map<String, String> ps) {
        return new SimResult(policy, cpus, durationNs, seed, rows, counters, ps, costs);
    }

    /** The policy as command lines write it, with its parameters: {@code rr[slice=50us]}. */
    public String policySpec() {
        if (params.isEmpty()) return policy;
        StringJoiner j = new StringJoiner(",", policy + "[", "]");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** The costs that are not zero, as {@code --costs} writes them ({@code lock=500ns,switch=110ns}),
     *  or "none"; the idle spin only with a wake cost, as it matters only then. */
    static String costsText(CostModel c) {
        StringJoiner j = new StringJoiner(",");
        j.setEmptyValue("none");
        long[] v = {c.switchNs(), c.preemptDelayNs(), c.migrationNs(), c.lockNs(), c.wakeNs()};
        String[] names = {"switch", "preempt_delay", "migration", "lock", "wake"};
        for (int i = 0; i < v.length; i++) if (v[i] != 0) j.add(names[i] + "=" + Durations.format(v[i]));
        if (c.wakeNs() != 0) {
            j.add("idle_spin=" + Durations.format(c.idleSpinMinNs())
                    + (c.idleSpinMaxNs() == c.idleSpinMinNs() ? "" : ".." + Durations.format(c.idleSpinMaxNs())));
        }
        return j.toString();
    }

    /** The row named {@code name}. */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload '" + name + "'; have " + rows.stream().map(Row::name).toList()));
    }

    /** A human-readable table, one line per workload entry. */
    public void printTable(String title, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: policy %s, %d CPU%s, %s simulated, seed %d, costs %s (simulated numbers, not measurements)%n",
                title, policySpec(), cpus, cpus == 1 ? "" : "s", Durations.format(durationNs), seed, costsText(costs));
        String fmt = "%-16s %6s %7s %9s %9s %9s %9s %9s %8s %7s %10s%n";
        out.printf(Locale.ROOT, fmt, "task", "cpu%", "done", "p50", "p99", "p99.9", "max", "mean", "slow99", "misses", "first miss");
        for (Row r : rows) printRow(out, fmt, r, clip(r.name()));
        StringBuilder c = new StringBuilder("host:");
        counters.forEach((k, v) -> c.append(' ').append(k).append('=').append(v));
        out.println(c);
        out.flush();
    }

    /**
     * Several runs of one scenario side by side: a line per workload entry and run, grouped by
     * entry, then each run's host counters. {@code labels} name the runs (the policies as the
     * user wrote them). The runs must share their CPUs, duration and seed.
     */
    public static void printComparison(String title, List<String> labels, List<SimResult> results, PrintWriter out) {
        checkSameLength(labels, results);
        SimResult first = results.get(0);
        for (SimResult r : results) {
            if (r.cpus != first.cpus || r.durationNs != first.durationNs || r.seed != first.seed || !r.costs.equals(first.costs)
                    || !r.rows.stream().map(Row::name).toList().equals(first.rows.stream().map(Row::name).toList())) {
                throw new IllegalArgumentException("runs to compare must share CPUs, duration, seed, costs and workload entries");
            }
        }
        out.printf(Locale.ROOT, "%s: %d polic%s, %d CPU%s, %s simulated, seed %d, costs %s (simulated numbers, not measurements)%n",
                title, results.size(), results.size() == 1 ? "y" : "ies", first.cpus, first.cpus == 1 ? "" : "s",
                Durations.format(first.durationNs), first.seed, costsText(first.costs));
        int w = Math.max(6, labels.stream().mapToInt(String::length).max().orElse(0));
        String fmt = "%-16s %-" + w + "s %6s %7s %9s %9s %9s %9s %9s %8s %7s %10s%n";
        out.printf(Locale.ROOT, fmt, "task", "policy", "cpu%", "done", "p50", "p99", "p99.9", "max", "mean", "slow99", "misses", "first miss");
        for (int row = 0; row < first.rows.size(); row++) {
            for (int i = 0; i < results.size(); i++) {
                Row r = results.get(i).rows.get(row);
                printRow(out, fmt, r, i == 0 ? clip(r.name()) : "", labels.get(i));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            StringBuilder c = new StringBuilder("host under ").append(labels.get(i)).append(':');
            results.get(i).counters.forEach((k, v) -> c.append(' ').append(k).append('=').append(v));
            out.println(c);
        }
        out.flush();
    }

    /**
     * A load sweep: for each workload entry, a line per policy with a column per load: the p99
     * latency for an entry that completes jobs under some run, else its CPU share in percent.
     * {@code grid[load][policy]} is null for a run that did not happen (a sweep cut short). The
     * runs must share their CPUs, duration, seed and costs.
     */
    public static void printSweep(String title, List<Double> loads, List<String> labels, SimResult[][] grid, PrintWriter out) {
        SimResult first = null;
        for (SimResult[] byPolicy : grid) for (SimResult r : byPolicy) if (r != null && first == null) first = r;
        if (first == null) throw new IllegalArgumentException("no run to print");
        StringJoiner ls = new StringJoiner(", ");
        for (double l : loads) ls.add(loadText(l));
        out.printf(Locale.ROOT, "%s: Poisson streams at loads %s of %d CPU%s, %d polic%s, %s simulated each, seed %d, costs %s (simulated numbers, not measurements)%n",
                title, ls, first.cpus, first.cpus == 1 ? "" : "s", labels.size(), labels.size() == 1 ? "y" : "ies",
                Durations.format(first.durationNs), first.seed, costsText(first.costs));
        int w = Math.max(6, labels.stream().mapToInt(String::length).max().orElse(0));
        for (int row = 0; row < first.rows.size(); row++) {
            boolean latency = false;
            for (SimResult[] byPolicy : grid) for (SimResult r : byPolicy) if (r != null && r.rows.get(row).completed() > 0) latency = true;
            out.println(first.rows.get(row).name() + (latency ? ": p99 latency" : ": CPU share, %"));
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-" + w + "s", "policy"));
            for (double l : loads) head.append(String.format(Locale.ROOT, " %9s", loadText(l)));
            out.println(head);
            for (int i = 0; i < labels.size(); i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-" + w + "s", labels.get(i)));
                for (SimResult[] byPolicy : grid) {
                    SimResult r = byPolicy[i];
                    String cell = r == null ? "" : latency ? us(r.rows.get(row).latencyP99Us())
                            : String.format(Locale.ROOT, "%.1f", 100 * r.rows.get(row).cpuShare());
                    line.append(String.format(Locale.ROOT, " %9s", cell));
                }
                out.println(line.toString().stripTrailing());
            }
        }
        out.flush();
    }

    /** A load as the sweep's columns show it: up to three decimals, no trailing zeros. */
    public static String loadText(double load) {
        return java.math.BigDecimal.valueOf(load).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** One table line: {@code lead} (the task's name, and the policy's when comparing), then the row's figures. */
    private static void printRow(PrintWriter out, String fmt, Row r, String... lead) {
        Object[] cells = {String.format(Locale.ROOT, "%.1f", 100 * r.cpuShare()), r.completed(),
                us(r.latencyP50Us()), us(r.latencyP99Us()), us(r.latencyP999Us()), us(r.latencyMaxUs()), us(r.latencyMeanUs()),
                Double.isNaN(r.slowdownP99()) ? "-" : String.format(Locale.ROOT, "%.2f", r.slowdownP99()),
                r.deadlineMisses(), r.firstMissNs() < 0 ? "-" : Durations.format(r.firstMissNs())};
        Object[] all = new Object[lead.length + cells.length];
        System.arraycopy(lead, 0, all, 0, lead.length);
        System.arraycopy(cells, 0, all, lead.length, cells.length);
        out.printf(Locale.ROOT, fmt, all);
    }

    private static void checkSameLength(List<String> labels, List<SimResult> results) {
        if (results.isEmpty() || labels.size() != results.size()) {
            throw new IllegalArgumentException("need one label per run and at least one run; got " + labels.size() + " labels for " + results.size() + " runs");
        }
    }

    private static String clip(String s) {
        return s.length() <= 16 ? s : s.substring(0, 15) + "~";
    }

    /** A latency in us with three significant digits and a unit (the histogram's precision), "-" if there is none. */
    private static String us(double v) {
        if (Double.isNaN(v)) return "-";
        double ns = v * 1000;
        String unit = "ns";
        double x = ns;
        if (ns >= 1e9) { x = ns / 1e9; unit = "s"; }
        else if (ns >= 1e6) { x = ns / 1e6; unit = "ms"; }
        else if (ns >= 1e3) { x = ns / 1e3; unit = "us"; }
        String f = x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, x) + unit;
    }

    /**
     * The results as JSON: run parameters ({@code policy}, {@code cpus}, {@code duration_ns},
     * {@code seed}, {@code params}: the policy's parameters, {@code costs}: each modelled cost in
     * ns), {@code counters}, and {@code tasks}, an object with
     * one entry per workload name holding {@code cpu_share, completed, released, tasks,
     * latency_mean_us, latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us,
     * slowdown_mean, slowdown_p99, deadline_misses, first_miss_ns} (latencies null when nothing
     * completed, first_miss_ns null when there was no miss).
     */
    public String toJson(String scenario) {
        StringBuilder sb = new StringBuilder();
        appendJson(sb, "", "  \"scenario\": " + quote(scenario) + ",\n");
        return sb.append('\n').toString();
    }

    /**
     * Several runs of one scenario as JSON: {@code scenario}, {@code simulated}, and {@code runs},
     * one object per run in the given order, each as {@link #toJson} writes it with a
     * {@code label} (the policy as the user wrote it, e.g. {@code rr[slice=20us]}) first.
     */
    public static String comparisonJson(String scenario, List<String> labels, List<SimResult> results) {
        return comparisonJson(scenario, labels, results, null);
    }

    /** As {@link #comparisonJson(String, List, List)}; with {@code stopped} not null, the runs of a
     *  comparison cut short, marked {@code "complete": false} with why in {@code "stopped"}. */
    public static String comparisonJson(String scenario, List<String> labels, List<SimResult> results, String stopped) {
        checkSameLength(labels, results);
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"scenario\": ").append(quote(scenario)).append(",\n");
        sb.append("  \"simulated\": true,\n");
        if (stopped != null) sb.append("  \"complete\": false,\n  \"stopped\": ").append(quote(stopped)).append(",\n");
        sb.append("  \"runs\": [");
        for (int i = 0; i < results.size(); i++) {
            sb.append(i == 0 ? "\n    " : ",\n    ");
            results.get(i).appendJson(sb, "    ", "      \"label\": " + quote(labels.get(i)) + ",\n");
        }
        return sb.append("\n  ]\n}\n").toString();
    }

    /**
     * A load sweep as JSON: {@code scenario}, {@code simulated}, {@code loads} (the Poisson
     * streams' offered load of each step, a share of the CPUs), {@code summary} (whole lines of
     * JSON fields, e.g. the SLO and each policy's highest load that met it; may be empty), and
     * {@code runs}, one per load and policy in the order run, each as {@link #toJson} writes it
     * with its {@code label} and {@code load} first. With {@code stopped} not null, a sweep cut
     * short, marked {@code "complete": false} with why in {@code "stopped"}.
     */
    public static String sweepJson(String scenario, List<Double> loads, List<String> labels, List<Double> runLoads, List<SimResult> results,
                                   String summary, String stopped) {
        checkSameLength(labels, results);
        if (runLoads.size() != results.size()) throw new IllegalArgumentException("need one load per run; got " + runLoads.size() + " for " + results.size());
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"scenario\": ").append(quote(scenario)).append(",\n");
        sb.append("  \"simulated\": true,\n");
        if (stopped != null) sb.append("  \"complete\": false,\n  \"stopped\": ").append(quote(stopped)).append(",\n");
        StringJoiner ls = new StringJoiner(", ", "[", "]");
        for (double l : loads) ls.add(num(l));
        sb.append("  \"loads\": ").append(ls).append(",\n").append(summary);
        sb.append("  \"runs\": [");
        for (int i = 0; i < results.size(); i++) {
            sb.append(i == 0 ? "\n    " : ",\n    ");
            results.get(i).appendJson(sb, "    ", "      \"label\": " + quote(labels.get(i)) + ",\n      \"load\": " + num(runLoads.get(i)) + ",\n");
        }
        return sb.append("\n  ]\n}\n").toString();
    }

    /** This run as one JSON object, its lines after the first indented by {@code indent}, with
     *  {@code head} (whole lines) before the run's own fields. */
    private void appendJson(StringBuilder sb, String indent, String head) {
        String in = indent + "  ";
        sb.append("{\n").append(head);
        sb.append(in).append("\"policy\": ").append(quote(policy)).append(",\n");
        sb.append(in).append("\"cpus\": ").append(cpus).append(",\n");
        sb.append(in).append("\"duration_ns\": ").append(durationNs).append(",\n");
        sb.append(in).append("\"seed\": ").append(seed).append(",\n");
        sb.append(in).append("\"simulated\": true,\n");
        sb.append(in).append("\"params\": ").append(Json.object(params)).append(",\n");
        sb.append(in).append("\"costs\": {\"switch_ns\": ").append(costs.switchNs())
          .append(", \"preempt_delay_ns\": ").append(costs.preemptDelayNs())
          .append(", \"migration_ns\": ").append(costs.migrationNs())
          .append(", \"lock_ns\": ").append(costs.lockNs())
          .append(", \"wake_ns\": ").append(costs.wakeNs())
          .append(", \"idle_spin_min_ns\": ").append(costs.idleSpinMinNs())
          .append(", \"idle_spin_max_ns\": ").append(costs.idleSpinMaxNs()).append("},\n");
        sb.append(in).append("\"counters\": {");
        boolean first = true;
        for (var e : counters.entrySet()) {
            sb.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        sb.append("},\n").append(in).append("\"tasks\": {");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append(in).append("  ").append(quote(r.name())).append(": {")
              .append("\"cpu_share\": ").append(num(r.cpuShare()))
              .append(", \"completed\": ").append(r.completed())
              .append(", \"released\": ").append(r.released())
              .append(", \"tasks\": ").append(r.tasks())
              .append(", \"latency_mean_us\": ").append(num(r.latencyMeanUs()))
              .append(", \"latency_p50_us\": ").append(num(r.latencyP50Us()))
              .append(", \"latency_p99_us\": ").append(num(r.latencyP99Us()))
              .append(", \"latency_p999_us\": ").append(num(r.latencyP999Us()))
              .append(", \"latency_max_us\": ").append(num(r.latencyMaxUs()))
              .append(", \"slowdown_mean\": ").append(num(r.slowdownMean()))
              .append(", \"slowdown_p99\": ").append(num(r.slowdownP99()))
              .append(", \"deadline_misses\": ").append(r.deadlineMisses())
              .append(", \"first_miss_ns\": ").append(r.firstMissNs() < 0 ? "null" : Long.toString(r.firstMissNs()))
              .append('}');
        }
        sb.append('\n').append(in).append("}\n").append(indent).append('}');
    }

    private static String num(double v) {
        return Json.number(v, 6);
    }

    private static String quote(String s) {
        return Json.quote(s);
    }
}
