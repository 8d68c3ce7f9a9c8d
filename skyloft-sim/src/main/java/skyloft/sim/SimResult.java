package skyloft.sim;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 */
public record SimResult(String policy, int cpus, long durationNs, long seed, List<Row> rows, Map<String, Long> counters) {

    /**
     * One workload entry. Latencies are response times (release or arrival to completion) of
     * completed jobs; {@code cpuShare} is the entry's CPU time over {@code cpus x duration};
     * {@code firstMissNs} is -1 when there was no miss.
     */
    public record Row(String name, int tasks, double cpuShare, long released, long completed,
                      double latencyMeanUs, double latencyP50Us, double latencyP99Us, double latencyP999Us, double latencyMaxUs,
                      double slowdownMean, double slowdownP99, long deadlineMisses, long firstMissNs) {}

    static SimResult of(Simulator sim, long seed) {
        List<Row> rows = new ArrayList<>();
        double capacity = (double) sim.cpus() * sim.endNs();
        for (Workload w : sim.workloads()) {
            WorkloadStats s = w.stats;
            boolean any = s.completed > 0;
            rows.add(new Row(w.name(), s.tasks, s.cpuNs / capacity, s.released, s.completed,
                    any ? s.latencySumNs / 1e3 / s.completed : Double.NaN,
                    any ? s.latencyNs.getValueAtPercentile(50) / 1e3 : Double.NaN,
                    any ? s.latencyNs.getValueAtPercentile(99) / 1e3 : Double.NaN,
                    any ? s.latencyNs.getValueAtPercentile(99.9) / 1e3 : Double.NaN,
                    any ? s.latencyMaxNs / 1e3 : Double.NaN,
                    any ? s.slowdownSum / s.completed : Double.NaN,
                    any ? s.slowdownMilli.getValueAtPercentile(99) / 1e3 : Double.NaN,
                    s.misses, s.firstMissNs));
        }
        return new SimResult(sim.policy().name(), sim.cpus(), sim.endNs(), seed, List.copyOf(rows), sim.counters());
    }

    /** The row named {@code name}. */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload '" + name + "'; have " + rows.stream().map(Row::name).toList()));
    }

    /** A human-readable table, one line per workload entry. */
    public void printTable(String title, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: policy %s, %d CPU%s, %s simulated, seed %d (simulated numbers, not measurements)%n",
                title, policy, cpus, cpus == 1 ? "" : "s", Durations.format(durationNs), seed);
        String fmt = "%-16s %6s %7s %9s %9s %9s %9s %9s %8s %7s %10s%n";
        out.printf(Locale.ROOT, fmt, "task", "cpu%", "done", "p50", "p99", "p99.9", "max", "mean", "slow99", "misses", "first miss");
        for (Row r : rows) {
            out.printf(Locale.ROOT, fmt, clip(r.name()), String.format(Locale.ROOT, "%.1f", 100 * r.cpuShare()), r.completed(),
                    us(r.latencyP50Us()), us(r.latencyP99Us()), us(r.latencyP999Us()), us(r.latencyMaxUs()), us(r.latencyMeanUs()),
                    Double.isNaN(r.slowdownP99()) ? "-" : String.format(Locale.ROOT, "%.2f", r.slowdownP99()),
                    r.deadlineMisses(), r.firstMissNs() < 0 ? "-" : Durations.format(r.firstMissNs()));
        }
        StringBuilder c = new StringBuilder("host:");
        counters.forEach((k, v) -> c.append(' ').append(k).append('=').append(v));
        out.println(c);
        out.flush();
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
     * The results as JSON: run parameters, {@code counters}, and {@code tasks}, an object with
     * one entry per workload name holding {@code cpu_share, completed, released, tasks,
     * latency_mean_us, latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us,
     * slowdown_mean, slowdown_p99, deadline_misses, first_miss_ns} (latencies null when nothing
     * completed, first_miss_ns null when there was no miss).
     */
    public String toJson(String scenario) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"scenario\": ").append(quote(scenario)).append(",\n");
        sb.append("  \"policy\": ").append(quote(policy)).append(",\n");
        sb.append("  \"cpus\": ").append(cpus).append(",\n");
        sb.append("  \"duration_ns\": ").append(durationNs).append(",\n");
        sb.append("  \"seed\": ").append(seed).append(",\n");
        sb.append("  \"simulated\": true,\n");
        sb.append("  \"counters\": {");
        boolean first = true;
        for (var e : counters.entrySet()) {
            sb.append(first ? "" : ", ").append(quote(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        sb.append("},\n  \"tasks\": {");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    ").append(quote(r.name())).append(": {")
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
        sb.append("\n  }\n}\n");
        return sb.toString();
    }

    private static String num(double v) {
        return Json.number(v, 6);
    }

    private static String quote(String s) {
        return Json.quote(s);
    }
}
