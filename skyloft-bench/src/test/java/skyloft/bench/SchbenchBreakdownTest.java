package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import skyloft.spi.EnqueueReason;
import skyloft.trace.TraceEvent;
import skyloft.trace.TraceKind;

/** The wakeup breakdown of {@code bench schbench --breakdown}: how a wakeup is split at the trace. */
class SchbenchBreakdownTest {

    private static TraceEvent ev(long t, TraceKind k, String task, long arg) {
        return new TraceEvent(t, k, 0, task.hashCode(), task, arg);
    }

    private static TraceEvent enqueue(long t, String task, EnqueueReason why) {
        return ev(t, TraceKind.ENQUEUE, task, why.ordinal());
    }

    private static Schbench.Worker worker(String name, long[]... wakeups) {
        Schbench.Worker w = new Schbench.Worker(2, name, true);
        w.epoch = Schbench.MEASURED_EPOCH; // it woke in the window
        for (long[] x : wakeups) {
            w.wakeT0Ns[w.wakeups] = x[0];
            w.wokeNs[w.wakeups++] = x[1];
        }
        return w;
    }

    @Test
    void eachWakeupIsSplitAtItsOwnEnqueueAndPick() {
        List<TraceEvent> events = new ArrayList<>();
        events.add(enqueue(900, "w0", EnqueueReason.PREEMPTED));   // before the timestamp: not this wakeup's
        events.add(enqueue(1_050, "w0", EnqueueReason.YIELD));     // not a wakeup
        events.add(enqueue(1_100, "w0", EnqueueReason.WAKEUP));
        events.add(ev(1_200, TraceKind.RUN_START, "w1", 0));       // another task's pick
        events.add(ev(1_400, TraceKind.RUN_START, "w0", 0));
        events.add(enqueue(5_010, "w1", EnqueueReason.WAKEUP));
        events.add(ev(5_050, TraceKind.RUN_START, "w1", 0));
        Schbench.Worker w0 = worker("w0", new long[] {1_000, 1_500}, new long[] {3_000, 3_100}); // the second never blocked
        Schbench.Worker w1 = worker("w1", new long[] {5_000, 5_060});
        w1.unrecorded = 2;

        Schbench.Breakdown b = Schbench.breakdown(events, List.of(w0, w1));

        assertEquals(2, b.enqueueNs().getTotalCount());
        assertEquals(3, b.unmatched(), "w0's second wakeup had no enqueue, and w1 could not record two");
        assertEquals(10, b.enqueueNs().getMinValue());
        assertEquals(100, b.enqueueNs().getMaxValue());
        assertEquals(40, b.queueNs().getMinValue());
        assertEquals(300, b.queueNs().getMaxValue());
        assertEquals(10, b.resumeNs().getMinValue());
        assertEquals(100, b.resumeNs().getMaxValue());
    }

    private static TraceEvent on(long t, TraceKind k, int cpu, long task) {
        return new TraceEvent(t, k, cpu, task, task == 0 ? null : "t" + task, 0);
    }

    @Test
    void idleTimeIsSplitAtWhetherAnythingWasQueued() {
        // CPU 0 idles from 100 to 600; task 7 is queued from 300 (for CPU 1, busy) until CPU 1
        // picks it at 400: 500ns idle, 100 of them with something queued. CPU 1 idles from 900
        // to the last event at 1000, with nothing queued: 100 more.
        List<TraceEvent> events = List.of(
                on(100, TraceKind.IDLE, 0, 0),
                on(300, TraceKind.ENQUEUE, 1, 7),
                on(400, TraceKind.RUN_START, 1, 7),
                on(600, TraceKind.RUN_START, 0, 8),
                on(900, TraceKind.IDLE, 1, 0),
                on(1_000, TraceKind.RUN_STOP, 0, 8));
        Schbench.IdleSplit s = Schbench.idleSplit(events);
        assertEquals(600, s.idleNs());
        assertEquals(100, s.idleQueuedNs());
    }

    @Test
    void aWorkerThatNeverWokeInTheWindowIsLeftOut() {
        List<TraceEvent> events = List.of(enqueue(1_100, "w0", EnqueueReason.WAKEUP), ev(1_400, TraceKind.RUN_START, "w0", 0));
        Schbench.Worker warm = worker("w0", new long[] {1_000, 1_500});
        warm.epoch = 0; // its figures are the warm-up's
        warm.unrecorded = 5;
        Schbench.Breakdown b = Schbench.breakdown(events, List.of(warm));
        assertEquals(0, b.enqueueNs().getTotalCount());
        assertEquals(0, b.unmatched());
    }

    @Test
    void aPickAfterTheFirstInstructionIsNoMatch() {
        List<TraceEvent> events = List.of(enqueue(1_100, "w0", EnqueueReason.WAKEUP), ev(1_600, TraceKind.RUN_START, "w0", 0));
        Schbench.Breakdown b = Schbench.breakdown(events, List.of(worker("w0", new long[] {1_000, 1_500})));
        assertEquals(0, b.enqueueNs().getTotalCount());
        assertEquals(1, b.unmatched());
    }

    @Test
    void aShortRunReportsTheBreakdownForSkyloftOnly() {
        var o = new Schbench.Options(List.of("skyloft:fifo", Baselines.JDK_DEFAULT), 1, List.of(2), 200_000_000L, 50_000_000L,
                100, 16, 1, Sut.RuntimeConfig.DEFAULT, false, true);
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Schbench.run(o));
        for (String part : List.of("wakeup_enqueue_p99_us", "wakeup_queue_p99_us", "wakeup_resume_p99_us")) {
            BenchResult.Row row = r.rows().stream().filter(x -> x.system().equals("skyloft:fifo") && x.metric().equals(part)).findFirst().orElseThrow();
            assertTrue(((Number) row.params().get("samples")).longValue() > 0, part + " has samples");
            assertTrue(r.rows().stream().noneMatch(x -> x.system().equals(Baselines.JDK_DEFAULT) && x.metric().equals(part)), part);
        }
        double idle = r.rows().stream().filter(x -> x.system().equals("skyloft:fifo") && x.metric().equals("idle_ms")).findFirst().orElseThrow().value();
        double idleQueued = r.rows().stream().filter(x -> x.system().equals("skyloft:fifo") && x.metric().equals("idle_queued_ms")).findFirst().orElseThrow().value();
        assertTrue(idle >= 0 && idleQueued >= 0 && idleQueued <= idle, "idle " + idle + " ms, of which queued " + idleQueued);
    }
}
