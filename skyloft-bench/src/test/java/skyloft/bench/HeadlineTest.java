package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the headline may claim: each row judged on like figures of the same run, and no more than they show. */
class HeadlineTest {

    private static BenchResult.Row row(String sys, String metric, double v, String unit, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return new BenchResult.Row(sys, metric, v, unit, p);
    }

    /** An lc result measured at 10%, 30% and 50% load with these max loads at the SLO. */
    private static BenchResult lc(Object... systemAndMaxLoad) {
        BenchResult lc = new BenchResult("lc").param("slo", "p99 <= 500us").param("loads", List.of(0.1, 0.3, 0.5));
        for (int i = 0; i < systemAndMaxLoad.length; i += 2) {
            lc.add(row((String) systemAndMaxLoad[i], "max_load_at_slo", ((Number) systemAndMaxLoad[i + 1]).doubleValue(), "load"));
        }
        return lc;
    }

    private static Headline only(BenchResult r, String figureStart) {
        return Headline.compute(List.of(r)).stream().filter(h -> h.figure().startsWith(figureStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no headline row starting '" + figureStart + "'"));
    }

    private static String printed(List<Headline> hs) {
        var bytes = new ByteArrayOutputStream();
        Demo.printHeadline(hs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMaxLoadOfZeroIsOnlyABoundSoSkyloftMustClear1Point2TimesTheLowestLoad() {
        // jdk-default missed the SLO at 10% already: its limit lies somewhere below 10%
        Headline atLowest = only(lc("skyloft:rr", 0.1, "jdk-default", 0.0), "lc max load");
        assertEquals(false, atLowest.met(), "10% is not shown to be 1.2x a limit that may be 9%");
        Headline above = only(lc("skyloft:rr", 0.3, "jdk-default", 0.0), "lc max load");
        assertEquals(true, above.met(), "30% is at least 1.2x anything below 10%");
        String out = printed(List.of(above));
        assertTrue(out.contains("jdk-default below 10%"), "the cell says what was compared:\n" + out);
        assertFalse(out.contains("only skyloft meets it"), out);
        assertTrue(above.target().contains("12%"), above.target());
    }

    @Test
    void aZeroOnSkyloftsSideIsNoInfinity() {
        BenchResult r = lc("skyloft:rr", 0.0, "jdk-default", 0.1, "platform", 0.3);
        List<Headline> hs = Headline.compute(List.of(r));
        String out = printed(hs) + Report.headlineTable(hs);
        assertFalse(out.contains("Infinity") || out.contains("NaN"), out);
        assertTrue(out.contains("skyloft below 10%"), out);
        assertEquals(false, hs.get(0).met());
        assertFalse(Headline.describe(0).contains("Infinity"), Headline.describe(0));
    }

    @Test
    void aTieIsNoWin() {
        assertEquals("even", Headline.describe(1.0));
        assertEquals("even", Headline.describe(1 / 1.003));
        assertEquals("1.04x better", Headline.describe(1.04), "a small lead keeps its digits instead of reading 1.0x better");
        assertEquals("1.3x worse", Headline.describe(1 / 1.3));
        BenchResult pipe = new BenchResult("pipe");
        pipe.add(row("skyloft:fifo", "us_per_roundtrip", 5, "us", "carriers", 1));
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1));
        String html = Report.headlineTable(Headline.compute(List.of(pipe)));
        assertFalse(html.contains("class=\"win\""), "a tie is not painted green: " + html);
        assertTrue(html.contains(">even<"), html);
    }

    @Test
    void theMaxLoadRowCreditsOnlyAPreemptivePolicyAndSaysWhenItDiffersFromTheP99Row() {
        BenchResult r = lc("skyloft:rr[slice=30us]", 0.3, "skyloft:fifo", 0.6, "skyloft:cfs", 0.5, "jdk-default", 0.5);
        for (String sys : List.of("skyloft:rr[slice=30us]", "skyloft:fifo", "skyloft:cfs", "jdk-default")) {
            r.add(row(sys, "short_p99_us", sys.equals("skyloft:rr[slice=30us]") ? 20 : sys.equals("skyloft:fifo") ? 10 : 40, "us", "load", 0.5));
        }
        List<Headline> hs = Headline.compute(List.of(r));
        Headline p99 = hs.get(0), max = hs.get(1);
        assertEquals("skyloft:rr[slice=30us]", p99.skySystem(), "fifo never preempts: not credited");
        assertEquals("skyloft:cfs", max.skySystem(), "fifo's 0.6 is not the preemptive best");
        assertEquals(false, max.met(), "0.5 against jdk-default's 0.5");
        assertTrue(max.target().contains("preemptive") && p99.target().contains("preemptive"), max.target() + " / " + p99.target());
        String out = printed(hs);
        assertTrue(out.contains("the p99 row credits skyloft:rr[slice=30us]"), out);
    }

    @Test
    void pipeComparesJdkDefaultOnlyOnOneCarrier() {
        BenchResult pipe = new BenchResult("pipe");
        pipe.add(row("skyloft:fifo", "us_per_roundtrip", 0.5, "us", "carriers", 1));
        pipe.add(row("jdk-default", "us_per_roundtrip", 0.7, "us", "carriers", 2));
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1, "pinned", "both to CPU 0"));
        Headline h = only(pipe, "pipe");
        assertTrue(Double.isNaN(h.jdk()), "jdk-default's two-carrier figure is not a one-carrier one: " + h.jdk());
        assertEquals(true, h.met());
        String out = printed(List.of(h));
        assertTrue(out.contains("jdk-default ran on 2 carriers only"), out);
        pipe.add(row("jdk-default", "us_per_roundtrip", 0.9, "us", "carriers", 1));
        assertEquals(0.9, only(pipe, "pipe").jdk(), 1e-9);
    }

    @Test
    void opsComparesLikeCarrierCounts() {
        BenchResult ops = new BenchResult("ops");
        ops.add(row("skyloft:fifo", "yield_ns", 300, "ns", "carriers", 1));
        ops.add(row("jdk-default", "yield_ns", 250, "ns", "carriers", 2));
        ops.add(row("platform", "yield_ns", 1500, "ns", "carriers", 1));
        ops.add(row("skyloft:fifo", "wakeup_p99_us", 40, "us", "carriers", 2));
        ops.add(row("jdk-default", "wakeup_p99_us", 80, "us", "carriers", 2));
        ops.add(row("platform", "wakeup_p99_us", 20, "us", "carriers", 2));
        Headline y = only(ops, "ops yield");
        assertTrue(Double.isNaN(y.jdk()), "parallelism 2 against one carrier: " + y.jdk());
        assertEquals(1500, y.platform(), 1e-9);
        assertEquals(80, only(ops, "ops wakeup").jdk(), 1e-9);
        assertTrue(printed(List.of(y)).contains("jdk-default ran on 2 carriers only"));
    }

    @Test
    void schbenchJudgesOnlyTheWorkerCountsTheTargetNames() {
        BenchResult sch = new BenchResult("schbench");
        for (int w : new int[] {2, 4, 8}) {
            sch.add(row("skyloft:cfs", "wakeup_p99_us", 100, "us", "workers", w));
            sch.add(row("skyloft:eevdf", "wakeup_p99_us", 120, "us", "workers", w));
            sch.add(row("jdk-default", "wakeup_p99_us", 9000, "us", "workers", w));
            sch.add(row("platform", "wakeup_p99_us", 9000, "us", "workers", w));
        }
        Map<String, Headline> by = new LinkedHashMap<>();
        for (Headline h : Headline.compute(List.of(sch))) by.put(h.figure(), h);
        Headline two = by.get("schbench wakeup p99, 2 workers");
        assertNull(two.met(), "the target is set for 4 and 8 workers");
        assertEquals("", two.target());
        assertEquals(true, by.get("schbench wakeup p99, 4 workers").met());
        assertEquals(true, by.get("schbench wakeup p99, 8 workers").met());
    }

    /** The schbench target is for cfs and eevdf each: the better of the two passing is not enough,
     *  and one of them missing leaves it unjudged. */
    @Test
    void schbenchJudgesCfsAndEevdfEachNotTheBetterOfThem() {
        BenchResult sch = new BenchResult("schbench");
        sch.add(row("skyloft:cfs", "wakeup_p99_us", 100, "us", "workers", 4));
        sch.add(row("skyloft:eevdf", "wakeup_p99_us", 5000, "us", "workers", 4));
        sch.add(row("jdk-default", "wakeup_p99_us", 500, "us", "workers", 4));
        sch.add(row("platform", "wakeup_p99_us", 8000, "us", "workers", 4));
        Headline h = only(sch, "schbench wakeup p99, 4");
        assertEquals("skyloft:cfs", h.skySystem(), "the row shows the better");
        assertEquals(false, h.met(), "eevdf misses every clause");
        assertTrue(h.note().contains("missed by skyloft:eevdf 5000.0 us"), h.note());
        BenchResult cfsOnly = new BenchResult("schbench");
        cfsOnly.add(row("skyloft:cfs", "wakeup_p99_us", 100, "us", "workers", 4));
        cfsOnly.add(row("jdk-default", "wakeup_p99_us", 500, "us", "workers", 4));
        cfsOnly.add(row("platform", "wakeup_p99_us", 8000, "us", "workers", 4));
        assertNull(only(cfsOnly, "schbench wakeup p99, 4").met(), "eevdf did not run: not judged");
        BenchResult zero = new BenchResult("schbench");
        zero.add(row("skyloft:cfs", "wakeup_p99_us", 0, "us", "workers", 4));
        zero.add(row("skyloft:eevdf", "wakeup_p99_us", 0, "us", "workers", 4));
        zero.add(row("jdk-default", "wakeup_p99_us", 500, "us", "workers", 4));
        zero.add(row("platform", "wakeup_p99_us", 8000, "us", "workers", 4));
        assertNull(only(zero, "schbench wakeup p99, 4").met(), "a figure of 0 is no measurement to judge");
    }

    /** The pipe target compares with platform pinned to one core: unpinned, it is not judged. */
    @Test
    void pipeIsNotJudgedAgainstAnUnpinnedPlatform() {
        BenchResult pipe = new BenchResult("pipe");
        pipe.add(row("skyloft:fifo", "us_per_roundtrip", 0.5, "us", "carriers", 1));
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1, "pinned", "no: sched_setaffinity refused"));
        Headline h = only(pipe, "pipe");
        assertNull(h.met());
        assertTrue(h.note().contains("platform was not pinned to one core (no: sched_setaffinity refused)"), h.note());
    }

    /** A max load at SLO that is a bound (met at the highest load measured), or that a noisy low
     *  load cut short (met above a miss), is not judged as if exact. */
    @Test
    void maxLoadBoundsAndNoisySweepsAreNotJudgedAsExact() {
        BenchResult capped = new BenchResult("lc").param("slo", "p99 <= 500us").param("loads", List.of(0.1, 0.5, 0.7));
        capped.add(row("skyloft:rr", "max_load_at_slo", 0.7, "load", "highest_load", 0.7));
        capped.add(row("jdk-default", "max_load_at_slo", 0.7, "load", "highest_load", 0.7));
        Headline h = only(capped, "lc max load");
        assertNull(h.met(), "both met at every load: neither limit is known");
        assertTrue(h.note().contains("jdk-default met the SLO at every load measured: its limit is at least 70%"), h.note());

        BenchResult noisy = new BenchResult("lc").param("slo", "p99 <= 500us").param("loads", List.of(0.1, 0.3, 0.5));
        noisy.add(row("skyloft:rr", "max_load_at_slo", 0.5, "load", "highest_load", 0.5));
        noisy.add(row("jdk-default", "max_load_at_slo", 0, "load", "highest_load", 0.5, "met_above_a_miss", 0.5));
        Headline n = only(noisy, "lc max load");
        assertNull(n.met(), "jdk-default missed at 10% but met at 50%: not known to be below 10%");
        assertTrue(Double.isNaN(n.jdk()), "not compared");
        assertTrue(n.note().contains("jdk-default missed the SLO at 10% or below, yet met it at 50%"), n.note());
        assertTrue(!printed(List.of(n)).contains("below 10%"), printed(List.of(n)));

        BenchResult short1 = new BenchResult("lc").param("slo", "p99 <= 500us").param("loads", List.of(0.1, 0.3, 0.5));
        short1.add(row("skyloft:rr", "max_load_at_slo", 0.1, "load", "highest_load", 0.5, "met_above_a_miss", 0.5));
        short1.add(row("jdk-default", "max_load_at_slo", 0.3, "load", "highest_load", 0.5));
        Headline s1 = only(short1, "lc max load");
        assertNull(s1.met(), "skyloft's figure is a lower bound that falls short: it says nothing");
        assertTrue(s1.note().contains("skyloft:rr's limit is at least 10%"), s1.note());
    }

    /** The ops wakeup row compares a spinning carrier with parking baselines: its note says so,
     *  with the parked figure beside. */
    @Test
    void theOpsWakeupRowSaysSkyloftsCarrierSpunAndGivesTheParkedFigure() {
        BenchResult ops = new BenchResult("ops");
        ops.add(row("skyloft:fifo", "wakeup_p99_us", 29, "us", "carriers", 2));
        ops.add(row("skyloft:fifo", "wakeup_parked_p99_us", 39.9, "us", "carriers", 2));
        ops.add(row("jdk-default", "wakeup_p99_us", 63, "us", "carriers", 2));
        ops.add(row("platform", "wakeup_p99_us", 22, "us", "carriers", 2));
        Headline h = only(ops, "ops wakeup p99");
        assertTrue(h.note().contains("still spinning; parked: 39.9 us"), h.note());
    }

    /** The targets are set for 2 cores: a row judged on another count says so. */
    @Test
    void aTargetJudgedOnAnotherCoreCountSaysSo() {
        BenchResult pipe = new BenchResult("pipe").param("cores", 4);
        pipe.add(row("skyloft:fifo", "us_per_roundtrip", 0.5, "us", "carriers", 1));
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1, "pinned", "both to CPU 0"));
        Headline h = only(pipe, "pipe");
        assertEquals(true, h.met());
        assertTrue(h.note().contains("the targets are set for 2 cores; this run used 4"), h.note());
        pipe.param("cores", 2);
        assertFalse(only(pipe, "pipe").note().contains("cores"), "on 2 cores, no such note");
    }

    /** A worker that never woke in the window leaves no sample: a system with such workers is
     *  named in the note, and a pass that rests on its figure is not claimed. */
    @Test
    void schbenchNamesSystemsWhoseWorkersNeverWokeAndClaimsNoPassOnThem() {
        BenchResult sch = new BenchResult("schbench");
        sch.add(row("skyloft:cfs", "wakeup_p99_us", 100, "us", "workers", 4));
        sch.add(row("skyloft:eevdf", "wakeup_p99_us", 90, "us", "workers", 4, "workers_never_woken", 2));
        sch.add(row("jdk-default", "wakeup_p99_us", 500, "us", "workers", 4));
        sch.add(row("platform", "wakeup_p99_us", 8000, "us", "workers", 4));
        Headline h = only(sch, "schbench wakeup p99, 4");
        assertNull(h.met(), "eevdf's figure leaves two workers' waits out");
        assertTrue(h.note().contains("workers that never woke in the window, their waits in no percentile: skyloft:eevdf 2"), h.note());
    }

    /** A baseline whose window was spent compiling (jdk-default's first run in the JVM compiles the
     *  JDK's scheduler paths) gives no pass; a Skyloft system's compiling is named but leaves its
     *  verdict alone, since it can only have hurt it. */
    @Test
    void schbenchClaimsNoPassOverABaselineThatCompiledThroughItsWindow() {
        Headline polluted = only(compiling(422, null), "schbench wakeup p99, 4");
        assertNull(polluted.met(), "jdk-default compiled through 14% of its window");
        assertTrue(polluted.note().contains("JIT compilation over 5% of the window's CPU time (cores x window): skyloft:cfs 160 ms of compile time, "
                + "jdk-default 422 ms of compile time (so not judged)"), polluted.note());
        Headline quiet = only(compiling(150, null), "schbench wakeup p99, 4");
        assertEquals(true, quiet.met(), "150 ms is not over 5% of 3000 CPU-ms");
        assertTrue(quiet.note().contains("skyloft:cfs 160 ms of compile time") && !quiet.note().contains("not judged"), quiet.note());
        // the compiler threads' CPU time, where the rows have it, decides over the compile time
        Headline byCpu = only(compiling(422, 90), "schbench wakeup p99, 4");
        assertEquals(true, byCpu.met(), "422 ms of compile time, but 90 ms of compiler CPU: under 150");
        assertFalse(byCpu.note().contains("JIT"), byCpu.note());
    }

    /** A schbench result at 4 workers that passes on its figures: a 2-s run with 0.5 s of warm-up
     *  on 2 cores (3000 CPU-ms in the window, 5% of it 150 ms), cfs compiling 160 ms, jdk-default
     *  {@code jdkJitMs}; with {@code jdkJitCpuMs}, every rps row carries {@code jit_cpu_ms} too
     *  (jdk-default's that, the others 10). */
    private static BenchResult compiling(int jdkJitMs, Integer jdkJitCpuMs) {
        BenchResult sch = new BenchResult("schbench").param("cores", 2).param("duration_s", 2.0).param("warmup_s", 0.5);
        Object[][] systems = {{"skyloft:cfs", 100, 160}, {"skyloft:eevdf", 80, 33}, {"jdk-default", 1100, jdkJitMs}, {"platform", 6000, 20}};
        for (Object[] x : systems) {
            String sys = (String) x[0];
            sch.add(row(sys, "wakeup_p99_us", (Integer) x[1], "us", "workers", 4));
            sch.add(jdkJitCpuMs == null ? row(sys, "rps", 600, "1/s", "workers", 4, "jit_ms", x[2])
                    : row(sys, "rps", 600, "1/s", "workers", 4, "jit_ms", x[2], "jit_cpu_ms", sys.equals("jdk-default") ? jdkJitCpuMs : 10));
        }
        return sch;
    }
}
