package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class RateMonotonicTest {
    static final long MS = 1_000_000;

    static SchedAttr rt(long c, long d, long t) {
        return SchedAttr.DEFAULT.withDeadline(c * MS, d * MS, t * MS);
    }

    @Test
    void shortestPeriodRunsFirstAndPreempts() {
        StepHost h = new StepHost(new RateMonotonic(), 1, 1);
        StepTask plain = h.spawn("plain", SchedAttr.DEFAULT, 0);
        StepTask slow = h.spawn("slow", rt(2, 10, 10), 0);
        assertEquals(slow, h.schedule(0));
        StepTask fast = h.spawn("fast", rt(1, 4, 4), 0);
        assertTrue(h.preemptPending(0), "a shorter period preempts");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(fast, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        assertEquals(slow, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        assertEquals(plain, h.schedule(0), "background runs only when no real-time task is ready");
    }

    @Test
    void caseAIsAdmittedByTheBound() {
        RateMonotonic p = new RateMonotonic();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("t1", rt(1, 4, 4), 0);
        h.spawn("t2", rt(1, 5, 5), 0);
        h.spawn("t3", rt(2, 10, 10), 0);
        assertEquals("liu-layland", p.verdict(0).test());
    }

    @Test
    void caseBIsRefusedNamingBothTests() {
        StepHost h = new StepHost(new RateMonotonic(), 1, 1);
        h.spawn("t1", rt(2, 5, 5), 0);
        var e = assertThrows(AdmissionException.class, () -> h.spawn("t2", rt(4, 7, 7), 0));
        String m = e.getMessage();
        assertTrue(m.startsWith("rm: refusing runtime 4ms"), m);
        assertTrue(m.contains("Liu & Layland bound 0.8284") && m.contains("response-time analysis fails")
                && m.contains("t2") && m.contains("R=8ms > D"), m);
    }

    @Test
    void boundFailsButResponseTimeAnalysisAdmits() {
        RateMonotonic p = new RateMonotonic();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("a", rt(1, 2, 2), 0);
        h.spawn("b", rt(2, 4, 4), 0);
        assertEquals("response-time", p.verdict(0).test());
        assertTrue(p.verdict(0).detail().contains("> Liu & Layland"), p.verdict(0).detail());
    }

    @Test
    void constrainedDeadlinesSkipTheBound() {
        StepHost h = new StepHost(new RateMonotonic(), 1, 1);
        h.spawn("a", rt(2, 5, 5), 0);
        var e = assertThrows(AdmissionException.class, () -> h.spawn("b", rt(2, 3, 6), 0));
        assertTrue(e.getMessage().contains("does not apply"), e.getMessage());
    }

    @Test
    void admissionOffTakesCaseBAndPartitionsOverCpus() {
        StepHost h = new StepHost(PolicyRegistry.create("rm", Map.of("admission", "off")), 1, 1);
        h.spawn("t1", rt(2, 5, 5), 0);
        h.spawn("t2", rt(4, 7, 7), 0);
        StepHost two = new StepHost(new RateMonotonic(), 2, 1);
        StepTask a = two.spawn("a", rt(2, 5, 5), 0);
        StepTask b = two.spawn("b", rt(4, 7, 7), 0);
        assertEquals(0, RateMonotonic.homeCpu(b), "the larger utilization is placed first");
        assertEquals(1, RateMonotonic.homeCpu(a), "case B does not pass on one CPU, so a goes to the other");
        assertEquals(b, two.schedule(0));
        assertEquals(a, two.schedule(1));
    }
}
