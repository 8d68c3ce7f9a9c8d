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
    void tinyPlanRunsAndWritesTheReport() {
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        var bytes = new ByteArrayOutputStream();
        List<BenchResult> rs = assertTimeoutPreemptively(Duration.ofSeconds(90),
                () -> Demo.run(Demo.tiny(cores), dir, "smoke", new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertEquals(List.of("schbench", "lc", "pipe"), rs.stream().map(BenchResult::benchmark).toList());
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
        assertTrue(rs.get(2).rows().stream().anyMatch(r -> r.system().equals("platform") && r.metric().equals("us_per_roundtrip")));
        assertTrue(Files.exists(dir.resolve("index.html")));
        assertTrue(Files.exists(dir.resolve("lc.json")));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("Headline"));
    }
}
