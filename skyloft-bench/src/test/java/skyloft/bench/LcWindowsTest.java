package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** How lc turns several measurement windows of one load into rows: medians of the windows, pooled figures beside them. */
class LcWindowsTest {

    /** A window of 1000 requests that all took {@code us} except {@code tailCount} that took {@code tailUs}. */
    private static LcBench.Point window(double load, long us, int tailCount, long tailUs, LcBench.Tail tail) {
        Histogram lat = new Histogram(3), slow = new Histogram(3), lag = new Histogram(3);
        for (int i = 0; i < 1000 - tailCount; i++) lat.recordValue(us * 1000);
        for (int i = 0; i < tailCount; i++) lat.recordValue(tailUs * 1000);
        for (int i = 0; i < 1000; i++) slow.recordValue(2000);
        lag.recordValue(1000);
        return new LcBench.Point("skyloft:rr", load, 1000, 1000, 1000, 0, lat, lat, slow, lag, tail,
                List.of(LcBench.Window.of(lat, lat, slow, 0, 0, lag, 0, Double.NaN)));
    }

    private static LcBench.Options options(int windows) {
        return new LcBench.Options(List.of("skyloft:rr"), 1, ServiceDist.parse("bimodal-995-4us-10ms"), List.of(0.5), 1_000_000_000L, 4,
                LcBench.Slo.parse("500us"), 1, Sut.RuntimeConfig.DEFAULT, false, windows, true, -20);
    }

    private static BenchResult.Row row(BenchResult r, String metric) {
        return r.rows().stream().filter(x -> x.metric().equals(metric)).findFirst().orElseThrow(() -> new AssertionError("no " + metric));
    }

    @Test
    void theP99IsTheMedianWindowAndThePooledP99StandsBesideIt() {
        var t = new LcBench.Tail(10, 1, 2, 3);
        // one window hit by a 20 ms stall of the machine, two clean ones
        LcBench.Point merged = LcBench.Point.merge(List.of(window(0.5, 50, 20, 100, t), window(0.5, 50, 60, 20_000, t), window(0.5, 50, 20, 120, t)));
        assertEquals(3000, merged.requests());
        assertEquals(3, merged.windows().size());
        BenchResult r = new BenchResult("lc");
        LcBench.addRows(r, options(3), List.of(merged));
        assertEquals(120, row(r, "p99_us").value(), 0.2);
        List<?> ws = (List<?>) row(r, "p99_us").params().get("windows_us");
        assertEquals(3, ws.size());
        assertEquals(100, ((Number) ws.get(0)).doubleValue(), 0.2);
        assertEquals(20_000, ((Number) ws.get(1)).doubleValue(), 20);
        assertEquals(120, ((Number) ws.get(2)).doubleValue(), 0.2);
        assertTrue(row(r, "p99_pooled_us").value() > 10_000, "the pooled p99 keeps the stall: " + row(r, "p99_pooled_us").value());
        // the SLO is judged on the median window: met at 50%
        assertEquals(0.5, row(r, "max_load_at_slo").value());
    }

    @Test
    void oneWindowHasNoPooledRow() {
        BenchResult r = new BenchResult("lc");
        LcBench.addRows(r, options(1), List.of(window(0.5, 50, 20, 20_000, new LcBench.Tail(0, Double.NaN, Double.NaN, Double.NaN))));
        assertEquals(20_000, row(r, "p99_us").value(), 20);
        assertTrue(r.rows().stream().noneMatch(x -> x.metric().equals("p99_pooled_us")));
        assertEquals(0, row(r, "max_load_at_slo").value());
        assertTrue(Double.isNaN(row(r, "short_tail_queue_us").value()));
    }

    @Test
    void aWindowWithoutAFigureListsNaNNotZero() {
        var t = new LcBench.Tail(0, Double.NaN, Double.NaN, Double.NaN);
        Histogram lat = new Histogram(3), slow = new Histogram(3), lag = new Histogram(3), none = new Histogram(3);
        lat.recordValue(100_000);
        slow.recordValue(2000);
        lag.recordValue(1000);
        // the second window saw no request and released none: no p99 and no lateness to speak of
        List<LcBench.Point> ws = List.of(
                new LcBench.Point("skyloft:rr", 0.5, 1000, 1000, 1, 0, lat, lat, slow, lag, t, List.of(LcBench.Window.of(lat, lat, slow, 0, 0, lag, 0, Double.NaN))),
                new LcBench.Point("skyloft:rr", 0.5, 1000, 0, 0, 0, none, none, none, none, t, List.of(LcBench.Window.of(none, none, none, 0, 0, none, 0, Double.NaN))));
        BenchResult r = new BenchResult("lc");
        LcBench.addRows(r, options(2), List.of(LcBench.Point.merge(ws)));
        List<?> p99s = (List<?>) row(r, "p99_us").params().get("windows_us");
        assertEquals(100, ((Number) p99s.get(0)).doubleValue(), 0.1);
        assertTrue(Double.isNaN(((Number) p99s.get(1)).doubleValue()), "no p99 is not a p99 of 0: " + p99s);
        List<?> late = (List<?>) row(r, "p99_us").params().get("dispatch_lag_max_us");
        assertTrue(Double.isNaN(((Number) late.get(1)).doubleValue()), late.toString());
        assertTrue(r.toJson().contains("\"windows_us\": [100, null]"), "JSON null: " + r.toJson());
    }

    @Test
    void theWarmUpSaysWhatItDoes() {
        var o = new LcBench.Options(List.of("platform"), 1, ServiceDist.parse("fixed-10us"), List.of(0.2), 50_000_000L, 2,
                LcBench.Slo.parse("1ms"), 1, Sut.RuntimeConfig.DEFAULT, false, 1, false, 0);
        var err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> LcBench.run(o));
        } finally {
            System.setErr(was);
        }
        String lines = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(lines.contains("[lc] platform warm-up at 30% load: rounds of 50ms"), lines);
        assertTrue(lines.indexOf("warm-up") < lines.indexOf("load 20%"), "before the measured loads: " + lines);
    }

    @Test
    void tailBreakdownsMergeWeightedByCount() {
        var m = LcBench.Tail.merge(List.of(new LcBench.Tail(1, 10, 20, 30), new LcBench.Tail(3, 2, 4, 6),
                new LcBench.Tail(0, Double.NaN, Double.NaN, Double.NaN)));
        assertEquals(4, m.count());
        assertEquals((10 + 3 * 2) / 4.0, m.dispatchUs(), 1e-9);
        assertEquals((20 + 3 * 4) / 4.0, m.queueUs(), 1e-9);
        assertEquals((30 + 3 * 6) / 4.0, m.stretchUs(), 1e-9);
    }

    @Test
    void theHogsWorkIsCountedBetweenTheWindowsMarksOnly() {
        LcBench.Batch b = new LcBench.Batch(2);
        b.chunks.add(7); // done before the schedule started
        var from = new LcBench.Batch.Mark(b.chunks.sum(), 1_000_000_000L);
        b.chunks.add(50_000); // 50,000 chunks of 20 us in the 1-s window: one CPU
        var to = new LcBench.Batch.Mark(b.chunks.sum(), 2_000_000_000L);
        b.chunks.add(90_000); // the drain after the window, the hogs alone
        assertEquals(1.0, b.cpus(from, to), 1e-12);
        assertTrue(Double.isNaN(b.cpus(from, null)), "a window whose end was not marked (the dispatcher failed) has no figure");
        assertTrue(Double.isNaN(new LcBench.Batch(0).cpus(from, to)), "nor a window without hogs");
        b.stop();
    }

    @Test
    void windowCountIsChecked() {
        var e = assertThrows(IllegalArgumentException.class, () -> options(100));
        assertTrue(e.getMessage().contains("--windows 100"), e.getMessage());
    }

    @Test
    void thePoolIsFullOnlyWhileEveryWorkerHoldsARequest() {
        // two workers; request 0 runs 10..50, request 1 runs 20..30 and request 2 runs 40..70:
        // both workers are busy over 20..30 and 40..50
        long[] started = {10, 20, 40, 0}, ended = {50, 30, 70, 0}; // request 3 never started
        assertEquals(20, LcBench.poolFullNs(started, ended, 2, 1_000));
        // one worker: full whenever anything is in service (10..70)
        assertEquals(60, LcBench.poolFullNs(started, ended, 1, 1_000));
        // three workers are never all busy
        assertEquals(0, LcBench.poolFullNs(started, ended, 3, 1_000));
    }

    @Test
    void aRequestStillRunningCountsUntilTheEndAndABackToBackHandoverIsNotAGap() {
        // request 1 starts the instant request 0 ends (the same worker takes the next one); request 2 never ended
        long[] started = {10, 110, 60}, ended = {110, 310, 0};
        assertEquals(250, LcBench.poolFullNs(started, ended, 2, 410)); // 60..310: full across the handover at 110
    }

    @Test
    void eachWindowsPoolFullTimeAndLongestDispatcherLatenessAreParamsOfTheP99Row() {
        Histogram lat = new Histogram(3), slow = new Histogram(3), lag = new Histogram(3);
        lat.recordValue(50_000);
        slow.recordValue(2000);
        lag.recordValue(1000);
        var t = new LcBench.Tail(0, Double.NaN, Double.NaN, Double.NaN);
        Histogram late = new Histogram(3);
        late.recordValue(3_000);
        late.recordValue(6_500_000); // one release 6.5 ms late
        List<LcBench.Point> ws = List.of(
                new LcBench.Point("skyloft:rr", 0.5, 1000, 1000, 1, 0, lat, lat, slow, lag, t, List.of(LcBench.Window.of(lat, lat, slow, 0, 0, lag, 0, Double.NaN))),
                new LcBench.Point("skyloft:rr", 0.5, 1000, 1000, 1, 0, lat, lat, slow, lag, t, List.of(LcBench.Window.of(lat, lat, slow, 0, 0, late, 12.34, Double.NaN))));
        BenchResult r = new BenchResult("lc");
        LcBench.addRows(r, options(2), List.of(LcBench.Point.merge(ws)));
        assertEquals(List.of(0.0, 12.3), row(r, "p99_us").params().get("pool_full_ms"));
        List<?> lateUs = (List<?>) row(r, "p99_us").params().get("dispatch_lag_max_us");
        assertEquals(1.0, ((Number) lateUs.get(0)).doubleValue(), 0.01);
        assertEquals(6500, ((Number) lateUs.get(1)).doubleValue(), 10);
    }
}
