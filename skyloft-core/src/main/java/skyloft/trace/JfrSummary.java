package skyloft.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording says about the runtime's scheduling (the events of {@link JfrRecorder}):
 * how long tasks ran, by why they stopped; how long they waited in the policy's queue, from each
 * enqueue to the task's next run, by why they were enqueued; how late preemptions landed; how
 * often tasks moved. It answers the first question about a latency tail under {@code skyloft
 * run}: is the time spent in the runtime's queue, or elsewhere?
 *
 * <p>Pairing. Each enqueue ({@code hostTimeNs}) is matched with the first run of the same task
 * picked at or after it ({@code pickNs}) and before the task's next enqueue; both are the
 * host's clock ({@code System.nanoTime}) read at the start of the scheduling pass that made
 * them, so a wait is what the runtime itself would count. An enqueue with no such run is
 * counted apart: the recording ended first, or the run went unrecorded (with the JDK's default
 * events on, a run in which the task commits one of them loses its TaskRun; see
 * {@link JfrRecorder}). Task ids are unique within a JVM, so a recording of several runtimes
 * pairs as well.
 *
 * <p>An event that lacks a field the summary reads (or has it of another type), as one recorded
 * by another version of Skyloft may, is left out and counted by type in {@link Summary#leftOut};
 * the summary says so. Before, the first such event ended {@code skyloft jfr} with "Could not
 * find field with name pickNs", naming no file.
 */
public final class JfrSummary {

    /** Sorted values with their percentiles, in the unit they were given. */
    public record Dist(long[] sorted) {
        public int count() { return sorted.length; }
        /** The value at quantile {@code q} (nearest rank), NaN for none. */
        public double pct(double q) {
            if (sorted.length == 0) return Double.NaN;
            return sorted[Math.clamp((int) Math.ceil(q * sorted.length) - 1, 0, sorted.length - 1)];
        }
        public double max() { return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]; }

        static Dist of(List<Long> values) {
            long[] v = values.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(v);
            return new Dist(v);
        }
    }

    /**
     * @param spanNs       from the first to the last scheduling event
     * @param runsByStop   run times (ns, the runtime's own {@code runTime}) by stop reason
     * @param waitsByReason queue waits (ns) by enqueue reason
     * @param unmatched    enqueues whose next run is not in the recording (see the pairing above)
     * @param preemptDelays delivery delays (ns) of the preemptions that were delivered
     * @param preemptions  preemption events, delivered or not
     * @param migrations   migration events
     * @param busyByCpu    each CPU's mean busy share over the CarrierStats samples (0..1)
     * @param enqueues     Enqueue events, paired or not
     * @param leftOut      by event type, the events left out for lack of a field this version reads
     *                     (a recording of another version of Skyloft)
     * @param missingFields by event type, the fields those events lacked (or had of another type)
     */
    public record Summary(long spanNs, Map<String, Dist> runsByStop, Map<String, Dist> waitsByReason, long unmatched,
                          Dist preemptDelays, long preemptions, long migrations, Map<Integer, Double> busyByCpu, long enqueues,
                          Map<String, Long> leftOut, Map<String, List<String>> missingFields) {

        public Summary(long spanNs, Map<String, Dist> runsByStop, Map<String, Dist> waitsByReason, long unmatched,
                       Dist preemptDelays, long preemptions, long migrations, Map<Integer, Double> busyByCpu, long enqueues) {
            this(spanNs, runsByStop, waitsByReason, unmatched, preemptDelays, preemptions, migrations, busyByCpu, enqueues, Map.of(), Map.of());
        }

        /** What was left out, in words ("3 skyloft.TaskRun event(s) without the fields this version
         *  reads (pickNs)"), or "" if nothing. */
        public String leftOutText() {
            List<String> parts = new ArrayList<>();
            leftOut.forEach((type, n) -> parts.add(n + " " + type + " event(s) without the fields this version reads ("
                    + String.join(", ", missingFields.getOrDefault(type, List.of())) + ")"));
            return String.join("; ", parts);
        }

        /** The summary as text, one table per part; says what to record when a part has no events. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "scheduling events over %.3f s%n", spanNs / 1e9));
            sb.append("task runs, by why they stopped (the runtime's run time):\n");
            table(sb, runsByStop, "stop");
            if (enqueues == 0) {
                sb.append("queue waits: no skyloft.Enqueue events in the recording (record with settings=skyloft.jfc, which turns them on)\n");
            } else {
                sb.append("queue waits, from an enqueue to the task's next run, by why it was enqueued:\n");
                table(sb, waitsByReason, "reason");
                if (unmatched > 0) sb.append("  (").append(unmatched).append(" enqueue(s) whose next run is not in the recording)\n");
            }
            if (preemptions == 0) {
                sb.append("preemptions: none recorded\n");
            } else {
                sb.append(String.format(Locale.ROOT, "preemptions: %d, %d delivered; delivery delay p50 %s, p99 %s, max %s%n",
                        preemptions, preemptDelays.count(), us(preemptDelays.pct(0.5)), us(preemptDelays.pct(0.99)), us(preemptDelays.max())));
            }
            sb.append("migrations: ").append(migrations).append('\n');
            if (!busyByCpu.isEmpty()) {
                sb.append("carriers busy (mean of the 1-s samples):");
                busyByCpu.forEach((cpu, b) -> sb.append(String.format(Locale.ROOT, " cpu %d %.0f%%", cpu, b * 100)));
                sb.append('\n');
            }
            if (!leftOut.isEmpty()) sb.append("left out: ").append(leftOutText()).append(", a recording of another version of Skyloft\n");
            return sb.toString();
        }

        private static void table(StringBuilder sb, Map<String, Dist> parts, String what) {
            sb.append(String.format(Locale.ROOT, "  %-10s %9s %10s %10s %10s %10s%n", what, "count", "p50", "p90", "p99", "max"));
            parts.forEach((k, d) -> sb.append(String.format(Locale.ROOT, "  %-10s %9d %10s %10s %10s %10s%n",
                    k, d.count(), us(d.pct(0.5)), us(d.pct(0.9)), us(d.pct(0.99)), us(d.max()))));
        }

        private static String us(double ns) {
            if (Double.isNaN(ns)) return "-";
            return ns >= 10_000_000 ? String.format(Locale.ROOT, "%.1f ms", ns / 1e6) : String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
    }

    private JfrSummary() {}

    /** Reads {@code file}; throws if it is not a JFR recording. */
    public static Summary read(Path file) throws IOException {
        return summarize(RecordingFile.readAllEvents(file));
    }

    /** The summary of these events (any others are ignored). */
    public static Summary summarize(List<RecordedEvent> events) {
        Map<String, List<Long>> runs = new TreeMap<>();
        Map<Long, List<long[]>> runStarts = new HashMap<>(); // task id -> {host pick ns}
        List<long[]> enqueues = new ArrayList<>(); // {task id, host ns, reason index}
        List<String> reasons = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        long preemptions = 0, migrations = 0, first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        Map<Integer, double[]> busy = new TreeMap<>(); // cpu -> {sum, n}
        Map<String, Long> leftOut = new TreeMap<>();
        Map<String, List<String>> missingFields = new TreeMap<>();
        Map<jdk.jfr.EventType, List<String>> lacks = new HashMap<>(); // per type as recorded: the fields read that it lacks
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (!type.startsWith("skyloft.")) continue;
            List<String> missing = lacks.computeIfAbsent(e.getEventType(), JfrSummary::missing);
            if (!missing.isEmpty()) {
                leftOut.merge(type, 1L, Long::sum);
                missingFields.putIfAbsent(type, missing);
                continue;
            }
            long start = nanos(e.getStartTime()), end = nanos(e.getEndTime());
            if (!type.equals("skyloft.CarrierStats")) {
                first = Math.min(first, start);
                last = Math.max(last, end);
            }
            switch (type) {
                case "skyloft.TaskRun" -> {
                    runs.computeIfAbsent(e.getString("stopReason"), k -> new ArrayList<>()).add(e.getLong("runTime"));
                    runStarts.computeIfAbsent(e.getLong("taskId"), k -> new ArrayList<>()).add(new long[] {e.getLong("pickNs")});
                }
                case "skyloft.Enqueue" -> {
                    String r = e.getString("reason");
                    int ri = reasons.indexOf(r);
                    if (ri < 0) {
                        reasons.add(r);
                        ri = reasons.size() - 1;
                    }
                    enqueues.add(new long[] {e.getLong("taskId"), e.getLong("hostTimeNs"), ri});
                }
                case "skyloft.Preemption" -> {
                    preemptions++;
                    if (e.getBoolean("delivered")) delays.add(end - start);
                }
                case "skyloft.Migration" -> migrations++;
                case "skyloft.CarrierStats" -> {
                    double[] b = busy.computeIfAbsent(e.getInt("cpu"), k -> new double[2]);
                    b[0] += e.getDouble("busy");
                    b[1]++;
                }
                default -> { }
            }
        }

        for (List<long[]> s : runStarts.values()) s.sort((a, b) -> Long.compare(a[0], b[0]));
        // Each task's enqueues in time order: a run counts for an enqueue only if it starts before
        // the task's next enqueue (else the run that followed was not recorded).
        enqueues.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        Map<String, List<Long>> waits = new TreeMap<>();
        long unmatched = 0;
        for (int i = 0; i < enqueues.size(); i++) {
            long[] q = enqueues.get(i);
            long at = q[1];
            long nextEnqueue = i + 1 < enqueues.size() && enqueues.get(i + 1)[0] == q[0] ? enqueues.get(i + 1)[1] : Long.MAX_VALUE;
            List<long[]> s = runStarts.get(q[0]);
            long next = s == null ? -1 : firstAtOrAfter(s, at);
            if (next < 0 || next >= nextEnqueue) { // a run picked in the pass of the next enqueue is that one's
                unmatched++;
                continue;
            }
            waits.computeIfAbsent(reasons.get((int) q[2]), k -> new ArrayList<>()).add(next - at);
        }

        Map<String, Dist> runDists = new TreeMap<>();
        runs.forEach((k, v) -> runDists.put(k, Dist.of(v)));
        Map<String, Dist> waitDists = new TreeMap<>();
        waits.forEach((k, v) -> waitDists.put(k, Dist.of(v)));
        Map<Integer, Double> busyByCpu = new TreeMap<>();
        busy.forEach((cpu, b) -> busyByCpu.put(cpu, b[0] / b[1]));
        return new Summary(first == Long.MAX_VALUE ? 0 : last - first, runDists, waitDists, unmatched, Dist.of(delays),
                preemptions, migrations, busyByCpu, enqueues.size(), leftOut, missingFields);
    }

    /** The fields (and their types) each event type's summary reads. */
    private static final Map<String, Map<String, String>> READS = Map.of(
            "skyloft.TaskRun", Map.of("stopReason", "java.lang.String", "runTime", "long", "taskId", "long", "pickNs", "long"),
            "skyloft.Enqueue", Map.of("reason", "java.lang.String", "taskId", "long", "hostTimeNs", "long"),
            "skyloft.Preemption", Map.of("delivered", "boolean"),
            "skyloft.CarrierStats", Map.of("cpu", "int", "busy", "double"));

    /** The fields {@code type} lacks, or has of another type, of those its summary reads; sorted. */
    private static List<String> missing(jdk.jfr.EventType type) {
        List<String> out = new ArrayList<>();
        READS.getOrDefault(type.getName(), Map.of()).forEach((field, t) -> {
            jdk.jfr.ValueDescriptor d = type.getField(field);
            if (d == null || !d.getTypeName().equals(t)) out.add(field);
        });
        out.sort(null);
        return out;
    }

    /** The first start in {@code sorted} at or after {@code at}, or -1. */
    private static long firstAtOrAfter(List<long[]> sorted, long at) {
        int lo = 0, hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid)[0] < at) lo = mid + 1;
            else hi = mid;
        }
        return lo < sorted.size() ? sorted.get(lo)[0] : -1;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
