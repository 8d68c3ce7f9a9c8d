package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class FifoAndRrTest {

    @Test
    void fifoRunsInArrivalOrderAndNeverSlices() {
        StepHost h = new StepHost(new Fifo(), 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        h.advance(10_000_000);
        assertFalse(h.tick(0), "fifo must not slice");
        h.stop(0, StopReason.EXIT);
        assertEquals(b, h.schedule(0));
    }

    @Test
    void idleCpuStealsTheOlderHalf() {
        StepHost h = new StepHost(new Fifo(), 2, 1);
        // Both CPUs busy while four tasks queue on CPU 0.
        h.spawn("r0", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("r1", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        StepTask[] q = new StepTask[4];
        for (int i = 0; i < 4; i++) q[i] = h.spawn("q" + i, SchedAttr.DEFAULT, 0);
        h.stop(1, StopReason.EXIT);
        StepTask stolen = h.schedule(1);
        assertEquals(q[0], stolen, "the thief takes the oldest first");
        assertEquals(2, h.steals(), "half of four");
        assertEquals(1, stolen.steals());
    }

    /** Two busy CPUs; on CPU 0 the waker runs, CPU 1 runs another, and two tasks wait on CPU 0's
     *  queue. The wakee last ran on CPU 1. */
    private static StepTask[] handoffSetUp(StepHost h) {
        StepTask wakee = h.spawn("wakee", SchedAttr.DEFAULT, 1);
        assertEquals(wakee, h.schedule(1));
        h.stop(1, StopReason.BLOCK);
        StepTask waker = h.spawn("waker", SchedAttr.DEFAULT, 0);
        assertEquals(waker, h.schedule(0));
        h.spawn("other", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        StepTask q0 = h.spawn("q0", SchedAttr.DEFAULT, 0), q1 = h.spawn("q1", SchedAttr.DEFAULT, 0);
        return new StepTask[] {wakee, waker, q0, q1};
    }

    @Test
    void fifoWithHandoffRunsAWakeeNextOnItsWakersCpu() {
        StepHost h = new StepHost(new Fifo(true), 2, 1);
        StepTask[] t = handoffSetUp(h);
        h.wakeBy(t[0], 0);
        h.stop(0, StopReason.BLOCK); // the waker blocks, as in a message handoff
        assertEquals(t[0], h.schedule(0), "the wakee runs next where its waker ran, ahead of the queue");
        h.stop(0, StopReason.EXIT);
        assertEquals(t[2], h.schedule(0), "then the queue in its order");

        // a wakeup from outside (a timer) is queued as without handoff: behind, on its last CPU
        h = new StepHost(new Fifo(true), 2, 1);
        t = handoffSetUp(h);
        h.wake(t[0]);
        h.stop(0, StopReason.BLOCK);
        assertEquals(t[2], h.schedule(0));

        // and without the parameter the waker's CPU changes nothing
        h = new StepHost(PolicyRegistry.create("fifo", java.util.Map.of()), 2, 1);
        t = handoffSetUp(h);
        h.wakeBy(t[0], 0);
        h.stop(0, StopReason.BLOCK);
        assertEquals(t[2], h.schedule(0));

        // the registry's fifo[handoff=true] is the same policy; a bad value is named
        h = new StepHost(PolicyRegistry.create("fifo", java.util.Map.of("handoff", "true")), 2, 1);
        t = handoffSetUp(h);
        h.wakeBy(t[0], 0);
        h.stop(0, StopReason.BLOCK);
        assertEquals(t[0], h.schedule(0));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PolicyRegistry.create("fifo", java.util.Map.of("handoff", "yes")));
        assertTrue(e.getMessage().contains("yes") && e.getMessage().contains("true"), e.getMessage());
    }

    @Test
    void fifoWithHandoffStillPrefersAnIdleCpu() {
        StepHost h = new StepHost(new Fifo(true), 2, 1);
        StepTask wakee = h.spawn("wakee", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        h.stop(1, StopReason.BLOCK); // CPU 1 is idle from here on
        StepTask waker = h.spawn("waker", SchedAttr.DEFAULT, 0);
        assertEquals(waker, h.schedule(0));
        h.wakeBy(wakee, 0);
        assertEquals(wakee, h.schedule(1), "an idle CPU runs it at once, rather than after its waker");
    }

    @Test
    void rrPreemptsAfterItsSliceOnlyWhenSomeoneWaits() {
        StepHost h = new StepHost(new RoundRobin(50_000), 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.advance(60_000);
        assertFalse(h.tick(0), "alone: no reason to preempt");
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.advance(1_000);
        assertTrue(h.tick(0));
        h.stop(0, StopReason.PREEMPT);
        assertEquals(b, h.schedule(0));
        h.advance(40_000);
        assertFalse(h.tick(0), "40us < 50us slice");
        h.advance(10_000);
        assertTrue(h.tick(0));
        assertEquals(1, a.preemptions());
    }

    @Test
    void rrHonoursTheTasksOwnSlice() {
        StepHost h = new StepHost(new RoundRobin(50_000), 1, 1);
        h.spawn("short", SchedAttr.DEFAULT.withSliceNs(10_000), 0);
        h.spawn("other", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.advance(10_000);
        assertTrue(h.tick(0));
    }

    @Test
    void rrHintsItsSliceEndAndAloneHintsNeverUntilAnEnqueue() {
        RoundRobin p = new RoundRobin(50_000);
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a");
        assertEquals(a, h.schedule(0));
        assertEquals(h.now() + 50_000, p.tickHintNs(0, a, 0, h.now()), "at the pick: the slice end");
        h.advance(60_000);
        assertFalse(h.tick(0), "alone: keeps running past its slice");
        assertEquals(Long.MAX_VALUE, p.tickHintNs(0, a, 60_000, h.now()), "alone past its slice: no tick can say yes before an enqueue");
        h.spawn("b");
        h.advance(1_000);
        assertTrue(h.tick(0), "a waiter ends the spent slice at the next tick");
    }
    @Test
    void fifoPutsATaskPreemptedFromOutsideBackAtTheHead() {
        StepHost h = new StepHost(new Fifo(), 1, 1);
        StepTask a = h.spawn("a"), b = h.spawn("b");
        assertEquals(a, h.schedule(0));
        h.advance(5_000);
        h.stop(0, StopReason.PREEMPT); // fifo never asks: some other class took the CPU
        assertEquals(a, h.schedule(0), "a keeps its place ahead of " + b);
        h.stop(0, StopReason.YIELD);
        assertEquals(b, h.schedule(0), "a yield still goes to the tail");
        h.drainAndCheck();
    }

    @Test
    void rrKeepsATaskPreemptedFromOutsideAtTheHeadWithTheRestOfItsSlice() {
        StepHost h = new StepHost(new RoundRobin(50_000), 1, 1);
        StepTask a = h.spawn("a"), b = h.spawn("b");
        assertEquals(a, h.schedule(0));
        h.advance(30_000);
        assertFalse(h.tick(0));
        h.stop(0, StopReason.PREEMPT); // not the slice's end: preempted from outside
        assertEquals(a, h.schedule(0), "back at the head, ahead of " + b);
        h.advance(19_000);
        assertFalse(h.tick(0), "49us of its 50us slice used");
        h.advance(1_000);
        assertTrue(h.tick(0), "the slice ends 50us into it, counted across both runs");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(b, h.schedule(0), "a preemption that its slice's end asked for goes to the tail");
        h.advance(49_000);
        assertFalse(h.tick(0), "b has a whole slice");
        h.stop(0, StopReason.BLOCK);
        assertEquals(a, h.schedule(0));
        h.advance(49_000);
        h.spawn("c");
        assertFalse(h.tick(0), "a's next turn is a whole slice again");
        h.drainAndCheck();
    }

    @Test
    void rrHintsTheRestOfASliceThatAnOutsidePreemptionCut() {
        RoundRobin p = new RoundRobin(50_000);
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a");
        h.spawn("b");
        h.schedule(0);
        h.advance(30_000);
        h.stop(0, StopReason.PREEMPT);
        assertEquals(a, h.schedule(0));
        assertEquals(h.now() + 20_000, p.tickHintNs(0, a, 0, h.now()), "20us of the slice are left");
    }

    @Test
    void underAppsABestEffortTaskPreemptedByLatencyCriticalWorkResumesBeforeTheRestOfItsQueue() {
        SchedAttr lc = SchedAttr.DEFAULT.withApp("web"), be = SchedAttr.DEFAULT.withApp("batch");
        for (String inner : java.util.List.of("fifo", "rr")) {
            StepHost h = new StepHost(PolicyRegistry.create("apps", java.util.Map.of("be", inner)), 1, 1);
            StepTask b1 = h.spawn("b1", be, 0), b2 = h.spawn("b2", be, 0);
            assertEquals(b1, h.schedule(0), inner);
            h.advance(10_000);
            StepTask web = h.spawn("web", lc, 0);
            assertTrue(h.preemptPending(0), inner + ": LC work preempts BE at once");
            h.stop(0, StopReason.PREEMPT);
            assertEquals(web, h.schedule(0), inner);
            h.stop(0, StopReason.EXIT);
            assertEquals(b1, h.schedule(0), inner + ": b1 resumes ahead of " + b2);
            h.drainAndCheck();
        }
    }
}
