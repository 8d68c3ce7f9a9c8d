package skyloft.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import skyloft.util.Json;

/**
 * The result of one benchmark run: its name, its parameters and rows of
 * {system, metric, value, unit}. Systems are named {@code skyloft:<policy>}, {@code jdk-default},
 * {@code platform} and {@code continuation}. Written as JSON with {@link #writeJson} and printed
 * as a table with {@link #printTable}.
 *
 * <p>A benchmark fills its result in as it goes, one system after another; another thread may
 * take a {@link #snapshot} of it meanwhile (the command line does, to keep what was measured when
 * a run is stopped part-way), and {@link #latest} finds the result being filled in.
 */
public final class BenchResult {

    /** One measured figure. Extra row-level parameters (a load, a worker count) go in {@code params}. */
    public record Row(String system, String metric, double value, String unit, Map<String, Object> params) {
        public Row(String system, String metric, double value, String unit) {
            this(system, metric, value, unit, Map.of());
        }
    }

    private final String benchmark;
    /** Who measured: {@link RunFacts#now} when created, what the JSON said when read back (empty if nothing). */
    private final Map<String, Object> run = new LinkedHashMap<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    /** The result most recently created in this JVM (snapshots aside). */
    private static volatile BenchResult latest;

    public BenchResult(String benchmark) {
        this.benchmark = benchmark;
        run.putAll(RunFacts.now());
        latest = this;
    }

    /** A result read back, not being filled in: {@link #latest} does not see it. */
    private BenchResult(String benchmark, boolean readBack) {
        this.benchmark = benchmark;
    }

    /**
     * A result from the JSON {@link #toJson} wrote. Numbers that are whole in a parameter come back
     * as longs, the others as doubles; a row's null value (NaN or an infinity when written) as NaN.
     * Throws IllegalArgumentException saying what is missing or malformed.
     */
    public static BenchResult fromJson(String text) {
        if (!(skyloft.util.JsonReader.parse(text) instanceof Map<?, ?> m)
                || !(m.get("benchmark") instanceof String name) || !(m.get("rows") instanceof List<?> rows)) {
            throw new IllegalArgumentException("not a benchmark result: it needs \"benchmark\" and \"rows\"");
        }
        BenchResult r = new BenchResult(name, true);
        if (m.get("run") instanceof Map<?, ?> facts) facts.forEach((k, v) -> r.run.put((String) k, readBack(v)));
        if (m.get("params") instanceof Map<?, ?> ps) ps.forEach((k, v) -> r.params.put((String) k, readBack(v)));
        for (Object o : rows) {
            if (!(o instanceof Map<?, ?> row) || !(row.get("system") instanceof String system) || !(row.get("metric") instanceof String metric)
                    || !(row.get("unit") instanceof String unit) || !(row.get("value") == null || row.get("value") instanceof Double)) {
                throw new IllegalArgumentException("row " + (r.rows.size() + 1) + " of " + name + " needs system, metric, value and unit: " + o);
            }
            Map<String, Object> params = new LinkedHashMap<>();
            if (row.get("params") instanceof Map<?, ?> ps) ps.forEach((k, v) -> params.put((String) k, readBack(v)));
            r.rows.add(new Row(system, metric, row.get("value") instanceof Double d ? d : Double.NaN, unit, params));
        }
        return r;
    }

    /** A parameter as it was before writing: whole numbers as longs, lists and maps inside too. */
    private static Object readBack(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return d.longValue();
        if (v instanceof List<?> l) return l.stream().map(BenchResult::readBack).toList();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, readBack(x)));
            return out;
        }
        return v;
    }

    private BenchResult(BenchResult of) {
        this.benchmark = of.benchmark;
        synchronized (of) {
            run.putAll(of.run);
            params.putAll(of.params);
            rows.addAll(of.rows);
        }
    }

    /**
     * The result most recently created in this JVM, or null: while a benchmark runs, the one it
     * is filling in (each benchmark creates its result first, then adds rows as it measures).
     */
    public static BenchResult latest() {
        return latest;
    }

    /** A copy of the parameters and rows so far, safe to take while the benchmark adds to this one. */
    public BenchResult snapshot() {
        return new BenchResult(this);
    }

    public String benchmark() { return benchmark; }
    public Map<String, Object> params() { return params; }
    /** The facts of the run that measured this result ({@link RunFacts}); empty for a file written before they existed. */
    public Map<String, Object> run() { return run; }
    public List<Row> rows() { return rows; }

    public synchronized BenchResult param(String key, Object value) {
        params.put(key, value);
        return this;
    }

    public synchronized BenchResult add(Row row) {
        rows.add(row);
        return this;
    }

    public BenchResult add(String system, String metric, double value, String unit) {
        return add(new Row(system, metric, value, unit));
    }

    /** The value of the first row with this system and metric, or NaN. */
    public double value(String system, String metric) {
        for (Row r : rows) if (r.system().equals(system) && r.metric().equals(metric)) return r.value();
        return Double.NaN;
    }

    public String toJson() {
        var sb = new StringBuilder();
        sb.append("{\"benchmark\": ").append(Json.quote(benchmark));
        if (!run.isEmpty()) sb.append(", \"run\": ").append(Json.object(run));
        sb.append(", \"params\": ").append(Json.object(params));
        sb.append(", \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(",");
            sb.append("\n  {\"system\": ").append(Json.quote(r.system()))
              .append(", \"metric\": ").append(Json.quote(r.metric()))
              .append(", \"value\": ").append(Json.number(r.value()))
              .append(", \"unit\": ").append(Json.quote(r.unit()));
            if (!r.params().isEmpty()) sb.append(", \"params\": ").append(Json.object(r.params()));
            sb.append("}");
        }
        sb.append("\n]}\n");
        return sb.toString();
    }

    public void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    /** Prints the table to {@code out} and, when {@code json} is given, writes the JSON there and says so. */
    public void report(PrintStream out, Path json) throws IOException {
        printTable(out);
        if (json != null) {
            writeJson(json);
            out.println("wrote " + json);
        }
    }

    /** A plain table: system, metric, value, unit, row params. */
    public void printTable(PrintStream out) {
        out.println("== " + benchmark + " " + params);
        int sw = 8, mw = 6;
        for (Row r : rows) { sw = Math.max(sw, r.system().length()); mw = Math.max(mw, r.metric().length()); }
        String fmt = "  %-" + sw + "s  %-" + mw + "s  %12s %-4s %s%n";
        out.printf(Locale.ROOT, fmt, "system", "metric", "value", "unit", "");
        for (Row r : rows) {
            out.printf(Locale.ROOT, fmt, r.system(), r.metric(), Json.number(r.value()), r.unit(),
                    r.params().isEmpty() ? "" : r.params().toString());
        }
    }
}
