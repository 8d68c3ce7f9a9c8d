package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class EevdfTest {
    static final long US = 1_000;

    private static List<StepTask> counted(StepHost h) {
        return h.tasks().stream().filter(t -> t.state() == StepHost.State.QUEUED || t.state() == StepHost.State.RUNNING).toList();
    }

    /** Random spawns, runs, sleeps and wakes on one CPU; {@code check} runs after every step. */
    private static void randomRun(Eevdf p, StepHost h, long seed, Runnable afterEachStep, Runnable afterEachPick) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<StepTask> blocked = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            switch (rnd.nextInt(6)) {
                case 0 -> { if (h.tasks().size() < 12) h.spawn("t" + h.tasks().size(), SchedAttr.DEFAULT.withNice(rnd.nextInt(-5, 8)), 0); }
                case 1, 2 -> {
                    h.runFor(0, rnd.nextLong(1 * US, 60 * US), 2 * US);
                }
                case 3 -> { if (h.running(0) != null) blocked.add(h.stop(0, StopReason.BLOCK)); }
                case 4 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                default -> {
                    if (h.running(0) == null && h.schedule(0) != null) afterEachPick.run();
                }
            }
            afterEachStep.run();
        }
    }

    @Test
    void lagsSumToZero() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 1, 1);
        long[] checks = {0};
        randomRun(p, h, 11, () -> {
            long v = p.avgVruntimeNs(0), sum = 0, w = 0;
            for (StepTask t : counted(h)) {
                sum += (long) t.attr().weight() * (v - Eevdf.vruntimeNs(t));
                w += t.attr().weight();
            }
            // V is rounded down to a whole ns, so the sum is within one ns of total weight of zero.
            assertTrue(sum <= 0 && sum > -Math.max(w, 1), "sum of lags " + sum + " with total weight " + w);
            if (w > 0) checks[0]++;
        }, () -> { });
        assertTrue(checks[0] > 1000);
    }

    @Test
    void onlyEligibleTasksArePickedAndTheEarliestDeadlineAmongThem() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 1, 2);
        long[] picks = {0};
        randomRun(p, h, 12, () -> { }, () -> {
            StepTask cur = h.running(0);
            long v = p.avgVruntimeNs(0);
            assertTrue(Eevdf.vruntimeNs(cur) <= v, "picked an ineligible task");
            for (StepTask t : counted(h)) {
                if (t != cur && Eevdf.vruntimeNs(t) <= v) assertTrue(Eevdf.deadlineNs(cur) <= Eevdf.deadlineNs(t), "an eligible task had an earlier deadline");
            }
            picks[0]++;
        });
        assertTrue(picks[0] > 100, "picks checked: " + picks[0]);
    }

    /**
     * Three CPU-bound nice-0 tasks with slices 5us, 12.5us (the default) and 100us share one CPU
     * equally, but the short-slice one runs in short turns with short waits between them: its
     * mean wait per dispatch (latency) is far below the long-slice one's. (With sleepers, the
     * lag kept across sleep decides when a task becomes eligible, and the slice only decides
     * the order among eligible ones.)
     */
    @Test
    void shortSliceTaskWaitsLessThanLongSliceTaskOfTheSameWeight() {
        StepHost h = new StepHost(new Eevdf(), 1, 3);
        StepTask shortSlice = h.spawn("short", SchedAttr.DEFAULT.withSliceNs(5 * US), 0);
        StepTask mid = h.spawn("default", SchedAttr.DEFAULT, 0);
        StepTask longSlice = h.spawn("long", SchedAttr.DEFAULT.withSliceNs(100 * US), 0);
        while (h.now() < 30_000 * US) h.runFor(0, 1_000 * US, US);
        long total = shortSlice.runNs() + mid.runNs() + longSlice.runNs();
        for (StepTask t : new StepTask[] {shortSlice, mid, longSlice}) {
            assertEquals(33.3, 100.0 * t.runNs() / total, 2.0, t.name() + " share");
        }
        double shortWait = (double) shortSlice.waitNs() / shortSlice.switches();
        double longWait = (double) longSlice.waitNs() / longSlice.switches();
        assertTrue(shortWait * 3 < longWait, "mean wait per dispatch: 5us slice " + shortWait + "ns, 100us slice " + longWait + "ns");
    }

    @Test
    void lagIsKeptAcrossSleep() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        StepTask c = h.spawn("c", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        h.advance(30 * US);
        h.tick(0); // brings a's vruntime up to date: a ran 30us ahead of b and c, V = 10us, lag = -20us
        long lagBefore = p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a);
        assertEquals(-20 * US, lagBefore);
        h.stop(0, StopReason.BLOCK);
        h.schedule(0);
        h.advance(50 * US);
        h.stop(0, StopReason.PREEMPT);
        h.wake(a);
        long lagAfter = p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a);
        assertEquals(lagBefore, lagAfter, 1, "lag before sleep " + lagBefore + " after " + lagAfter);
    }

    /**
     * A task moved to another CPU keeps its lag, as at a wakeup: placed at V - lag x (W + w) / W
     * there, with V of the CPU it leaves brought up to date first. a runs 40us on CPU 0 with no
     * tick, so V there is (40 + 0) / 2 = 20us and b's lag +20us; a rescue moves b to CPU 1,
     * where x (nice 5, another weight) runs, and b's lag there must still be +20us.
     */
    @Test
    void aTaskMovedToAnotherCpuKeepsItsLag() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 2, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        StepTask x = h.spawn("x", SchedAttr.DEFAULT.withNice(5), 1);
        assertEquals(x, h.schedule(1));
        h.advance(20 * US);
        h.tick(1);
        h.advance(20 * US);
        assertEquals(1, h.rescue(0, 1));
        assertEquals(20 * US, p.avgVruntimeNs(1) - Eevdf.vruntimeNs(b), 2, "b's lag on CPU 1");
    }

    /**
     * With sleeplag=decay a sleeper pays its debt off while asleep, as under Linux 6.12's delayed
     * dequeue: a (lag -20us) sleeps while b runs 50us. Had a stayed queued with its weight in V,
     * V would be (30 + 50 + 0) / 3 = 26.7us at its wakeup, so it comes back at the vruntime it
     * stopped at (30us) with lag -3.3us, not -20us.
     */
    @Test
    void withDecayASleeperPaysItsLagOffWhileAsleep() {
        Eevdf p = new Eevdf(Eevdf.DEFAULT_SLICE_NS, true);
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.spawn("c", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.schedule(0));
        h.advance(30 * US);
        h.tick(0);
        assertEquals(-20 * US, p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a));
        h.stop(0, StopReason.BLOCK);
        assertEquals(b, h.schedule(0));
        h.advance(50 * US);
        h.stop(0, StopReason.PREEMPT);
        h.wake(a);
        assertEquals(30 * US, Eevdf.vruntimeNs(a), 1, "woken where it slept, it is back at the vruntime it stopped at");
        assertEquals(-3_333, p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a), 2, "its lag, as if it had stayed queued");
    }

    /** Under decay, a debt that V has passed while the task slept is gone (lag 0 at wakeup, where
     *  keep brings back all of it), and a positive lag is kept as under keep. */
    @Test
    void withDecayAPaidOffDebtWakesAtLagZeroAndAPositiveLagIsKept() {
        for (boolean decay : new boolean[] {false, true}) {
            Eevdf p = new Eevdf(Eevdf.DEFAULT_SLICE_NS, decay);
            StepHost h = new StepHost(p, 1, 1);
            StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
            StepTask c = h.spawn("c", SchedAttr.DEFAULT, 0);
            assertEquals(a, h.schedule(0));
            h.advance(30 * US);
            h.tick(0);
            assertEquals(-15 * US, p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a)); // a = 30us, c = 0
            h.stop(0, StopReason.BLOCK);
            assertEquals(c, h.schedule(0));
            h.advance(500 * US); // c alone: V follows c far past a's vruntime
            h.tick(0);
            h.wake(a);
            long aAfter = p.avgVruntimeNs(0) - Eevdf.vruntimeNs(a);
            if (decay) assertEquals(0, aAfter, 1, "a debt paid off while asleep");
            else assertEquals(-15 * US, aAfter, 1, "keep: the whole debt comes back");

            p = new Eevdf(Eevdf.DEFAULT_SLICE_NS, decay);
            h = new StepHost(p, 1, 1);
            a = h.spawn("a", SchedAttr.DEFAULT, 0);
            StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
            h.spawn("c", SchedAttr.DEFAULT, 0);
            assertEquals(a, h.schedule(0));
            h.advance(30 * US);
            h.stop(0, StopReason.PREEMPT); // a = 30us, b = c = 0
            assertEquals(b, h.schedule(0));
            h.advance(1 * US);
            h.tick(0);
            long bLag = p.avgVruntimeNs(0) - Eevdf.vruntimeNs(b); // V = 31 / 3 us, b = 1us
            assertTrue(bLag > 9 * US, "b's lag " + bLag);
            h.stop(0, StopReason.BLOCK);
            h.schedule(0);
            h.advance(1 * US);
            h.tick(0);
            h.wake(b);
            assertEquals(bLag, p.avgVruntimeNs(0) - Eevdf.vruntimeNs(b), 1, "b's positive lag, kept");
        }
    }

    @Test
    void theSleeplagParameterIsParsedAndNamesItsValuesWhenWrong() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("eevdf", Map.of("sleeplag", "forget")));
        assertTrue(e.getMessage().contains("forget") && e.getMessage().contains("keep, decay"), e.getMessage());
        StringWriter sw = new StringWriter();
        var p = PolicyRegistry.create("eevdf", Map.of("sleeplag", "decay"));
        new StepHost(p, 1, 1);
        p.dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains("sleeplag=decay"), sw.toString());
    }

    @Test
    void theTickHintIsTheTimeTheDeadlineIsReached() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("a", SchedAttr.DEFAULT.withNice(3), 0);
        h.spawn("b", SchedAttr.DEFAULT, 0);
        h.spawn("c", SchedAttr.DEFAULT.withNice(-2), 0);
        assertEquals(30, hintsAreExact(p, h, 30));
    }

    /**
     * Runs CPU 0 of {@code h} from a tick that said no: the policy's hint must name the time its
     * tick says yes, to within 8 ns (each update of a vruntime rounds down, so the tick may come
     * a few ns after the hint, never before). Returns the number of hints checked.
     */
    static int hintsAreExact(skyloft.spi.SchedPolicy p, StepHost h, int rounds) {
        int checked = 0;
        for (int r = 0; r < rounds; r++) {
            StepTask t = h.schedule(0);
            if (h.tick(0)) { h.stop(0, StopReason.PREEMPT); continue; }
            long hint = p.tickHintNs(0, t, h.now() - t.runStartNs(), h.now());
            assertTrue(hint > h.now() && hint < h.now() + 1_000 * US, "hint " + hint + " at " + h.now());
            h.advance(hint - h.now() - 1);
            assertFalse(h.tick(0), "the tick said yes 1 ns before the hint"); // StepHost checks this too
            boolean yes = false;
            for (int k = 0; k < 4 && !yes; k++) {
                h.advance(2);
                yes = h.tick(0);
            }
            assertTrue(yes, "the tick still said no 8 ns after the hint " + hint);
            h.stop(0, StopReason.PREEMPT);
            checked++;
        }
        return checked;
    }

    /** Linux's reweight: renicing a queued nice-19 task to 0 scales its relative virtual
     *  deadline by 15/1024 and keeps its lag, so it then runs about a nice-0 slice, not the 427us
     *  its nice-19 deadline allowed against a 12.5us base slice. */
    @Test
    void aRenicedQueuedTaskGetsTheDeadlineAndKeepsTheLagOfItsNewWeight() {
        Eevdf p = new Eevdf();
        StepHost h = new StepHost(p, 1, 1);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT.withNice(19), 0);
        assertEquals(b, h.schedule(0), "equal lags: b's deadline is the nearer");
        long relBefore = Eevdf.deadlineNs(a) - Eevdf.vruntimeNs(a);
        h.setAttr(a, a.attr().withNice(0));
        long relAfter = Eevdf.deadlineNs(a) - Eevdf.vruntimeNs(a);
        assertEquals(Math.floorDiv(relBefore * 15, 1024), relAfter, "scaled by the old weight over the new (nice 19: 15, nice 0: 1024)");
        while (h.running(0) == b) {
            h.advance(1_000);
            if (h.tick(0)) h.stop(0, StopReason.PREEMPT);
        }
        assertEquals(a, h.schedule(0));
        long start = h.now();
        do h.advance(1_000); while (!h.tick(0));
        assertTrue(h.now() - start <= 50_000, "a ran " + (h.now() - start) + " ns in one go, about a nice-0 slice (12.5us), b waiting");
    }
    /** A runs 1us of the 12.5us slice it was picked with (first deadline 6.25us away); then
     *  {@code newcomer} arrives with an earlier deadline, so it would be the pick. */
    private static StepHost parityCase(String wakeup, SchedAttr newcomer) {
        StepHost h = new StepHost(PolicyRegistry.create("eevdf", Map.of("wakeup", wakeup)), 1, 1);
        StepTask a = h.spawn("a");
        assertEquals(a, h.schedule(0));
        h.advance(1 * US);
        assertFalse(h.tick(0));
        h.spawn("b", newcomer, 0);
        return h;
    }

    @Test
    void runToParityKeepsTheRunningTaskUntilItsSliceIsUsedUnlessAShorterSliceArrives() {
        SchedAttr shortSlice = SchedAttr.DEFAULT.withSliceNs(2 * US); // deadline 1us away
        assertTrue(parityCase("pick", shortSlice).preemptPending(0), "the default: the pick preempts at once");

        StepHost h = parityCase("parity", shortSlice);
        assertFalse(h.preemptPending(0), "RUN_TO_PARITY: a has its slice left");
        h.advance(5 * US);
        assertFalse(h.tick(0), "6us run, deadline at 6.25us");
        h.advance(1 * US);
        assertTrue(h.tick(0), "its slice used, a gets a new deadline and b runs");
        h.stop(0, StopReason.PREEMPT);
        assertEquals("b", h.schedule(0).name());

        assertTrue(parityCase("parity_short", shortSlice).preemptPending(0), "PREEMPT_SHORT: a shorter slice ends the protection");
        // nice -5 gives an earlier deadline with the same 12.5us slice: the protection holds
        SchedAttr heavier = SchedAttr.DEFAULT.withNice(-5);
        assertTrue(parityCase("pick", heavier).preemptPending(0), "it would be the pick");
        assertFalse(parityCase("parity_short", heavier).preemptPending(0), "not shorter: a keeps its slice");

        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("eevdf", Map.of("wakeup", "lazy")));
        assertTrue(e.getMessage().contains("'lazy'") && e.getMessage().contains("pick, parity, parity_short"), e.getMessage());
    }
}
