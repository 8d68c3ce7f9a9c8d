package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.SchedAttr;
import skyloft.trace.Trace;
import skyloft.trace.TraceBuffer;
import skyloft.trace.TraceEvent;
import skyloft.trace.TraceKind;

/**
 * The cases of the shared real-time reference (realtime-cases.md), 1 unit = 1ms, all tasks
 * released at 0, under the project's {@code rm} and {@code deadline} policies, with the
 * documented outcomes including the time and task of the first miss.
 */
class RealtimeCasesTest {
    static final long MS = 1_000_000;

    /** (C, D, T) in ms. */
    record Rt(String name, long c, long d, long t) {}

    static SimResult run(String policy, Map<String, String> params, int cpus, long durationMs, TraceBuffer trace, Rt... set) {
        Simulator sim = new Simulator(PolicyRegistry.create(policy, params), cpus, 100_000, CostModel.ZERO, 1, trace);
        for (Rt r : set) sim.add(new PeriodicWorkload(r.name(), SchedAttr.DEFAULT.withDeadline(r.c() * MS, r.d() * MS, r.t() * MS), 0, 0, 1));
        return sim.run(durationMs * MS);
    }

    static SimResult run(String policy, Map<String, String> params, int cpus, long durationMs, Rt... set) {
        return run(policy, params, cpus, durationMs, null, set);
    }

    static long misses(SimResult r) {
        return r.rows().stream().mapToLong(SimResult.Row::deadlineMisses).sum();
    }

    /** The earliest first miss over all tasks, as "task@ms". */
    static String firstMiss(SimResult r) {
        SimResult.Row first = null;
        for (SimResult.Row row : r.rows()) {
            if (row.firstMissNs() >= 0 && (first == null || row.firstMissNs() < first.firstMissNs())) first = row;
        }
        return first == null ? "none" : first.name() + "@" + (first.firstMissNs() / (double) MS);
    }

    static final Rt[] A = {new Rt("t1", 1, 4, 4), new Rt("t2", 1, 5, 5), new Rt("t3", 2, 10, 10)};
    static final Rt[] B = {new Rt("t1", 2, 5, 5), new Rt("t2", 4, 7, 7)};
    static final Rt[] D = {new Rt("t1", 3, 5, 5), new Rt("t2", 3, 6, 6)};
    static final Rt[] G = {new Rt("t1", 10, 10, 10), new Rt("t2", 1, 9, 9), new Rt("t3", 1, 9, 9)};
    static final Map<String, String> OFF = Map.of("admission", "off");

    @Test
    void caseA_bothMeetEveryDeadline_withResponseTimes124() {
        for (String p : List.of("rm", "deadline")) {
            SimResult r = run(p, Map.of(), 1, 200, A);
            assertEquals("none", firstMiss(r), p);
            assertEquals(0, misses(r), p);
            assertEquals(50, r.row("t1").completed(), p);
        }
        SimResult rm = run("rm", Map.of(), 1, 20, A);
        assertEquals(1.0, rm.row("t1").latencyMaxUs() / 1000, 1e-9);
        assertEquals(2.0, rm.row("t2").latencyMaxUs() / 1000, 1e-9);
        assertEquals(4.0, rm.row("t3").latencyMaxUs() / 1000, 1e-9);
    }

    @Test
    void caseB_rmMissesFirstAt7WithOneUnitLeft_edfMeetsAll() {
        TraceBuffer tb = new TraceBuffer();
        SimResult rm = run("rm", OFF, 1, 70, tb, B);
        assertEquals("t2@7.0", firstMiss(rm));
        assertEquals(0, rm.row("t1").deadlineMisses());
        // t2 ran 3 of its 4 units by t=7: one unit left at the miss
        Trace tr = tb.toTrace("B", 1, 0, 70 * MS);
        long t2RanBy7 = tr.slices().stream().filter(s -> s.taskName().equals("t2") && s.startNs() < 7 * MS)
                .mapToLong(s -> Math.min(s.endNs(), 7 * MS) - s.startNs()).sum();
        assertEquals(3 * MS, t2RanBy7);
        TraceEvent miss = tr.ofKind(TraceKind.DEADLINE_MISS).get(0);
        assertEquals(7 * MS, miss.timeNs());
        assertEquals("t2", miss.taskName());

        SimResult edf = run("deadline", OFF, 1, 350, B);
        assertEquals("none", firstMiss(edf));
        assertEquals(70, edf.row("t1").completed());
        assertEquals(50, edf.row("t2").completed());
    }

    @Test
    void caseD_rmMissesFirstAt6_edfMissesFirstAt20OnTheJobOfT1ReleasedAt15() {
        SimResult rm = run("rm", OFF, 1, 30, D);
        assertEquals("t2@6.0", firstMiss(rm));
        TraceBuffer tb = new TraceBuffer();
        SimResult edf = run("deadline", OFF, 1, 30, tb, D);
        assertEquals("t1@20.0", firstMiss(edf));
        TraceEvent miss = tb.toTrace("D", 1, 0, 30 * MS).ofKind(TraceKind.DEADLINE_MISS).get(0);
        assertEquals(3, miss.arg(), "job index 3 of t1 is the one released at 15");
    }

    @Test
    void caseG_dhall_globalEdfMissesAt10_partitionedMeetsAll() {
        SimResult global = run("deadline", Map.of("placement", "global"), 2, 90, G);
        assertEquals("t1@10.0", firstMiss(global));
        assertEquals(0, global.row("t2").deadlineMisses() + global.row("t3").deadlineMisses());
        SimResult part = run("deadline", Map.of("placement", "partitioned", "cap", "1.0"), 2, 90, G);
        assertEquals("none", firstMiss(part));
        assertEquals(9, part.row("t1").completed());
        assertEquals(1.0 * 90 * MS / (2 * 90 * MS), part.row("t1").cpuShare(), 1e-9);
    }

    @Test
    void admissionOnRefusesTheOverloadedSetNamingTheTask() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> run("deadline", Map.of(), 1, 30, D));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("t2"), e.getMessage());
    }
}
