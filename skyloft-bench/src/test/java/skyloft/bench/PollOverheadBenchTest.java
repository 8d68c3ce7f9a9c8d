package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.agent.PollInserter;

/** The benchmark's plumbing (not its timing): every kernel runs both ways and agrees, rows are complete. */
class PollOverheadBenchTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneRunOfEachKernelProducesEveryRow() {
        BenchResult r = PollOverheadBench.run(new PollOverheadBench.Config(1, 0, PollInserter.Options.DEFAULT), null);
        int kernels = PollOverheadBench.KERNELS.size();
        assertTrue(kernels >= 5);
        assertEquals(kernels, r.rows().stream().filter(x -> x.metric().equals("slowdown")).count());
        assertEquals(2L * kernels, r.rows().stream().filter(x -> x.metric().equals("time_ms")).count());
        double g = r.value("skyloft:agent", "poll_overhead_geomean");
        assertTrue(g > 0 && Double.isFinite(g), "geomean " + g);
        var polls = r.rows().stream().filter(x -> x.metric().equals("poll_overhead_geomean")).findFirst().orElseThrow().params();
        assertTrue(((Number) polls.get("back_edge_polls")).longValue() > 0, polls.toString());
        assertTrue(r.toJson().contains("\"kernel\": \"matmul\""), r.toJson());
    }

    @Test
    void badRunCountsAreRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PollOverheadBench.Config(0, 1, PollInserter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("--runs 0") && e.getMessage().contains("1..1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PollOverheadBench.Config(3, -1, PollInserter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("--warmup -1"), e.getMessage());
    }
}
