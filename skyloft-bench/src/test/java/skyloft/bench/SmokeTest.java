package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tiny configuration of each benchmark end to end; asserts what ran, never how fast. */
class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void tinyPlanRunsAndWritesTheReport() throws java.io.IOException {
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        var bytes = new ByteArrayOutputStream();
        List<BenchResult> rs = assertTimeoutPreemptively(Duration.ofSeconds(90),
                () -> Demo.run(Demo.tiny(cores), dir, "smoke", new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertEquals(List.of("schbench", "lc", Demo.COLOCATION, "pipe"), rs.stream().map(BenchResult::benchmark).toList());
        BenchResult sch = rs.get(0);
        for (String sys : List.of("skyloft:fifo", "jdk-default")) {
            assertTrue(sch.rows().stream().anyMatch(r -> r.system().equals(sys) && r.metric().equals("wakeup_p99_us")), sys);
            assertTrue(sch.rows().stream().anyMatch(r -> r.system().equals(sys) && r.metric().equals("rps")), sys);
        }
        BenchResult lc = rs.get(1);
        assertEquals(2, lc.rows().stream().filter(r -> r.metric().equals("max_load_at_slo")).count());
        assertEquals(4, lc.rows().stream().filter(r -> r.metric().equals("p99_us")).count()); // 2 systems x 2 loads
        for (BenchResult.Row r : lc.rows()) {
            if (r.metric().equals("p99_us")) assertEquals(0L, ((Number) r.params().getOrDefault("unfinished", 0L)).longValue(), "every request completed");
        }
        BenchResult co = rs.get(2);
        for (String sys : List.of("skyloft:apps", "jdk-default")) {
            assertTrue(co.rows().stream().anyMatch(r -> r.system().equals(sys) && r.metric().equals("batch_cpus")), sys);
        }
        assertTrue(rs.get(3).rows().stream().anyMatch(r -> r.system().equals("platform") && r.metric().equals("us_per_roundtrip")));
        assertTrue(Files.exists(dir.resolve("index.html")));
        assertTrue(Files.exists(dir.resolve("lc.json")));
        assertTrue(Files.exists(dir.resolve("colocation.json")));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("Headline"));
        // what skyloft report reads back: the run's facts, and each result as it was written
        assertTrue(Files.readString(dir.resolve(Demo.MACHINE_FILE)).contains("\"cores used by every system\": \"" + cores + "\""));
        for (BenchResult r : rs) {
            String json = Files.readString(dir.resolve(r.benchmark() + ".json"));
            // the same values (a whole number may come back in another notation: 2.105e+05 as 210500)
            assertEquals(skyloft.util.JsonReader.parse(json), skyloft.util.JsonReader.parse(BenchResult.fromJson(json).toJson()), r.benchmark());
        }
    }

    @Test
    void lcWithBatchHogsReportsTheirWorkAndFinishesOnEverySystem() {
        // jdk-default never preempts the hogs: the window must still end (they stop before the
        // workers are joined) and report the requests they starved, not hang.
        var o = new LcBench.Options(List.of("skyloft:apps[lc=rr,lc.slice=30us]", "skyloft:rr", "platform", "jdk-default"), 1,
                ServiceDist.parse("fixed-20us"), List.of(0.2), 100_000_000L, 4, LcBench.Slo.parse("1ms"), 1, Sut.RuntimeConfig.DEFAULT,
                false, 1, false, 0, 1);
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> LcBench.run(o));
        for (String sys : o.systems()) {
            BenchResult.Row b = r.rows().stream().filter(x -> x.system().equals(sys) && x.metric().equals("batch_cpus")).findFirst()
                    .orElseThrow(() -> new AssertionError("no batch_cpus for " + sys));
            // against this JVM's calibration, noisy by tens of percent on a shared machine
            assertTrue(b.value() >= 0 && b.value() <= 1.5, sys + " batch_cpus " + b.value() + " on one core");
        }
        double apps = r.rows().stream().filter(x -> x.system().startsWith("skyloft:apps") && x.metric().equals("batch_cpus")).findFirst().orElseThrow().value();
        assertTrue(apps > 0, "under apps the hog runs in the 80% the service leaves: " + apps);
        assertTrue(((java.util.Map<?, ?>) r.params().get("batch_threads")).get("platform").toString().startsWith("platform threads"));
    }
}
