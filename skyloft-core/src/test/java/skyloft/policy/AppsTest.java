package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/** Latency-critical work first, best-effort in what is left, driven step by step. */
class AppsTest {
    private static final SchedAttr LC = SchedAttr.DEFAULT.withApp("web");
    private static final SchedAttr BE = SchedAttr.DEFAULT.withApp("batch");

    private static StepHost host(int cpus, Map<String, String> params) {
        return new StepHost(PolicyRegistry.create("apps", params), cpus, 1);
    }

    @Test
    void aCpuPicksLatencyCriticalWorkFirstAndBestEffortOnlyWhenNoneIsLeft() {
        StepHost h = host(1, Map.of());
        StepTask batch = h.spawn("batch", BE, 0);
        StepTask web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0), "queued after the batch task, the LC task still runs first");
        h.advance(500_000);
        assertFalse(h.tick(0), "alone in its class, the LC task is not preempted for BE work (rr waits for an LC waiter)");
        h.stop(0, StopReason.BLOCK);
        assertEquals(batch, h.schedule(0));
        h.drainAndCheck();
    }

    @Test
    void theInnerPoliciesSeeTheWakersCpu() {
        StepHost h = host(2, Map.of("lc", "fifo", "lc.handoff", "true"));
        StepTask wakee = h.spawn("wakee", LC, 1);
        assertEquals(wakee, h.schedule(1));
        h.stop(1, StopReason.BLOCK);
        StepTask waker = h.spawn("waker", LC, 0);
        assertEquals(waker, h.schedule(0));
        h.spawn("other", LC, 1);
        h.schedule(1);
        StepTask queued = h.spawn("queued", LC, 0);
        h.wakeBy(wakee, 0);
        h.stop(0, StopReason.BLOCK);
        assertEquals(wakee, h.schedule(0), "lc=fifo's handoff put it ahead of " + queued + " on its waker's CPU");
    }

    @Test
    void anLcWakeupPreemptsBestEffortAtOnceAndNeverTheOtherWayRound() {
        StepHost h = host(2, Map.of());
        StepTask web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        StepTask b0 = h.spawn("b0", BE, 0);
        StepTask b1 = h.spawn("b1", BE, 1);
        h.schedule(0);
        h.schedule(1);
        assertTrue(h.running(0).attr().app().equals("batch") && h.running(1).attr().app().equals("batch"));

        h.wake(web); // rr's default selectCpu prefers its previous CPU, which the LC side sees as idle
        assertTrue(h.preemptPending(0), "the BE task on the LC task's CPU is asked to stop");
        assertFalse(h.preemptPending(1), "one LC task takes one CPU");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(web, h.schedule(0));

        // A BE wakeup never preempts LC work.
        StepTask sleeper = h.running(1);
        h.stop(1, StopReason.BLOCK);
        StepTask other = sleeper == b0 ? b1 : b0;
        assertEquals(other, h.schedule(1));
        h.stop(1, StopReason.BLOCK);
        h.spawn("web2", LC, 1);
        h.schedule(1);
        h.wake(sleeper);
        h.wake(other);
        assertFalse(h.preemptPending(0) || h.preemptPending(1), "BE work waits while both CPUs run LC tasks");
        h.drainAndCheck();
    }

    /** Sharing too: a CPU that is idle indeed takes a woken LC task before one running BE work is
     *  preempted for it (before 2026-11-23 rr's preference for the task's previous CPU preempted BE). */
    @Test
    void anLcWakeupTakesAnIdleCpuBeforeItPreemptsBestEffort() {
        StepHost h = host(2, Map.of());
        StepTask web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        StepTask batch = h.spawn("batch", BE, 0);
        assertEquals(batch, h.schedule(0));
        h.wake(web); // rr prefers CPU 0, which runs BE work; CPU 1 is idle
        assertFalse(h.preemptPending(0));
        assertEquals(web, h.schedule(1));
        h.drainAndCheck();
    }

    @Test
    void anLcTaskWaitingBehindAnotherTakesACpuFromBestEffort() {
        StepHost h = host(2, Map.of("lc.slice", "20us"));
        StepTask a = h.spawn("a", LC, 0);
        assertEquals(a, h.schedule(0));
        StepTask batch = h.spawn("batch", BE, 1);
        assertEquals(batch, h.schedule(1));
        StepTask b = h.spawn("b", LC, 0);
        // rr placed b on CPU 1 (idle as the LC side sees it) or queued it behind a on CPU 0;
        // either way CPU 1's BE task must give way, and CPU 1 must end up running b.
        assertTrue(h.preemptPending(1), "a BE CPU is taken for the waiting LC task");
        h.stop(1, StopReason.PREEMPT);
        assertEquals(b, h.schedule(1));
        assertEquals(a, h.running(0));
        h.drainAndCheck();
    }

    @Test
    void bestEffortStarvesWhileLatencyCriticalWorkSaturatesTheCpus() {
        // The documented cost: no share for BE. Two LC hogs on one CPU, each preempted at its
        // slice, keep a BE task from ever running; it runs as soon as they block.
        StepHost h = host(1, Map.of());
        StepTask batch = h.spawn("batch", BE, 0);
        StepTask x = h.spawn("x", LC, 0);
        StepTask y = h.spawn("y", LC, 0);
        for (int i = 0; i < 50; i++) h.runFor(0, 60_000, 5_000);
        assertEquals(0, batch.switches());
        assertTrue(x.switches() > 10 && y.switches() > 10);
        if (h.running(0) != null) h.stop(0, StopReason.BLOCK);
        while (x.state() != StepHost.State.BLOCKED || y.state() != StepHost.State.BLOCKED) {
            StepTask next = h.schedule(0);
            assertTrue(next == x || next == y, "an LC task runs before BE while one is runnable: " + next);
            h.stop(0, StopReason.BLOCK);
        }
        assertEquals(batch, h.schedule(0));
    }

    @Test
    void aTaskCannotCrossBetweenTheClassesButMayChangeWithinOne() {
        StepHost h = host(1, Map.of("be_apps", "batch+backup"));
        StepTask web = h.spawn("web", LC, 0);
        StepTask batch = h.spawn("batch", BE, 0);
        AdmissionException e = assertThrows(AdmissionException.class, () -> h.setAttr(web, LC.withApp("backup")));
        assertTrue(e.getMessage().contains("'web' to 'backup'") && e.getMessage().contains("be_apps=backup+batch"), e.getMessage());
        assertEquals("web", web.attr().app(), "nothing applied");
        h.setAttr(batch, BE.withApp("backup"));
        h.setAttr(web, LC.withApp("api").withNice(3));
        assertEquals("api", web.attr().app());
        assertEquals(web, h.schedule(0));
        h.drainAndCheck();
    }

    @Test
    void innerPoliciesTakeTheirOwnParameters() {
        SchedPolicy p = PolicyRegistry.create("apps", Map.of("lc", "rr", "lc.slice", "30us", "be", "cfs", "be.latency", "1ms"));
        new StepHost(p, 2, 1);
        StringWriter sw = new StringWriter();
        p.dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains("apps lc=rr be=cfs be_apps=batch"), sw.toString());
        assertTrue(sw.toString().contains("lc: rr slice=30000ns"), sw.toString());
        assertTrue(sw.toString().contains("be: cfs latency=1000000ns"), "be.latency reached the be policy: " + sw);
    }

    @Test
    void badParametersAreNamed() {
        assertMessage("'deadline' cannot be a class here; allowed: fifo, rr", Map.of("lc", "deadline"));
        assertMessage("be: no policy named 'nosuch'", Map.of("be", "nosuch"));
        assertMessage("be_apps: 'a++b' has an empty name", Map.of("be_apps", "a++b"));
        assertMessage("lc=rr: policy rr has no parameter 'quantum'", Map.of("lc.quantum", "5us"));
        assertMessage("lc=rr: policy rr parameter slice", Map.of("lc.slice", "1us"));
        assertMessage("policy apps has no parameter 'lc.'", Map.of("lc.", "1"));
        assertMessage("policy apps has no parameter 'slice'", Map.of("slice", "1"));
    }

    private static void assertMessage(String expected, Map<String, String> params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("apps", params));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void withOnlyOneClassItBehavesLikeItsPolicy() {
        StepHost apps = host(1, Map.of("lc", "rr"));
        StepHost rr = new StepHost(PolicyRegistry.create("rr"), 1, 1);
        for (StepHost h : new StepHost[] {apps, rr}) {
            for (int i = 0; i < 3; i++) h.spawn("t" + i, LC, 0);
        }
        for (int step = 0; step < 40; step++) {
            StepTask a = apps.runFor(0, 70_000, 5_000), r = rr.runFor(0, 70_000, 5_000);
            assertEquals(r == null ? null : r.name(), a == null ? null : a.name(), "step " + step);
        }
    }

    @Test
    void withAFloorBestEffortGetsItsShareUnderSaturationInTurnsOfItsQuantum() {
        // Two LC hogs saturate the CPU; be_min=0.2 gives the BE task a fifth of it, 50us at a time.
        StepHost h = host(1, Map.of("be_min", "0.2", "be_quantum", "50us"));
        StepTask batch = h.spawn("batch", BE, 0);
        StepTask x = h.spawn("x", LC, 0);
        StepTask y = h.spawn("y", LC, 0);
        long longestTurnNs = 0;
        for (int i = 0; i < 4000; i++) {
            long before = batch.runNs();
            h.runFor(0, 1_000, 1_000);
            longestTurnNs = Math.max(longestTurnNs, batch.runNs() - before); // a task's run is counted when it stops: a whole turn
        }
        if (h.running(0) != null) h.stop(0, StopReason.BLOCK);
        long total = batch.runNs() + x.runNs() + y.runNs();
        double share = (double) batch.runNs() / total;
        assertEquals(0.2, share, 0.02, "batch ran " + batch.runNs() + " of " + total + "ns");
        assertTrue(batch.switches() >= 10, "in turns, not once: " + batch.switches());
        assertTrue(longestTurnNs >= 50_000 && longestTurnNs <= 51_000, "a turn lasts one quantum (ticks every 1us): " + longestTurnNs + "ns");
        assertTrue(x.runNs() > 0.35 * total && y.runNs() > 0.35 * total, "the LC tasks share the rest");
        h.drainAndCheck();
    }

    @Test
    void aFloorTurnEndsAtItsQuantumWhenLcWaitsAndRunsOnWhenNothingDoes() {
        StepHost h = host(1, Map.of("be_min", "0.5", "be_quantum", "20us"));
        StepTask web = h.spawn("web", LC, 0);
        StepTask batch = h.spawn("batch", BE, 0);
        assertEquals(web, h.schedule(0));
        h.advance(19_000);
        assertFalse(h.tick(0), "19us of LC run earn 19us at be_min=0.5: not yet a turn");
        h.advance(1_000);
        assertTrue(h.tick(0), "20us earned: BE's turn");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(batch, h.schedule(0), "the turn comes before the waiting LC task");
        h.spawn("web2", LC, 0);
        assertFalse(h.preemptPending(0), "a floor turn is not cut short by LC work arriving");
        h.advance(19_000);
        assertFalse(h.tick(0));
        h.advance(1_000);
        assertTrue(h.tick(0), "turn over, LC waits: BE gives way");
        h.stop(0, StopReason.PREEMPT);
        for (int i = 0; i < 2; i++) { // both LC tasks run, then block
            StepTask next = h.schedule(0);
            assertFalse(next == batch, "LC runs after the turn, before BE: " + next);
            h.stop(0, StopReason.BLOCK);
        }
        // Nothing LC left: the BE task runs as long as it likes, and an LC wakeup takes the CPU back at once.
        assertEquals(batch, h.schedule(0));
        h.advance(1_000_000);
        assertFalse(h.tick(0));
        h.wake(web);
        assertTrue(h.preemptPending(0), "outside a turn, LC preempts BE at once");
        h.drainAndCheck();
    }

    @Test
    void theFloorIsCheckedAndNamed() {
        assertMessage("be_min: 0.6 is out of range; allowed 0.0 to 0.5", Map.of("be_min", "0.6"));
        assertMessage("be_quantum", Map.of("be_quantum", "1us"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Apps(PolicyRegistry.create("rr"), PolicyRegistry.create("cfs"), java.util.Set.of("batch"), -0.1, 1000));
        assertTrue(e.getMessage().contains("be_min -0.1 is out of range"), e.getMessage());
    }

    /** A rescue (or a periodic balance) that moves LC tasks to a CPU running BE work must take
     *  that CPU from BE at once, as an LC enqueue there does; before this audit they waited behind
     *  the BE task, here for as long as it ran (cfs never slices a lone task). */
    @Test
    void lcTasksRescuedOntoABestEffortCpuPreemptIt() {
        StepHost h = host(2, Map.of());
        StepTask batch = h.spawn("batch", BE, 1);
        assertEquals(batch, h.schedule(1));
        StepTask web = h.spawn("web", LC, 0); // rr queues it on idle CPU 0, which then stalls
        assertFalse(h.preemptPending(1), "CPU 0 is idle and will take it");
        assertEquals(1, h.rescue(0, 1));
        assertTrue(h.preemptPending(1), "the rescued LC task takes CPU 1 from the BE task");
        h.stop(1, StopReason.PREEMPT);
        assertEquals(web, h.schedule(1));
        h.drainAndCheck();
    }

    /** A tiny floor puts its turn beyond any representable time: the tick hint saturates instead
     *  of overflowing (it was now + Long.MAX_VALUE - ran, negative, a hint before now). */
    @Test
    void aTinyFloorsHintDoesNotOverflow() {
        StepHost h = host(1, Map.of("be_min", "1e-15"));
        h.spawn("batch", BE, 0);
        StepTask web = h.spawn("web", LC, 0);
        h.advance(1_000);
        assertEquals(web, h.schedule(0));
        h.advance(1_000);
        assertFalse(h.tick(0), "the hint after this tick must not be before now");
        h.advance(1_000);
        assertFalse(h.tick(0));
        h.drainAndCheck();
    }
}
