package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How ops turns its timings into rows, from made-up timings: nothing is measured here. */
class OpsRowsTest {

    private static OpsBench.PollRun run(double withNs, double withoutNs) {
        return new OpsBench.PollRun(withNs, withoutNs);
    }

    @Test
    void thePollsCostIsTheRawDifferenceWithItsSpreadNeverAClampedZero() {
        // the poll hides in the loops' noise: the runs straddle zero and the median is below it
        BenchResult.Row r = OpsBench.pollRow("skyloft:fifo", List.of(run(0.291, 0.298), run(0.512, 0.413), run(0.295, 0.312)), 1e-6);
        assertEquals(-0.007, r.value(), 1e-9, "the median difference as measured, below zero");
        assertEquals(-0.017, ((Number) r.params().get("min")).doubleValue(), 1e-9);
        assertEquals(0.099, ((Number) r.params().get("max")).doubleValue(), 1e-9);
        assertEquals(0.295, ((Number) r.params().get("with_poll_ns")).doubleValue(), 1e-9);
        assertTrue(r.params().containsKey("note"), "straddling zero is said: " + r.params());
        // a clear cost: no note
        BenchResult.Row clear = OpsBench.pollRow("skyloft:fifo", List.of(run(1.3, 0.3), run(1.2, 0.3)), 1e-6);
        assertEquals(0.95, clear.value(), 1e-9);
        assertFalse(clear.params().containsKey("note"));
        // below what the clock resolves per iteration: unknown, not zero
        assertTrue(Double.isNaN(OpsBench.pollRow("skyloft:fifo", List.of(run(0.3 + 1e-8, 0.3)), 1e-6).value()));
    }

    @Test
    void platformsYieldRowSaysWhenItsThreadsWereNotPinnedToOneCpu() {
        // CPU 1023 is not one this process may use: sched_setaffinity refuses, and the two threads run wherever
        // Linux puts them, so their yields are no one-carrier figure and the headline must not set them beside Skyloft's
        BenchResult.Row bad = OpsBench.platformYieldRow(1023, 200, 1);
        assertFalse(Integer.valueOf(1).equals(((Number) bad.params().get("carriers")).intValue()), "not pinned, not one carrier: " + bad.params());
        assertTrue(String.valueOf(bad.params().get("pinned")).startsWith("no: "), bad.params().toString());
        // a CPU it may use: pinned, one carrier
        int cpu = skyloft.runtime.Affinity.allowedCpus().getLast();
        BenchResult.Row good = OpsBench.platformYieldRow(cpu, 200, 1);
        assertEquals(1, ((Number) good.params().get("carriers")).intValue(), good.params().toString());
        assertEquals("to CPU " + cpu, good.params().get("pinned"));
    }
}
