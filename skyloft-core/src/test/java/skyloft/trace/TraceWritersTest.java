package skyloft.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;
import skyloft.spi.Task;
import skyloft.util.JsonReader;

class TraceWritersTest {

    static final class T extends Task {
        T(String name) { super(name, SchedAttr.DEFAULT); }
    }

    /** Two CPUs: a runs 0-3ms on CPU 0 and is preempted, b runs 1-4ms on CPU 1, a misses at 5ms, web#1 runs 4-6ms (cut by the end). */
    static Trace sample() {
        TraceBuffer b = new TraceBuffer();
        T a = new T("a"), bb = new T("b"), w = new T("web#1");
        b.record(0, TraceKind.ENQUEUE, 0, a, EnqueueReason.WAKEUP.ordinal());
        b.record(0, TraceKind.RUN_START, 0, a, 0);
        b.record(1_000_000, TraceKind.RUN_START, 1, bb, 1);
        b.record(2_500_000, TraceKind.PREEMPT_REQUEST, 0, a, 1);
        b.record(3_000_000, TraceKind.RUN_STOP, 0, a, StopReason.PREEMPT.ordinal());
        b.record(4_000_000, TraceKind.RUN_STOP, 1, bb, StopReason.BLOCK.ordinal());
        b.record(4_000_000, TraceKind.RUN_START, 1, w, 0);
        b.record(5_000_000, TraceKind.DEADLINE_MISS, -1, a, 0);
        return b.toTrace("sample <&> run", 2, 0, 6_000_000);
    }

    @Test
    void slicesPairStartsAndStopsAndCutAtTheEnd() {
        List<Trace.Slice> s = sample().slices();
        assertEquals(3, s.size());
        assertEquals("a", s.get(0).taskName());
        assertEquals(3_000_000, s.get(0).durationNs());
        assertEquals(StopReason.PREEMPT, s.get(0).stop());
        assertEquals("b", s.get(1).taskName());
        assertEquals(StopReason.BLOCK, s.get(1).stop());
        assertEquals("web#1", s.get(2).taskName());
        assertEquals(6_000_000, s.get(2).endNs());
        assertNull(s.get(2).stop());
        assertEquals(List.of("a", "b", "web"), new ArrayList<>(sample().groups().keySet()));
    }

    @Test
    void perfettoJsonParsesAndHasSlicesInstantsAndNames() throws Exception {
        StringWriter sw = new StringWriter();
        PerfettoTraceWriter.write(sample(), sw);
        Map<String, Object> root = JsonReader.object(sw.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ev = (List<Map<String, Object>>) root.get("traceEvents");
        List<Map<String, Object>> x = ev.stream().filter(e -> "X".equals(e.get("ph"))).toList();
        assertEquals(3, x.size());
        Map<String, Object> first = x.get(0);
        assertEquals("a", first.get("name"));
        assertEquals(1.0, first.get("tid"));
        assertEquals(0.0, first.get("ts"));
        assertEquals(3000.0, first.get("dur"));
        assertTrue(ev.stream().anyMatch(e -> "M".equals(e.get("ph")) && "thread_name".equals(e.get("name"))
                && "CPU 1".equals(((Map<?, ?>) e.get("args")).get("name"))));
        assertTrue(ev.stream().anyMatch(e -> "i".equals(e.get("ph")) && "DEADLINE MISS a".equals(e.get("name")) && e.get("ts").equals(5000.0)));
        assertTrue(ev.stream().anyMatch(e -> "i".equals(e.get("ph")) && "wakeup a".equals(e.get("name"))));
        assertTrue(ev.stream().anyMatch(e -> "i".equals(e.get("ph")) && "steal b".equals(e.get("name")) && e.get("tid").equals(2.0)));
        assertTrue(ev.stream().anyMatch(e -> "i".equals(e.get("ph")) && ((String) e.get("name")).startsWith("preempt")));
    }

    @Test
    void microsecondsKeepNanosecondPrecision() {
        assertEquals("0", PerfettoTraceWriter.us(0));
        assertEquals("1.500", PerfettoTraceWriter.us(1500));
        assertEquals("0.007", PerfettoTraceWriter.us(7));
        assertEquals("12", PerfettoTraceWriter.us(12_000));
    }

    @Test
    void svgIsWellFormedWithLanesLegendMissesAndAxis() throws Exception {
        StringWriter sw = new StringWriter();
        SvgGanttWriter.write(sample(), sw);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(sw.toString())));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        List<String> sliceTasks = new ArrayList<>();
        List<String> fills = new ArrayList<>();
        int legend = 0, ticks = 0, misses = 0;
        NodeList rects = doc.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if ("slice".equals(r.getAttribute("class"))) { sliceTasks.add(r.getAttribute("data-task")); fills.add(r.getAttribute("fill")); }
            if ("legend".equals(r.getAttribute("class"))) legend++;
        }
        NodeList paths = doc.getElementsByTagName("path");
        for (int i = 0; i < paths.getLength(); i++) {
            if ("miss".equals(((Element) paths.item(i)).getAttribute("class"))) misses++;
        }
        NodeList texts = doc.getElementsByTagName("text");
        List<String> tickLabels = new ArrayList<>();
        boolean cpu1 = false;
        for (int i = 0; i < texts.getLength(); i++) {
            Element t = (Element) texts.item(i);
            if ("tick".equals(t.getAttribute("class"))) { ticks++; tickLabels.add(t.getTextContent()); }
            if (t.getTextContent().equals("CPU 1")) cpu1 = true;
        }
        assertEquals(List.of("a", "b", "web#1"), sliceTasks);
        assertEquals(3, fills.stream().distinct().count(), "one colour per task group");
        assertEquals(3, legend);
        assertEquals(1, misses);
        assertTrue(cpu1);
        assertTrue(ticks >= 5, "axis ticks: " + tickLabels);
        assertTrue(tickLabels.contains("1ms") && tickLabels.contains("6ms"), "labels in ms: " + tickLabels);
        assertTrue(sw.toString().contains("sample &lt;&amp;&gt; run"));
    }


    /** Task names are whatever a program called its threads: quotes, backslashes, markup, control
     *  characters, non-ASCII, a surrogate pair cut in half (a name shortened by chars), and the
     *  two characters XML forbids (U+FFFE, U+FFFF). Both outputs, written to a UTF-8 file as the
     *  commands write them, parse, and keep every name that can be kept. */
    @Test
    void oddTaskNamesGiveFilesThatParseWithTheNamesKept(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String[] names = {"q\"uote", "back\\slash", "<b>&amp;'x'", "tab\tnl\ncr\rbell\u0007nul\u0000", "caf\u00e9 \u65e5\u672c \ud83d\ude80",
                "half \ud83d", "low \ude80 alone", "non\ufffechar\uffff"};
        TraceBuffer b = new TraceBuffer();
        long t = 0;
        for (String n : names) {
            T task = new T(n);
            b.record(t, TraceKind.ENQUEUE, 0, task, EnqueueReason.WAKEUP.ordinal());
            b.record(t, TraceKind.RUN_START, 0, task, 0);
            b.record(t + 500, TraceKind.DEADLINE_MISS, -1, task, 0);
            b.record(t += 1000, TraceKind.RUN_STOP, 0, task, StopReason.BLOCK.ordinal());
        }
        Trace trace = b.toTrace("names \ud800 \u0001 run", 1, 0, t);
        java.nio.file.Path json = dir.resolve("t.json"), svg = dir.resolve("t.svg");
        try (var w = java.nio.file.Files.newBufferedWriter(json)) { PerfettoTraceWriter.write(trace, w); }
        try (var w = java.nio.file.Files.newBufferedWriter(svg)) { SvgGanttWriter.write(trace, w); }

        Map<String, Object> root = JsonReader.object(java.nio.file.Files.readString(json));
        List<String> xNames = ((List<?>) root.get("traceEvents")).stream().map(e -> (Map<?, ?>) e)
                .filter(e -> "X".equals(e.get("ph"))).map(e -> (String) e.get("name")).toList();
        assertEquals(List.of("q\"uote", "back\\slash", "<b>&amp;'x'", "tab\tnl\ncr\rbell\u0007nul\u0000", "caf\u00e9 \u65e5\u672c \ud83d\ude80",
                "half \ufffd", "low \ufffd alone", "non\ufffechar\uffff"), xNames, "JSON keeps every name; a lone surrogate becomes U+FFFD");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        List<String> sliceTasks = new ArrayList<>();
        NodeList rects = doc.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if ("slice".equals(r.getAttribute("class"))) sliceTasks.add(r.getAttribute("data-task"));
        }
        // attribute values normalize tab and newline to spaces; XML has no place for the other controls, which are dropped
        assertEquals(List.of("q\"uote", "back\\slash", "<b>&amp;'x'", "tab nl crbellnul", "caf\u00e9 \u65e5\u672c \ud83d\ude80",
                "half \ufffd", "low \ufffd alone", "non\ufffdchar\ufffd"), sliceTasks);
    }

    @Test
    void offRecorderRecordsNothingAndBufferCapsAndCounts() {
        assertFalse(TraceRecorder.OFF.enabled());
        TraceBuffer b = new TraceBuffer(3);
        for (int i = 0; i < 5; i++) b.record(i, TraceKind.IDLE, 0, null, 0);
        assertEquals(3, b.size());
        assertEquals(2, b.dropped());
        b.setEnabled(false);
        b.record(9, TraceKind.IDLE, 0, null, 0);
        assertEquals(3, b.size());
        assertEquals(2, b.dropped());
        assertThrows(IllegalArgumentException.class, () -> new TraceBuffer(0));
    }


    /** The runtime records under its lock, but some events carry a clock read before it was taken
     *  (a poll's tick and the wakeups it drains): a real rr run recorded ENQUEUEs up to 180 us
     *  earlier than the TASK_NEW before them. A trace still reads back in time order, ties in
     *  recording order (a RUN_STOP before the RUN_START of the same pass), and one whose buffer
     *  filled ends no earlier than any event it kept. */
    @Test
    void eventsRecordedOutOfTimeOrderReadBackInTimeOrder() {
        TraceBuffer b = new TraceBuffer();
        T a = new T("a"), c = new T("c");
        b.record(100, TraceKind.RUN_START, 0, a, 0);
        b.record(300, TraceKind.TASK_NEW, -1, c, 0);
        b.record(250, TraceKind.ENQUEUE, 0, c, EnqueueReason.WAKEUP.ordinal());
        b.record(400, TraceKind.RUN_STOP, 0, a, StopReason.BLOCK.ordinal());
        b.record(400, TraceKind.RUN_START, 0, c, 0);
        Trace t = b.toTrace("t", 1, 0, 500);
        assertEquals(List.of(100L, 250L, 300L, 400L, 400L), t.events().stream().map(TraceEvent::timeNs).toList());
        assertEquals(List.of(TraceKind.RUN_START, TraceKind.ENQUEUE, TraceKind.TASK_NEW, TraceKind.RUN_STOP, TraceKind.RUN_START),
                t.events().stream().map(TraceEvent::kind).toList());
        assertEquals(List.of("a 100-400", "c 400-500"), t.slices().stream().map(s -> s.taskName() + " " + s.startNs() + "-" + s.endNs()).toList());

        TraceBuffer full = new TraceBuffer(3);
        full.record(100, TraceKind.RUN_START, 0, a, 0);
        full.record(300, TraceKind.TASK_NEW, -1, c, 0);
        full.record(250, TraceKind.ENQUEUE, 0, c, EnqueueReason.WAKEUP.ordinal());
        full.record(200, TraceKind.ENQUEUE, 0, a, EnqueueReason.WAKEUP.ordinal()); // refused, with a clock read earlier
        Trace cut = full.toTrace("cut", 1, 0, 1_000);
        assertEquals(1, cut.dropped());
        assertEquals(300, cut.endNs(), "ends at the last event it kept, not before it");
        assertEquals(List.of("a 100-300"), cut.slices().stream().map(s -> s.taskName() + " " + s.startNs() + "-" + s.endNs()).toList());
    }

    @Test
    void mergeOrdersByTime() {
        TraceBuffer x = new TraceBuffer(), y = new TraceBuffer();
        x.record(10, TraceKind.IDLE, 0, null, 0);
        y.record(5, TraceKind.IDLE, 1, null, 0);
        x.record(20, TraceKind.IDLE, 0, null, 0);
        Trace m = Trace.merge("m", 2, 0, 30, List.of(x.toTrace("x", 2, 0, 30), y.toTrace("y", 2, 0, 30)));
        assertEquals(List.of(5L, 10L, 20L), m.events().stream().map(TraceEvent::timeNs).toList());
    }

    @Test
    void jsonReaderRejectsBrokenJson() {
        for (String bad : new String[] {"{\"a\":1,}", "{\"a\":1} x", "\"ab\\", "\"\\u12\"", "\"\\uzzzz\"", "[".repeat(300) + "]".repeat(300), "", "-"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: "), e.getMessage());
        }
        assertEquals(Map.of("a", List.of(1.0, "x")), JsonReader.parse("{\"a\":[1,\"x\"]}"));
        assertEquals("\u00e9", JsonReader.parse("\"\\u00e9\""));
        assertEquals(List.of(List.of()), JsonReader.parse("[[]]"));
    }
}
