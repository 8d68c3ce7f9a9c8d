package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import skyloft.policy.PolicyRegistry;
import skyloft.sim.scenario.Scenario;
import skyloft.sim.scenario.ScenarioLoader;
import skyloft.spi.SchedAttr;
import skyloft.util.JsonReader;
import skyloft.trace.PerfettoTraceWriter;
import skyloft.trace.SvgGanttWriter;
import skyloft.trace.Trace;
import skyloft.trace.TraceBuffer;

/** The outputs of a run (table, JSON, SVG Gantt, Perfetto trace) parse and hold the expected tasks and events. */
class OutputsTest {
    static final long MS = 1_000_000;

    /** Dhall's case under global EDF: heavy misses at 10ms. */
    static Simulator dhall(TraceBuffer tb) {
        Simulator s = new Simulator(PolicyRegistry.create("deadline"), 2, 100_000, CostModel.ZERO, 1, tb);
        s.add(new PeriodicWorkload("heavy", SchedAttr.DEFAULT.withDeadline(10 * MS, 10 * MS, 10 * MS), 0, 0, 1));
        s.add(new PeriodicWorkload("light", SchedAttr.DEFAULT.withDeadline(1 * MS, 9 * MS, 9 * MS), 0, 0, 2));
        return s;
    }

    /** The Perfetto trace of a run of {@link #dhall}. */
    static String dhallPerfetto() throws Exception {
        TraceBuffer tb = new TraceBuffer();
        dhall(tb).run(30 * MS);
        StringWriter w = new StringWriter();
        PerfettoTraceWriter.write(tb.toTrace("dhall", 2, 0, 30 * MS), w);
        return w.toString();
    }

    @Test
    void theSameRunTwiceInOneJvmWritesTheSameTrace() throws Exception {
        // task ids in the trace are the simulator's own (1, 2, ... per run), not a count kept
        // across every run this JVM has made, so a second run is byte for byte the first
        String first = dhallPerfetto();
        assertTrue(first.contains("\"task_id\":1,"), "the first task of a run is task 1");
        assertEquals(first, dhallPerfetto());
    }

    @Test
    void aTraceWhoseBufferFilledUpEndsWhereItFilledUpWithNoSliceRunningOnToTheEnd() {
        // two hogs under rr take turns every 50us; the buffer holds the first ~40 slices only.
        // The slice open when it filled up must not be drawn as running to the end of the run
        // (its stop was dropped, not absent): the trace ends where the buffer filled up.
        TraceBuffer tb = new TraceBuffer(200);
        Simulator s = new Simulator(PolicyRegistry.create("rr", Map.of("slice", "50us")), 1, 10_000, CostModel.ZERO, 1, tb);
        s.add(new HogWorkload("h", SchedAttr.DEFAULT, 0, 2));
        s.run(10 * MS);
        assertTrue(tb.dropped() > 0);
        Trace t = tb.toTrace("t", 1, 0, 10 * MS);
        long lastRecorded = t.events().get(t.events().size() - 1).timeNs();
        assertTrue(t.endNs() < 10 * MS && t.endNs() >= lastRecorded, "the trace ends where the buffer filled up: " + t.endNs());
        for (Trace.Slice sl : t.slices()) assertTrue(sl.durationNs() <= 50_000, "a 50us slice drawn " + sl.durationNs() + "ns long: " + sl);
    }

    @Test
    void jsonHasTheDocumentedKeysAndNullForNoMiss() {
        SimResult r = dhall(null).run(30 * MS);
        Map<String, Object> root = JsonReader.object(r.toJson("dhall"));
        assertEquals("deadline", root.get("policy"));
        assertEquals(Boolean.TRUE, root.get("simulated"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) root.get("tasks");
        assertEquals(Set.of("heavy", "light"), tasks.keySet());
        Map<String, Object> heavy = tasks.get("heavy"), light = tasks.get("light");
        for (String k : List.of("cpu_share", "completed", "latency_p99_us", "deadline_misses", "first_miss_ns")) {
            assertTrue(heavy.containsKey(k) && light.containsKey(k), k);
        }
        assertEquals(10.0 * MS, heavy.get("first_miss_ns"));
        assertNull(light.get("first_miss_ns"));
        assertEquals(0.0, light.get("deadline_misses"));
        assertEquals(2.0, light.get("tasks"));
        assertEquals(r.row("heavy").cpuShare(), (Double) heavy.get("cpu_share"), 1e-5);
    }

    @Test
    void tableShowsEveryTaskAndTheFirstMiss() {
        SimResult r = dhall(null).run(30 * MS);
        StringWriter sw = new StringWriter();
        r.printTable("dhall", new PrintWriter(sw));
        String[] lines = sw.toString().split("\n");
        assertTrue(lines[0].contains("policy deadline") && lines[0].contains("simulated"), lines[0]);
        assertTrue(lines[2].startsWith("heavy") && lines[2].trim().endsWith("10ms"), lines[2]);
        assertTrue(lines[3].startsWith("light") && lines[3].trim().endsWith("-"), lines[3]);
    }

    @Test
    void noPercentileLiesAboveTheMaximum() {
        // alone on its CPU, every burst's latency is exactly its 1000001 ns; the histogram's bucket reaches above that
        Simulator s = new Simulator(PolicyRegistry.create("fifo"), 1, 0, CostModel.ZERO, 1, null);
        s.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(1_000_001), new Dist.Fixed(10_000), 0, 1));
        SimResult.Row r = s.run(20 * MS).row("w");
        assertEquals(1000.001, r.latencyMaxUs(), 1e-9);
        for (double p : new double[] {r.latencyP50Us(), r.latencyP99Us(), r.latencyP999Us()}) assertEquals(1000.001, p, 1e-9, r.toString());
        assertEquals(1.0, r.slowdownP99(), 1e-9);
    }

    @Test
    void aRunRecordsItsPolicysParametersAndItsCosts() throws Exception {
        Scenario sc = ScenarioLoader.load(ExamplesTest.examples().resolve("one-lock-16cpu.yaml")).withCosts("lock=500ns");
        SimResult r = sc.run("rr", Map.of("slice", "20us"), null, 1 * MS, null);
        Map<String, Object> root = JsonReader.object(r.toJson("one-lock"));
        assertEquals("rr", root.get("policy"), "the old field stays");
        assertEquals(Map.of("slice", "20us"), root.get("params"));
        @SuppressWarnings("unchecked")
        Map<String, Object> costs = (Map<String, Object>) root.get("costs");
        assertEquals(500.0, costs.get("lock_ns"));
        assertEquals(0.0, costs.get("wake_ns"));
        StringWriter sw = new StringWriter();
        r.printTable("one-lock", new PrintWriter(sw));
        assertTrue(sw.toString().startsWith("one-lock: policy rr[slice=20us], 16 CPUs, 1ms simulated, seed 42, costs switch=90ns,preempt_delay=400ns,lock=500ns ("), sw.toString());
        assertTrue(sw.toString().split("\n")[0].contains("lock=500ns"), sw.toString());
        // defaults are recorded too, so a run says what its policy got without the registry at hand
        assertEquals(Map.of("placement", "global", "cap", "0.95", "admission", "on"),
                sc.run("deadline", Map.of(), null, 1 * MS, null).params());
    }

    @Test
    void aComparisonHasALinePerTaskAndPolicyOnTheSameArrivals() throws Exception {
        Scenario sc = ScenarioLoader.load(ExamplesTest.examples().resolve("bimodal-fifo-vs-rr.yaml"));
        List<String> labels = List.of("fifo", "rr[slice=20us]");
        List<SimResult> runs = List.of(sc.run("fifo", Map.of(), null, 20 * MS, null),
                sc.run("rr", Map.of("slice", "20us"), null, 20 * MS, null));
        // the same seed gives a Poisson stream the same arrivals under either policy
        assertEquals(runs.get(0).row("req").released(), runs.get(1).row("req").released());
        assertTrue(runs.get(0).row("req").latencyP99Us() > 2 * runs.get(1).row("req").latencyP99Us(),
                "rr lets short requests pass the long ones: " + runs.get(0).row("req") + " vs " + runs.get(1).row("req"));

        StringWriter sw = new StringWriter();
        SimResult.printComparison("bimodal", labels, runs, new PrintWriter(sw));
        String[] lines = sw.toString().split("\n");
        assertTrue(lines[0].startsWith("bimodal: 2 policies, 2 CPUs, 20ms simulated, seed 42, costs none (simulated"), lines[0]);
        assertTrue(lines[2].matches("req +fifo +\\S.*"), lines[2]);
        assertTrue(lines[3].matches(" +rr\\[slice=20us] +\\S.*"), lines[3]);
        assertTrue(lines[4].startsWith("host under fifo: events="), lines[4]);
        assertTrue(lines[5].startsWith("host under rr[slice=20us]: events="), lines[5]);
        assertEquals(6, lines.length);

        Map<String, Object> root = JsonReader.object(SimResult.comparisonJson("bimodal", labels, runs));
        assertEquals("bimodal", root.get("scenario"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> js = (List<Map<String, Object>>) root.get("runs");
        assertEquals(labels, js.stream().map(m -> m.get("label")).toList());
        assertEquals(List.of("fifo", "rr"), js.stream().map(m -> m.get("policy")).toList());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> rrTasks = (Map<String, Map<String, Object>>) js.get(1).get("tasks");
        assertEquals((double) runs.get(1).row("req").completed(), rrTasks.get("req").get("completed"));
        // one run's JSON is unchanged in shape by the refactoring that shares it
        assertEquals(JsonReader.object(runs.get(1).toJson("bimodal")).get("tasks"), js.get(1).get("tasks"));

        SimResult other = sc.run("fifo", Map.of(), 7L, 20 * MS, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimResult.printComparison("x", List.of("a", "b"), List.of(runs.get(0), other), new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("must share CPUs, duration, seed"), e.getMessage());
    }

    @Test
    void perfettoTraceParsesWithSlicesPerCpuAndTheMiss() throws Exception {
        TraceBuffer tb = new TraceBuffer();
        Simulator s = dhall(tb);
        s.run(30 * MS);
        Trace t = tb.toTrace("dhall", 2, 0, 30 * MS);
        StringWriter sw = new StringWriter();
        PerfettoTraceWriter.write(t, sw);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ev = (List<Map<String, Object>>) JsonReader.object(sw.toString()).get("traceEvents");
        Set<String> sliceNames = new HashSet<>();
        Set<Double> tids = new HashSet<>();
        for (Map<String, Object> e : ev) {
            if ("X".equals(e.get("ph"))) { sliceNames.add((String) e.get("name")); tids.add((Double) e.get("tid")); }
        }
        assertEquals(Set.of("heavy", "light#1", "light#2"), sliceNames);
        assertEquals(Set.of(1.0, 2.0), tids, "a thread per CPU");
        List<Map<String, Object>> misses = ev.stream().filter(e -> "i".equals(e.get("ph")) && "DEADLINE MISS heavy".equals(e.get("name"))).toList();
        assertEquals(10_000.0, misses.get(0).get("ts"), "first miss at 10ms = 10000us");
        assertTrue(ev.stream().anyMatch(e -> "i".equals(e.get("ph")) && ((String) e.get("name")).startsWith("wakeup light")));
    }

    @Test
    void ganttSvgParsesWithALanePerCpuAColourPerGroupAndMisses() throws Exception {
        TraceBuffer tb = new TraceBuffer();
        dhall(tb).run(30 * MS);
        StringWriter sw = new StringWriter();
        SvgGanttWriter.write(tb.toTrace("dhall", 2, 0, 30 * MS), sw);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(sw.toString())));
        NodeList rects = doc.getElementsByTagName("rect");
        Set<String> tasks = new HashSet<>();
        Set<String> fills = new HashSet<>();
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if ("slice".equals(r.getAttribute("class"))) { tasks.add(r.getAttribute("data-task")); fills.add(r.getAttribute("fill")); }
        }
        assertEquals(Set.of("heavy", "light#1", "light#2"), tasks);
        assertEquals(2, fills.size(), "heavy and the light group");
        List<String> missTasks = new ArrayList<>();
        NodeList paths = doc.getElementsByTagName("path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if ("miss".equals(p.getAttribute("class"))) missTasks.add(p.getAttribute("data-task"));
        }
        assertTrue(!missTasks.isEmpty() && missTasks.stream().allMatch("heavy"::equals), missTasks.toString());
        assertTrue(sw.toString().contains(">CPU 1<") && sw.toString().contains(">10ms<"));
    }
}
