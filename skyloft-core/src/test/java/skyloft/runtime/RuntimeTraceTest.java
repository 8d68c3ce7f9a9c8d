package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xml.sax.InputSource;
import skyloft.spi.SchedAttr;
import skyloft.util.JsonReader;
import skyloft.trace.PerfettoTraceWriter;
import skyloft.trace.SvgGanttWriter;
import skyloft.trace.Trace;
import skyloft.trace.TraceBuffer;
import skyloft.trace.TraceKind;

/** The runtime records the simulator's trace events, and a real run draws the same way. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeTraceTest {

    @Test
    void aRealRunIsTracedAndDrawnLikeASimulatedOne() throws Exception {
        TraceBuffer buf = new TraceBuffer();
        Trace trace;
        RuntimeStats st;
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").trace(buf).build()) {
            Thread a = rt.start("pinger", SchedAttr.DEFAULT, () -> { for (int i = 0; i < 50; i++) Thread.yield(); });
            Thread b = rt.start("ponger", SchedAttr.DEFAULT, () -> { for (int i = 0; i < 50; i++) Thread.yield(); });
            assertTrue(a.join(Duration.ofSeconds(30)) && b.join(Duration.ofSeconds(30)));
            assertTrue(rt.close(Duration.ofSeconds(10)).clean());
            trace = buf.toTrace("runtime rr", 1, rt.startNs(), System.nanoTime());
            st = rt.stats();
        }

        long switches = st.cpus().get(0).switches();
        assertEquals(switches, trace.ofKind(TraceKind.RUN_START).size(), "one RUN_START per switch");
        assertEquals(switches, trace.ofKind(TraceKind.RUN_STOP).size(), "every run stops");
        assertEquals(2, trace.ofKind(TraceKind.TASK_NEW).size());
        assertEquals(2, trace.ofKind(TraceKind.TASK_EXIT).size());
        List<Trace.Slice> slices = trace.slices();
        assertEquals(switches, slices.size());
        assertTrue(slices.stream().anyMatch(s -> s.taskName().equals("pinger")));
        assertTrue(slices.stream().anyMatch(s -> s.taskName().equals("ponger")));

        StringWriter json = new StringWriter();
        PerfettoTraceWriter.write(trace, json);
        Map<String, Object> root = JsonReader.object(json.toString());
        List<?> events = (List<?>) root.get("traceEvents");
        assertTrue(events.stream().anyMatch(e -> "pinger".equals(((Map<?, ?>) e).get("name"))), "Perfetto JSON names the tasks");

        StringWriter svg = new StringWriter();
        SvgGanttWriter.write(trace, svg);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new java.io.StringReader(svg.toString())));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(svg.toString().contains("pinger") && svg.toString().contains("ponger"));
    }
}
