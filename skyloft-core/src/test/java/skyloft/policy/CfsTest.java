package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class CfsTest {
    static final long US = 1_000;

    /** Runs CPU 0 for {@code totalNs}, ticking every microsecond and preempting when told. */
    private static void runLong(StepHost h, long totalNs) {
        long end = h.now() + totalNs;
        while (h.now() < end) h.runFor(0, Math.min(1_000 * US, end - h.now()), US);
        if (h.running(0) != null) h.stop(0, StopReason.PREEMPT);
    }

    @Test
    void niceZeroAndNiceFiveShareAsTheirWeights() {
        StepHost h = new StepHost(new Cfs(), 1, 1);
        StepTask a = h.spawn("nice0", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("nice5", SchedAttr.DEFAULT.withNice(5), 0);
        runLong(h, 200_000 * US);
        double share = 100.0 * a.runNs() / (a.runNs() + b.runNs());
        assertEquals(75.35, share, 1.0, "nice 0 share");
        assertTrue(b.preemptions() > 100, "shared by slicing, not by one long run");
    }

    @Test
    void equalNiceGivesEqualShares() {
        StepHost h = new StepHost(new Cfs(), 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT.withNice(3), 0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT.withNice(3), 0);
        StepTask c = h.spawn("c", SchedAttr.DEFAULT.withNice(3), 0);
        runLong(h, 60_000 * US);
        long total = a.runNs() + b.runNs() + c.runNs();
        for (StepTask t : new StepTask[] {a, b, c}) assertEquals(33.33, 100.0 * t.runNs() / total, 1.0, t.name());
    }

    /** A new task's debit is its virtual slice counted with itself on the queue, as Linux's
     *  sched_vslice: alone a whole period, beside one running nice-0 task half of it. */
    @Test
    void aNewTaskIsDebitedItsSliceWithItselfCounted() {
        Cfs p = new Cfs();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        assertEquals(50 * US, Cfs.vruntimeNs(a), "alone: one period");
        assertEquals(a, h.schedule(0));
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        assertEquals(p.minVruntimeNs(0) + 25 * US, Cfs.vruntimeNs(b), "beside a: half of it");
    }

    /** A runs 25us and blocks (level with B, spawned beside it half a period later), B runs
     *  {@code bRanNs}, then A wakes. */
    private static StepHost wakeAfter(long bRanNs) {
        StepHost h = new StepHost(new Cfs(), 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        assertEquals(50 * US, Cfs.vruntimeNs(a), "a new task starts one virtual slice after min_vruntime");
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        assertEquals(75 * US, Cfs.vruntimeNs(b), "beside a, its slice is half the period");
        h.advance(25 * US);
        h.stop(0, StopReason.BLOCK);
        assertEquals(b, h.schedule(0));
        h.advance(bRanNs);
        h.wake(a);
        return h;
    }

    @Test
    void shortSleeperKeepsItsVruntimeAndDoesNotPreemptWithinTheGranularity() {
        StepHost h = wakeAfter(8 * US); // b at 83us, a at 75us: lead 8us < 10us
        StepTask a = h.tasks().get(0);
        assertEquals(75 * US, Cfs.vruntimeNs(a));
        assertFalse(h.preemptPending(0));
    }

    @Test
    void shortSleeperPreemptsBeyondTheGranularity() {
        StepHost h = wakeAfter(20 * US); // b at 95us, a at 75us: lead 20us > 10us
        assertEquals(75 * US, Cfs.vruntimeNs(h.tasks().get(0)));
        assertTrue(h.preemptPending(0));
    }

    @Test
    void longSleeperIsPlacedHalfALatencyBeforeMinVruntime() {
        StepHost h = wakeAfter(10_000 * US);
        Cfs p = (Cfs) h.policy();
        // b ran 10ms alone: min_vruntime = b's vruntime = 75us + 10ms; a gets min - latency/2.
        assertEquals(10_075 * US, p.minVruntimeNs(0));
        assertEquals(10_075 * US - 25 * US, Cfs.vruntimeNs(h.tasks().get(0)));
        assertTrue(h.preemptPending(0), "a 25us lead exceeds the 10us granularity");
    }

    @Test
    void aRunStretchedPastItsSliceIsNotCarriedIntoTheNextWakeup() {
        Cfs p = new Cfs();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.advance(5_000 * US); // no tick for 5 ms while b waits: the OS took the carrier, or no poll ran
        h.stop(0, StopReason.BLOCK);
        assertEquals(b, h.schedule(0));
        h.advance(10 * US);
        h.wake(a);
        long lead = Cfs.vruntimeNs(a) - p.minVruntimeNs(0);
        assertTrue(lead > 0 && lead <= 50 * US, "a waits at most one period (50us) behind min_vruntime, not 5ms; lead " + lead);
        long deadline = h.now() + 200 * US;
        StepTask ran = null;
        while (h.now() < deadline && ran != a) ran = h.runFor(0, deadline - h.now(), US);
        assertEquals(a, ran, "a ran again within 200us of its wakeup");
    }

    @Test
    void idleCpuPullsHalfTheBusiestQueue() {
        StepHost h = new StepHost(new Cfs(), 2, 1);
        h.spawn("r", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("r1", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        for (int i = 0; i < 4; i++) h.spawn("q" + i, SchedAttr.DEFAULT, 0);
        h.stop(1, StopReason.BLOCK);
        // Both CPUs were busy when the four were spawned, so they queued on CPU 0.
        h.schedule(1);
        assertEquals(2, h.steals());
    }

    @Test
    void theTickHintIsTheTimeTheSliceOrTheLeadRunsOut() {
        Cfs p = new Cfs();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("a", SchedAttr.DEFAULT.withNice(3), 0);
        h.spawn("b", SchedAttr.DEFAULT, 0);
        h.spawn("c", SchedAttr.DEFAULT.withNice(-2), 0);
        assertTrue(EevdfTest.hintsAreExact(p, h, 30) >= 20);
    }

    @Test
    void aloneItHintsNeverAndAnEnqueueVoidsThat() {
        Cfs p = new Cfs();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a");
        h.schedule(0);
        h.advance(10 * US);
        assertFalse(h.tick(0));
        assertEquals(Long.MAX_VALUE, p.tickHintNs(0, a, h.now() - a.runStartNs(), h.now()));
        h.spawn("b");
        h.advance(100 * US);
        assertTrue(h.tick(0), "a slice ends once someone waits");
    }

    @Test
    void theQueuedCountThatLetsAnIdleBalanceSkipItsScanMatchesTheHostsAtEveryStep() {
        Cfs p = new Cfs();
        QueuedCountWalk.check(p, p::queuedTasks, 3);
    }
}
