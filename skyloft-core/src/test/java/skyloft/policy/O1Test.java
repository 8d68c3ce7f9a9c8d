package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class O1Test {
    static final long US = 1_000;

    @Test
    void timeslicesFollowStaticPriority() {
        assertEquals(800 * US, O1.timesliceNs(100));
        assertEquals(100 * US, O1.timesliceNs(120));
        assertEquals(5 * US, O1.timesliceNs(139));
    }

    @Test
    void highestPriorityAlwaysRunsFirst() {
        StepHost h = new StepHost(new O1(), 1, 1);
        int[] nices = {5, -3, 10, 0, -10, 19, -20};
        for (int n : nices) h.spawn("nice" + n, SchedAttr.DEFAULT.withNice(n), 0);
        int[] expected = {-20, -10, -3, 0, 5, 10, 19};
        for (int n : expected) {
            StepTask t = h.schedule(0);
            assertEquals(n, t.attr().nice(), "ran " + t);
            h.stop(0, StopReason.EXIT);
        }
    }

    @Test
    void wokenHigherPriorityTaskPreempts() {
        StepHost h = new StepHost(new O1(), 1, 1);
        StepTask low = h.spawn("low", SchedAttr.DEFAULT.withNice(10), 0);
        assertEquals(low, h.schedule(0));
        h.spawn("high", SchedAttr.DEFAULT.withNice(-5), 0);
        assertTrue(h.preemptPending(0));
    }

    @Test
    void expiredTasksWaitForTheArraySwap() {
        O1 p = new O1();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a-nice0", SchedAttr.DEFAULT, 0);
        StepTask b = h.spawn("b-nice10", SchedAttr.DEFAULT.withNice(10), 0);
        assertEquals(a, h.runFor(0, 1_000 * US, US)); // runs its 100us slice, then is preempted
        assertEquals(100 * US, a.runNs());
        assertTrue(p.isExpired(0, a), "a CPU hog goes to the expired array");
        StepTask late = h.spawn("late-nice19", SchedAttr.DEFAULT.withNice(19), 0);
        assertEquals(b, h.runFor(0, 1_000 * US, US), "the lower priority b still runs before the expired a");
        assertEquals(late, h.runFor(0, 1_000 * US, US), "so does a new nice 19 task");
        assertEquals(1, a.switches(), "a waited for the swap");
        assertEquals(a, h.runFor(0, 1_000 * US, US), "after the swap the highest priority runs first");
    }

    @Test
    void interactiveSleeperReturnsToTheActiveArray() {
        O1 p = new O1();
        StepHost h = new StepHost(p, 1, 1);
        StepTask[] sh = sleeperAsleepWhileAHogRuns(h);
        StepTask sleeper = sh[0], hog = sh[1];
        h.wake(sleeper);
        assertTrue(O1.prio(sleeper) < O1.prio(hog), "sleeping earned a bonus: " + O1.prio(sleeper) + " vs " + O1.prio(hog));
        preemptUntilRunning(h, sleeper);
        assertEquals(sleeper, h.running(0));
        h.runFor(0, 200 * US, US); // uses up its 100us slice
        assertEquals(1, sleeper.preemptions());
        assertFalse(p.isExpired(0, sleeper), "an interactive task goes back to the active array");
    }

    /** A nice -10 task that ran past its slice alone (no ticks: nothing waited), blocked, and is
     *  woken beside nice-0 tasks goes to the active array with a fresh slice and preempts them, as
     *  Linux's activate_task has it; it used to go to the expired array and wait for the swap. */
    @Test
    void aTaskWokenAfterItsSliceRanOutIsActiveAndPreemptsLowerPriorities() {
        O1 p = new O1();
        StepHost h = new StepHost(p, 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT.withNice(-10), 0);
        assertEquals(a, h.schedule(0));
        h.advance(700 * US);
        h.stop(0, StopReason.BLOCK);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.spawn("c", SchedAttr.DEFAULT, 0);
        assertEquals(b, h.schedule(0));
        h.advance(50 * US);
        h.wake(a);
        assertTrue(O1.prio(a) < O1.prio(b), "a " + O1.prio(a) + " against b " + O1.prio(b));
        assertFalse(p.isExpired(0, a), "woken into the active array");
        assertTrue(h.preemptPending(0), "and it preempts b at once");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(a, h.schedule(0));
    }

    /** Linux's EXPIRED_STARVING has a second clause: an interactive task whose slice ends goes to
     *  the expired array too if a task of better static priority expired before it (it would
     *  otherwise keep that task waiting for the swap). */
    @Test
    void anInteractiveTaskDoesNotJumpAnExpiredTaskOfBetterStaticPriority() {
        O1 p = new O1();
        StepHost h = new StepHost(p, 1, 1);
        StepTask[] sh = sleeperAsleepWhileAHogRuns(h);
        StepTask sleeper = sh[0], hog = sh[1];
        StepTask strong = h.spawn("strong", SchedAttr.DEFAULT.withNice(-5), 0);
        h.wake(sleeper);
        for (int i = 0; i < 100 && !p.isExpired(0, strong); i++) {
            if (h.running(0) != null && h.running(0) != strong) h.stop(0, StopReason.PREEMPT);
            h.runFor(0, 100 * US, US);
        }
        assertTrue(p.isExpired(0, strong), "the nice -5 task used up its slice and expired");
        preemptUntilRunning(h, sleeper);
        assertEquals(sleeper, h.running(0), "the woken sleeper, with its bonus, runs before the hog");
        h.runFor(0, 200 * US, US); // uses up its 100us slice
        assertEquals(1, sleeper.preemptions());
        assertTrue(p.isExpired(0, sleeper), "interactive, but a better static priority waits in the expired array");
        assertFalse(p.isExpired(0, hog));
    }

    /** On CPU 0 of {@code h}: a sleeper runs first and blocks, then a hog runs 900us alone, so the
     *  sleeper earns its interactivity bonus; returns {sleeper, hog}, the sleeper still asleep. */
    private static StepTask[] sleeperAsleepWhileAHogRuns(StepHost h) {
        StepTask sleeper = h.spawn("sleeper", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", SchedAttr.DEFAULT, 0);
        assertEquals(sleeper, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        h.runFor(0, 900 * US, US);
        return new StepTask[] {sleeper, hog};
    }

    /** Preempts CPU 0's task and picks again, up to 10 times, until {@code t} runs. */
    private static void preemptUntilRunning(StepHost h, StepTask t) {
        for (int i = 0; i < 10 && h.running(0) != t; i++) {
            if (h.running(0) != null) h.stop(0, StopReason.PREEMPT);
            h.schedule(0);
        }
    }

    @Test
    void theQueuedCountThatLetsAnIdleBalanceSkipItsScanMatchesTheHostsAtEveryStep() {
        O1 p = new O1();
        QueuedCountWalk.check(p, p::queuedTasks, 5);
    }
}
