package skyloft.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import skyloft.bench.BenchResult;
import skyloft.trace.JfrSummary;

/** {@code skyloft jfr FILE}: what a JFR recording says about the runtime's scheduling. */
@Command(name = "jfr", mixinStandardHelpOptions = true,
        description = {"Summarize the Skyloft events of a JFR recording (one made with settings=skyloft.jfc, e.g. under "
                + "skyloft run): task run times by why they stopped, queue waits from each enqueue to the task's next run by "
                + "why it was enqueued, preemption delivery delays, migrations and the carriers' busy share. Tells whether a "
                + "latency tail is spent in the runtime's queue or elsewhere."})
final class JfrCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A JFR recording (.jfr).")
    Path file;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the figures as JSON rows to OUT (microseconds).")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(file)) throw new IllegalArgumentException("jfr: " + file + " is a directory; expected a JFR recording (.jfr)");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("jfr: " + file + ": no such file");
        List<RecordedEvent> events;
        try {
            events = RecordingFile.readAllEvents(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("jfr: " + file + " is not a readable JFR recording (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            // the JDK's parser meets a recording cut short (or otherwise damaged) with index errors and the like
            throw new IllegalArgumentException("jfr: " + file + " is not a readable JFR recording (it ends early or is damaged: " + e + ")", e);
        }
        JfrSummary.Summary s = JfrSummary.summarize(events);
        if (s.runsByStop().isEmpty() && s.enqueues() == 0 && s.preemptions() == 0) {
            // nothing to summarize is an error, as report's directory without results is
            String left = s.leftOut().isEmpty() ? "" : " (it left out " + s.leftOutText() + ": a recording of another version of Skyloft)";
            throw new IllegalArgumentException("jfr: " + file + " has no Skyloft scheduling events" + left + ", so there is nothing to summarize"
                    + (json == null ? "" : " and " + json + " is not written") + "; record with "
                    + "-XX:StartFlightRecording:filename=app.jfr,settings=default,settings=skyloft.jfc (or skyloft run --jfr FILE)");
        }
        System.out.print(s.format());
        if (json != null) {
            rows(s).writeJson(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    /** The summary as rows: {@code run_us} by stop reason, {@code wait_us} by enqueue reason, each
     *  at p50, p90, p99 and max with its count; the preemption delays; the migrations. */
    static BenchResult rows(JfrSummary.Summary s) {
        BenchResult r = new BenchResult("jfr").param("span_s", s.spanNs() / 1e9).param("unmatched_enqueues", s.unmatched());
        if (!s.leftOut().isEmpty()) r.param("left_out", s.leftOutText());
        s.runsByStop().forEach((stop, d) -> dist(r, "run_us", "stop", stop, d));
        s.waitsByReason().forEach((reason, d) -> dist(r, "wait_us", "reason", reason, d));
        if (s.preemptDelays().count() > 0) dist(r, "preempt_delay_us", "delivered", "true", s.preemptDelays());
        r.add("skyloft", "migrations", s.migrations(), "count");
        s.busyByCpu().forEach((cpu, b) -> r.add(new BenchResult.Row("skyloft", "carrier_busy", b, "share", Map.of("cpu", cpu))));
        return r;
    }

    private static void dist(BenchResult r, String metric, String key, String value, JfrSummary.Dist d) {
        for (String pct : new String[] {"p50", "p90", "p99", "max"}) {
            double ns = pct.equals("max") ? d.max() : d.pct(Integer.parseInt(pct.substring(1)) / 100.0);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(key, value);
            params.put("pct", pct);
            params.put("count", d.count());
            r.add(new BenchResult.Row("skyloft", metric, ns / 1e3, "us", params));
        }
    }
}
