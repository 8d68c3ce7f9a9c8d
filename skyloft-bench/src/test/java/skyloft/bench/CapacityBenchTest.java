package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench capacity} end to end on a tiny configuration; asserts what ran, never how fast. */
class CapacityBenchTest {
    private static BenchResult.Row row(BenchResult r, String sys, String metric) {
        return r.rows().stream().filter(x -> x.system().equals(sys) && x.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " for " + sys));
    }

    @Test
    void everySystemGetsItsWorkRateAndSkyloftItsCounters() {
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        var o = new CapacityBench.Options(List.of("skyloft:rr[slice=30us]", "platform"), cores, 2, 200_000_000L, 1, Sut.RuntimeConfig.DEFAULT, false);
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CapacityBench.run(o));
        for (String sys : List.of("skyloft:rr[slice=30us]", "platform")) {
            double w = row(r, sys, "work_cpus").value();
            // work counted against a calibration of this JVM: noise of a few tens of percent on a
            // shared machine, not the double count of a bug
            assertTrue(w > 0 && w <= cores * 1.5, sys + " did " + w + " CPUs of work on " + cores + " cores");
            assertEquals(w / cores, row(r, sys, "work_share").value(), 1e-9);
            double fair = row(r, sys, "fair_min").value();
            assertTrue(fair >= 0 && fair <= 1, sys + " fair_min " + fair);
        }
        // two hogs on each CPU under rr with 30 us slices: it switched, and ticked at least once per switch.
        // Switches per second of the window count only while the carriers had a CPU: on a loaded machine
        // they may have had a few percent of it (907 a second were seen at a load of 11 on 2 CPUs), so
        // the switches are taken per second of work the hogs did. 30-us slices make about 33,000 of them;
        // without preemption there would be none.
        double switches = row(r, "skyloft:rr[slice=30us]", "switches_per_cpu_s").value();
        double busyShare = row(r, "skyloft:rr[slice=30us]", "work_share").value();
        assertTrue(switches / busyShare > 1000, "switches per CPU per s: " + switches + ", with the hogs working "
                + busyShare + " of the window");
        assertTrue(row(r, "skyloft:rr[slice=30us]", "ticks_per_cpu_s").value() >= switches * 0.9);
        assertTrue(r.rows().stream().noneMatch(x -> x.system().equals("platform") && x.metric().equals("ticks_per_cpu_s")));
        assertEquals(cores * 2, ((Number) r.params().get("hogs")).intValue());
        // on two CPUs, a cache-line probe before and after each window (or NaN where one stalled)
        Object line = row(r, "platform", "work_cpus").params().get("line_rt_ns");
        if (cores >= 2 && skyloft.runtime.Affinity.allowedCpus().size() >= 2) {
            List<?> runs = (List<?>) line;
            assertEquals(1, runs.size(), "one run, one pair: " + line);
            for (Object ns : (List<?>) runs.get(0)) {
                double v = ((Number) ns).doubleValue();
                assertTrue(Double.isNaN(v) || v > 0 && v < LineProbe.STUCK_NS, "round trip " + v);
            }
        } else {
            assertEquals(null, line, "no probe with one CPU");
        }
    }

    @Test
    void windowsAreGroupedByTheLineStateOnBothSides() {
        var fast = new CapacityBench.Window(1.8, 1, 10, 10, 0, 0).withLine(70, 80);
        var slow = new CapacityBench.Window(1.4, 1, 10, 10, 0, 0).withLine(300, 1200);
        var mixed = new CapacityBench.Window(1.6, 1, 10, 10, 0, 0).withLine(70, 400);
        var stalled = new CapacityBench.Window(1.7, 1, 10, 10, 0, 0).withLine(Double.NaN, 90);
        BenchResult r = new BenchResult("capacity");
        CapacityBench.add(r, "skyloft:eevdf", 2, List.of(fast, slow, mixed, stalled), 1, true);
        var p = row(r, "skyloft:eevdf", "work_cpus").params();
        assertEquals(List.of(1.8), p.get("fast_line"));
        assertEquals(List.of(1.4), p.get("slow_line"));
        assertEquals(4, ((List<?>) p.get("line_rt_ns")).size());
        // without probes (one CPU), no line params at all
        BenchResult one = new BenchResult("capacity");
        CapacityBench.add(one, "platform", 1, List.of(new CapacityBench.Window(0.9, 1, -1, -1, -1, 0)), 1, false);
        var q = row(one, "platform", "work_cpus").params();
        assertTrue(!q.containsKey("line_rt_ns") && !q.containsKey("fast_line"), q.toString());
        // probed, but both probes stalled (a busy machine): the stalls are reported, not dropped
        BenchResult busy = new BenchResult("capacity");
        CapacityBench.add(busy, "platform", 2, List.of(new CapacityBench.Window(1.9, 1, -1, -1, -1, 0).withLine(Double.NaN, Double.NaN)), 1, true);
        var b = row(busy, "platform", "work_cpus").params();
        assertEquals(1, ((List<?>) b.get("line_rt_ns")).size(), b.toString());
        assertEquals(List.of(), b.get("fast_line"));
    }

    @Test
    void theWorkShareRowsParamsAreSharesToo() {
        var fast = new CapacityBench.Window(1.8, 1, 10, 10, 0, 0).withLine(70, 80);
        var slow = new CapacityBench.Window(1.4, 1, 10, 10, 0, 0).withLine(300, 1200);
        BenchResult r = new BenchResult("capacity");
        CapacityBench.add(r, "skyloft:eevdf", 2, List.of(fast, slow), 1, true);
        var cpus = row(r, "skyloft:eevdf", "work_cpus").params();
        assertEquals(1.4, ((Number) cpus.get("min")).doubleValue(), 1e-9);
        assertEquals(List.of(1.8, 1.4), cpus.get("each"));
        var share = row(r, "skyloft:eevdf", "work_share").params();
        assertEquals(0.8, row(r, "skyloft:eevdf", "work_share").value(), 1e-9);
        assertEquals(0.7, ((Number) share.get("min")).doubleValue(), 1e-9, "in the row's unit (x of the cores), not in CPUs");
        assertEquals(0.9, ((Number) share.get("max")).doubleValue(), 1e-9);
        assertEquals(List.of(0.9, 0.7), share.get("each"));
        assertEquals(List.of(0.9), share.get("fast_line"));
        assertEquals(List.of(0.7), share.get("slow_line"));
        assertEquals(cpus.get("line_rt_ns"), share.get("line_rt_ns"), "what the windows met is the same");
    }

    @Test
    void theLineProbeTimesRoundTripsAndRejectsBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> LineProbe.roundTripNs(-1, -1, 0));
        assertEquals("rounds 0 is out of range; allowed 1 or more", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LineProbe.roundTripNs(1, 1, 10));
        assertEquals("CPU 1 twice: the probe needs two different CPUs (or -1, unpinned)", e.getMessage());
        // two spinning threads hand the line over only if both run at once
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU");
        double ns = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> LineProbe.roundTripNs(-1, -1, 2_000));
        // unpinned threads on a shared machine: a stalled partner gives NaN, anything else a time
        assertTrue(Double.isNaN(ns) || ns > 0 && ns < LineProbe.STUCK_NS, "round trip " + ns);
        BenchResult r = new BenchResult("ops");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> OpsBench.lineRoundTrips(r, -1, -1, 2));
        BenchResult.Row row = row(r, "machine", "line_round_trip_ns");
        assertEquals(2, ((Number) row.params().get("samples")).intValue() + ((Number) row.params().get("stalled")).intValue());
        assertEquals(row.params().get("samples"), ((List<?>) row.params().get("each")).size());
    }

    @Test
    void badOptionsNameTheValueAndTheRange() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CapacityBench.Options(List.of("platform"), 1, 0, 1_000_000_000L, 1, Sut.RuntimeConfig.DEFAULT, false));
        assertTrue(e.getMessage().contains("--hogs 0") && e.getMessage().contains("1..1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CapacityBench.Options(List.of("platform"), 1, 1, 1_000_000_000L, 0, Sut.RuntimeConfig.DEFAULT, false));
        assertTrue(e.getMessage().contains("--runs 0"), e.getMessage());
    }
}
