package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The report and the headline from synthetic results: no benchmark runs here. */
class ReportTest {

    private static BenchResult.Row row(String sys, String metric, double v, String unit, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return new BenchResult.Row(sys, metric, v, unit, p);
    }

    static List<BenchResult> synthetic() {
        BenchResult sch = new BenchResult("schbench").param("cores", 2);
        for (int w : new int[] {4, 8}) {
            sch.add(row("skyloft:cfs", "wakeup_p99_us", 150, "us", "workers", w));
            sch.add(row("skyloft:eevdf", "wakeup_p99_us", 160, "us", "workers", w));
            sch.add(row("skyloft:fifo", "wakeup_p99_us", 9000, "us", "workers", w));
            sch.add(row("jdk-default", "wakeup_p99_us", 20000, "us", "workers", w));
            sch.add(row("platform", "wakeup_p99_us", w == 4 ? 6000 : 2000, "us", "workers", w));
        }
        BenchResult lc = new BenchResult("lc").param("dist", "bimodal-995-4us-10ms").param("slo", "p99 <= 500us").param("slo_us", 500.0);
        for (double l : new double[] {0.3, 0.5, 0.7}) {
            lc.add(row("skyloft:rr", "p99_us", 100 * l, "us", "load", l));
            lc.add(row("skyloft:rr", "short_p99_us", 80 * l, "us", "load", l));
            lc.add(row("jdk-default", "p99_us", 10000 * l, "us", "load", l));
            lc.add(row("jdk-default", "short_p99_us", 10000 * l, "us", "load", l));
            lc.add(row("platform", "short_p99_us", 20 * l, "us", "load", l));
            lc.add(row("skyloft:rr", "p99_pooled_us", 900 * l, "us", "load", l));
        }
        lc.add(row("skyloft:rr", "max_load_at_slo", 0.6, "load"));
        lc.add(row("jdk-default", "max_load_at_slo", 0.5, "load"));
        lc.add(row("platform", "max_load_at_slo", 0.7, "load"));
        BenchResult pipe = new BenchResult("pipe");
        pipe.add(row("skyloft:fifo", "us_per_roundtrip", 0.5, "us", "carriers", 1));
        pipe.add(row("jdk-default", "us_per_roundtrip", 0.7, "us", "carriers", 2));
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1, "pinned", "both to CPU 0"));
        pipe.add(row("platform", "us_per_roundtrip", 60, "us", "carriers", 2));
        BenchResult ops = new BenchResult("ops");
        ops.add(row("skyloft:fifo", "yield_ns", 300, "ns"));
        ops.add(row("jdk-default", "yield_ns", 250, "ns"));
        ops.add(row("continuation", "yield_ns", 120, "ns"));
        BenchResult pick = new BenchResult("pick");
        pick.add(row("skyloft:fifo", "ns_per_op", 30, "ns", "runnable", 10));
        pick.add(row("skyloft:goodness", "ns_per_op", 9000, "ns", "runnable", 1000));
        return List.of(sch, lc, pipe, ops, pick);
    }

    /** The schbench headline of one worker count: eevdf (cfs the same), jdk-default and platform wakeup p99s (us). */
    private static Headline schbench(double eevdf, double jdk, double platform) {
        BenchResult sch = new BenchResult("schbench");
        sch.add(row("skyloft:eevdf", "wakeup_p99_us", eevdf, "us", "workers", 8));
        sch.add(row("skyloft:cfs", "wakeup_p99_us", eevdf, "us", "workers", 8));
        sch.add(row("jdk-default", "wakeup_p99_us", jdk, "us", "workers", 8));
        sch.add(row("platform", "wakeup_p99_us", platform, "us", "workers", 8));
        return Headline.compute(List.of(sch)).get(0);
    }

    @Test
    void schbenchMustAlsoBeatJdkDefault() {
        Headline h = schbench(80, 30, 9000);
        assertEquals(false, h.met(), "80 us and 112x below platform, but above jdk-default's 30 us");
        assertTrue(h.target().contains("jdk-default"), h.target());
        assertEquals(true, schbench(80, 160, 9000).met());
    }

    @Test
    void schbenchThroughputIsShownForTheSystemWithTheBestWakeups() {
        BenchResult sch = new BenchResult("schbench");
        sch.add(row("skyloft:eevdf", "wakeup_p99_us", 50, "us", "workers", 4));
        sch.add(row("skyloft:cfs", "wakeup_p99_us", 70, "us", "workers", 4));
        sch.add(row("jdk-default", "wakeup_p99_us", 30, "us", "workers", 4));
        sch.add(row("skyloft:eevdf", "rps", 600, "1/s", "workers", 4));
        sch.add(row("skyloft:cfs", "rps", 900, "1/s", "workers", 4));
        sch.add(row("jdk-default", "rps", 800, "1/s", "workers", 4));
        List<Headline> hs = Headline.compute(List.of(sch));
        assertEquals(2, hs.size());
        Headline t = hs.get(1);
        assertEquals("schbench requests/s, 4 workers", t.figure());
        assertEquals("skyloft:eevdf", t.skySystem(), "the wakeup winner's throughput, not the best throughput");
        assertEquals(600, t.sky(), 1e-9);
        assertEquals("1.3x worse", Headline.describe(t.vsJdk()));
        assertTrue(Double.isNaN(t.platform()));
        assertNull(t.met());
    }

    @Test
    void schbenchPostToRunIsShownForTheSystemWithTheBestWakeupsBesideTheBaselines() {
        BenchResult sch = new BenchResult("schbench");
        sch.add(row("skyloft:eevdf", "wakeup_p99_us", 50, "us", "workers", 8));
        sch.add(row("skyloft:cfs", "wakeup_p99_us", 70, "us", "workers", 8));
        sch.add(row("jdk-default", "wakeup_p99_us", 30, "us", "workers", 8));
        sch.add(row("skyloft:eevdf", "post_to_run_p99_us", 60, "us", "workers", 8));
        sch.add(row("skyloft:cfs", "post_to_run_p99_us", 20, "us", "workers", 8));
        sch.add(row("jdk-default", "post_to_run_p99_us", 40, "us", "workers", 8));
        sch.add(row("platform", "post_to_run_p99_us", 6000, "us", "workers", 8));
        List<Headline> hs = Headline.compute(List.of(sch));
        assertEquals(2, hs.size(), hs.toString());
        Headline t = hs.get(1);
        assertEquals("schbench post-to-run p99, 8 workers", t.figure());
        assertEquals("skyloft:eevdf", t.skySystem(), "the wakeup winner's, not the best post-to-run");
        assertEquals(60, t.sky(), 1e-9);
        assertEquals("1.5x worse", Headline.describe(t.vsJdk()));
        assertEquals(100, t.vsPlatform(), 1e-9);
        assertNull(t.met(), "no target");
        String html = Report.html("t", Map.of(), List.of(sch), null);
        assertTrue(html.contains("post_to_run_p99_us") && html.contains("the message thread's own wait is in it"), html);
    }

    @Test
    void headlineRatiosAndTargets() {
        List<Headline> hs = Headline.compute(synthetic());
        Map<String, Headline> by = new LinkedHashMap<>();
        for (Headline h : hs) by.put(h.figure(), h);
        Headline s8 = by.get("schbench wakeup p99, 8 workers");
        assertEquals("skyloft:cfs", s8.skySystem());
        assertEquals(2000 / 150.0, s8.vsPlatform(), 1e-9);
        assertEquals(false, s8.met()); // 13x < 20x
        assertEquals(true, by.get("schbench wakeup p99, 4 workers").met()); // 6000/150 = 40x, 150 <= 200
        Headline lcShort = by.get("lc short-request p99 at 50% load (bimodal-995-4us-10ms)");
        assertEquals(40, lcShort.sky(), 1e-9);
        assertEquals(125, lcShort.vsJdk(), 1e-9);
        assertEquals(true, lcShort.met());
        assertTrue(lcShort.vsPlatform() < 1, "platform wins here and the headline must show it");
        Headline slo = by.get("lc max load at SLO (p99 <= 500us)");
        assertEquals(1.2, slo.vsJdk(), 1e-9);
        assertEquals(true, slo.met());
        Headline pipe = by.get("pipe round trip, one carrier");
        assertEquals(10, pipe.vsPlatform(), 1e-9);
        assertEquals(true, pipe.met());
        Headline y = by.get("ops yield ns");
        assertNull(y.met());
        assertEquals("1.2x worse", Headline.describe(y.vsJdk()));
    }

    @Test
    void htmlIsSelfContainedAndItsPlotsParse() throws Exception {
        String html = Report.html("test <report>", Map.of("JDK", "25", "cores used by every system", "2"), synthetic(), "note & more");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("test &lt;report&gt;"));
        assertTrue(html.contains("note &amp; more"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "nothing fetched from the network");
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        List<Document> svgs = new ArrayList<>();
        var dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        while (m.find()) svgs.add(dbf.newDocumentBuilder().parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
        assertEquals(5, svgs.size(), "schbench bars, lc all + short, pipe bars, pick bars");
        // the lc chart has one polyline per system with a p99_us series (rr, jdk-default)
        assertEquals(2, svgs.get(1).getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength());
        // short requests: rr, jdk-default and platform
        assertEquals(3, svgs.get(2).getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength());
        // schbench bars: 2 groups x 5 systems
        assertEquals(10, svgs.get(0).getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength() - 1 - 5); // minus frame, legend
        // the body as a whole is balanced for the tags we emit
        for (String tag : new String[] {"table", "tr", "svg", "details", "h2"}) {
            assertEquals(count(html, "<" + tag + ">") + count(html, "<" + tag + " "), count(html, "</" + tag + ">"), tag);
        }
        assertTrue(html.contains("SLO 500 us"), "the SLO is drawn on the lc plots");
        assertTrue(html.contains("p99_pooled_us (us)") && html.contains("load=0.5"), "the pooled p99 is tabled beside the median one");
        assertTrue(html.contains("class=\"lose\""), "a loss is shown");
        assertTrue(html.contains("class=\"win\""));
        assertTrue(html.contains("<b>no</b>"), "a missed target is shown");
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }

    @Test
    void headlineTablePrintsEveryFigure() {
        var bytes = new ByteArrayOutputStream();
        Demo.printHeadline(Headline.compute(synthetic()), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("schbench wakeup p99, 8 workers"));
        assertTrue(out.contains("NO: skyloft:cfs and skyloft:eevdf each <= 200 us"), out);
        assertTrue(out.contains("13.3x better"));
        assertTrue(out.contains("pipe round trip, one carrier"));
    }


    /** A benchmark where a system is missing (no Skyloft row of pipe, lc params of an older run
     *  without dist and slo): its cells read "-" with no unit after them, and no figure names a
     *  "null". */
    @Test
    void missingSystemsAndParamsReadAsADashNotANullOrADashWithAUnit() {
        BenchResult pipe = new BenchResult("pipe");
        pipe.add(row("platform", "us_per_roundtrip", 5, "us", "carriers", 1, "pinned", "both to CPU 0"));
        BenchResult lc = new BenchResult("lc");
        lc.add(row("skyloft:rr", "p99_us", 50, "us", "load", 0.5));
        lc.add(row("jdk-default", "p99_us", 900, "us", "load", 0.5));
        List<BenchResult> rs = List.of(lc, pipe);
        String table = Report.headlineTable(Headline.compute(rs));
        assertFalse(table.contains("null"), table);
        assertFalse(table.contains("<td>- us</td>") || table.contains("<td>- load</td>"), table);
        assertTrue(table.contains("<td class=\"l\">pipe round trip, one carrier</td><td class=\"l\">-</td><td>-</td><td>-</td><td>-</td><td>5.00</td>"), table);
        assertTrue(table.contains("<td class=\"l\">lc p99 at 50% load</td>"), table);
        var bytes = new ByteArrayOutputStream();
        Demo.printHeadline(Headline.compute(rs), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("null") || out.contains("- us") || out.contains("- load"), out);
    }

    @Test
    void theMachineLineNamesTheStallsAndTheLineRoundTrip() {
        BenchResult ops = new BenchResult("ops");
        ops.add(row("machine", "stalls_over_30us_per_s", 338, "1/s"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cpus", List.of(0, 1));
        p.put("min", 67.0);
        p.put("max", 1246.0);
        ops.add(new BenchResult.Row("machine", "line_round_trip_ns", 319.5, "ns", p));
        assertEquals("338 stalls over 30 us per CPU-second; cache-line round trip between CPUs [0, 1]: median 320 ns (67 to 1246 ns)",
                Demo.machineNoise(List.of(new BenchResult("pipe"), ops)));
        assertNull(Demo.machineNoise(List.of(new BenchResult("pipe"))), "no ops run, nothing to say");
    }

    @Test
    void theOpsTableKeepsEveryRowOfAMetricMeasuredTwice() {
        BenchResult ops = new BenchResult("ops");
        for (int idleUs : new int[] {100, 1000}) {
            ops.add(row("machine", "wake_after_idle_p50_us", idleUs == 100 ? 11 : 77, "us", "idle_us", idleUs, "cpus", List.of(0, 1), "samples", 300));
        }
        ops.add(row("skyloft:fifo", "yield_ns", 300, "ns", "carriers", 1, "min", 290.0));
        ops.add(row("jdk-default", "yield_ns", 250, "ns", "carriers", 2, "min", 240.0));
        String t = Report.opsTable(ops);
        assertTrue(t.contains(">wake_after_idle_p50_us (idle_us=100)<") && t.contains(">11.00<"), t);
        assertTrue(t.contains(">wake_after_idle_p50_us (idle_us=1000)<") && t.contains(">77.00<"), "the second idle time is not dropped: " + t);
        assertTrue(t.contains(">yield_ns<"), "one row per system: no params in the label: " + t);
        assertEquals(3, count(t, "<tr><td"), t);
    }

    @Test
    void aSystemMeasuredOnTwoCarrierCountsGetsALinePerCountNotPerSpread() {
        BenchResult ops = new BenchResult("ops");
        ops.add(row("skyloft:fifo", "yield_ns", 177, "ns", "min", 172.0, "runs", 3, "max", 185.0, "carriers", 1));
        ops.add(row("jdk-default", "yield_ns", 256, "ns", "min", 240.0, "runs", 3, "max", 311.0, "carriers", 2, "note", "parallelism 2"));
        ops.add(row("jdk-default", "yield_ns", 163, "ns", "carriers", 1, "jvm", "child, parallelism 1", "min", 150.0, "max", 189.0, "runs", 3));
        ops.add(row("platform", "yield_ns", 1530, "ns", "min", 1500.0, "runs", 3, "max", 1556.0, "carriers", 1, "pinned", "to CPU 1"));
        ops.add(row("continuation", "yield_ns", 130, "ns", "min", 120.0, "runs", 3, "max", 137.0));
        assertEquals(List.of("carriers"), Report.distinguishingParams(ops, "yield_ns"));
        String t = Report.opsTable(ops);
        assertEquals(2, count(t, "<tr><td"), "a line per carrier count: " + t);
        assertTrue(t.contains(">yield_ns (carriers=1)</td><td>177</td><td>163</td><td>1530</td><td>130</td></tr>"),
                "one carrier: Skyloft, jdk-default's child JVM, platform and the continuation (which has no carriers) on one line: " + t);
        assertTrue(t.contains(">yield_ns (carriers=2)</td><td>-</td><td>256</td><td>-</td><td>-</td></tr>"), t);
        assertTrue(!t.contains("max="), "never the spread: " + t);
    }

    @Test
    void capacityIsTabledSystemsAcross() {
        BenchResult cap = new BenchResult("capacity").param("hogs", 20);
        cap.add(row("skyloft:eevdf", "work_cpus", 1.5, "CPUs"));
        cap.add(row("skyloft:eevdf", "ticks_per_cpu_s", 70_000, "1/s"));
        cap.add(row("platform", "work_cpus", 1.9, "CPUs"));
        String html = Report.html("cap", Map.of(), List.of(cap), null);
        assertTrue(html.contains("<h2 id=\"capacity\">capacity</h2>"));
        int table = html.indexOf("<table><tr><th class=\"l\">mechanism</th>", html.indexOf("id=\"capacity\""));
        assertTrue(table > 0, "a table of the capacity metrics");
        String t = html.substring(table, html.indexOf("</table>", table));
        assertTrue(t.contains("skyloft:eevdf") && t.contains("platform") && t.contains("work_cpus") && t.contains("ticks_per_cpu_s"), t);
    }

    @Test
    void colocationShowsTheBestSkyloftServiceAndWhatItsHogsGot() {
        BenchResult co = new BenchResult(Demo.COLOCATION).param("batch", 2).param("batch_threads", Map.of("platform", "SCHED_IDLE threads"));
        for (double l : new double[] {0.3, 0.5}) {
            co.add(row("skyloft:apps[lc=rr]", "short_p99_us", 100 * l, "us", "load", l));
            co.add(row("skyloft:apps[lc=rr]", "batch_cpus", 1 - l, "CPUs", "load", l));
            co.add(row("skyloft:rr", "short_p99_us", 1000 * l, "us", "load", l));
            co.add(row("skyloft:rr", "batch_cpus", 2 - l, "CPUs", "load", l));
            co.add(row("jdk-default", "short_p99_us", 2e6, "us", "load", l));
            co.add(row("jdk-default", "batch_cpus", 1.8, "CPUs", "load", l));
            co.add(row("platform", "short_p99_us", 300, "us", "load", l));
            co.add(row("platform", "batch_cpus", 0.4, "CPUs", "load", l));
            co.add(row("skyloft:apps[lc=rr]", "p99_us", 200 * l, "us", "load", l));
        }
        List<Headline> hs = Headline.compute(List.of(co));
        assertEquals(2, hs.size());
        Headline lat = hs.get(0);
        assertEquals("co-location: lc short p99 at 30%, 2 hogs", lat.figure());
        assertEquals("skyloft:apps[lc=rr]", lat.skySystem());
        assertEquals(30, lat.sky(), 1e-9);
        assertEquals(10, lat.vsPlatform(), 1e-9);
        assertNull(lat.met(), "the issue sets no co-location target");
        Headline hogs = hs.get(1);
        assertEquals("skyloft:apps[lc=rr]", hogs.skySystem(), "the hogs of the system with the best service, not the hogs' best");
        assertEquals(0.7, hogs.sky(), 1e-9);
        assertEquals("2.6x worse", Headline.describe(hogs.vsJdk()));
        assertEquals(1.75, hogs.vsPlatform(), 1e-9);

        String html = Report.html("co", Map.of(), List.of(co), null);
        assertTrue(html.contains("<h2 id=\"colocation\">colocation</h2>"));
        assertTrue(html.contains("SCHED_IDLE threads"), "how each system ran its hogs");
        assertTrue(html.contains("batch_cpus (CPUs)") && html.contains("short_p99_us (us)"));
        assertTrue(html.contains("co-location: p99 latency vs load"), "two loads make a plot");
    }
}
