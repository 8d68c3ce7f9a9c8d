package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class ShinjukuAndGoodnessTest {
    static final long US = 1_000;

    @Test
    void shinjukuServesOneQueueFirstComeFirstServedOnAnyCpu() {
        StepHost h = new StepHost(new Shinjuku(), 2, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.schedule(1);
        StepTask c = h.spawn("c", SchedAttr.DEFAULT, 0);
        StepTask d = h.spawn("d", SchedAttr.DEFAULT, 1);
        assertEquals(a, h.running(0));
        assertEquals(b, h.running(1));
        h.stop(1, StopReason.EXIT);
        assertEquals(c, h.schedule(1), "the oldest waiting task, whichever CPU it arrived on");
        h.stop(0, StopReason.EXIT);
        assertEquals(d, h.schedule(0));
        assertEquals(0, h.steals(), "one queue: nothing to steal");
    }

    @Test
    void shinjukuQuantumGivesProcessorSharing() {
        StepHost h = new StepHost(new Shinjuku(), 1, 1);
        StepTask long1 = h.spawn("long1", SchedAttr.DEFAULT, 0);
        assertEquals(long1, h.runFor(0, 100 * US, US));
        assertEquals(0, long1.preemptions(), "alone: never preempted");
        StepTask long2 = h.spawn("long2", SchedAttr.DEFAULT, 0);
        StepTask shortOne = h.spawn("short", SchedAttr.DEFAULT, 0);
        long start = h.now();
        for (int i = 0; i < 100 && h.schedule(0) != shortOne; i++) h.runFor(0, 100 * US, US);
        assertEquals(shortOne, h.running(0));
        assertTrue(h.now() - start <= 2 * 10 * US + US, "the short request waited " + (h.now() - start) + "ns, at most two quanta");
        assertTrue(long2.switches() == 1 && long1.preemptions() >= 1);
    }

    @Test
    void goodnessWakeupPreemptsTheCpuWhereTheWokenTaskWinsMostNotJustItsOwn() {
        StepHost h = new StepHost(new Goodness(), 2, 1);
        StepTask wakee = h.spawn("wakee", SchedAttr.DEFAULT, 0);
        assertEquals(wakee, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        StepTask strong = h.spawn("strong", SchedAttr.DEFAULT.withNice(-10), 0);
        assertEquals(strong, h.schedule(0));
        StepTask weak = h.spawn("weak", SchedAttr.DEFAULT.withNice(19), 1);
        assertEquals(weak, h.schedule(1));
        // goodness on CPU 0: strong 8 + 30 + 15 = 53 against the wakee's 6 + 20 + 15 = 41;
        // on CPU 1: weak 1 + 1 + 15 = 17 against the wakee's 26
        h.wake(wakee);
        assertFalse(h.preemptPending(0), "the wakee loses on its own CPU");
        assertTrue(h.preemptPending(1), "and wins on the other one, which 2.4's reschedule_idle preempts");
        h.stop(1, StopReason.PREEMPT);
        assertEquals(wakee, h.schedule(1));

        // beating no running task, it preempts nothing
        h = new StepHost(new Goodness(), 2, 1);
        StepTask w2 = h.spawn("weak-wakee", SchedAttr.DEFAULT.withNice(19), 0);
        h.schedule(0);
        h.stop(0, StopReason.BLOCK);
        h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("b", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        h.wake(w2);
        assertFalse(h.preemptPending(0) || h.preemptPending(1));
        h.drainAndCheck();
    }

    @Test
    void goodnessPicksTheBestCounterPlusNice() {
        StepHost h = new StepHost(new Goodness(), 1, 1);
        h.spawn("nice0", SchedAttr.DEFAULT, 0);
        StepTask better = h.spawn("nice-5", SchedAttr.DEFAULT.withNice(-5), 0);
        assertEquals(better, h.schedule(0));
    }

    @Test
    void goodnessRecalculatesWhenEveryCounterIsUsedAndSleepersGainCredit() {
        Goodness p = new Goodness();
        StepHost h = new StepHost(p, 1, 1);
        StepTask sleeper = h.spawn("sleeper", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", SchedAttr.DEFAULT, 0);
        assertEquals(sleeper, h.schedule(0));
        h.stop(0, StopReason.BLOCK); // sleeps with its full 60us counter
        assertEquals(hog, h.runFor(0, 1_000 * US, 10 * US)); // alone, runs its counter down...
        h.stop(0, StopReason.PREEMPT);
        assertEquals(hog, h.schedule(0), "...and a recalculation gives it a new counter");
        h.wake(sleeper); // 60 / 2 + 60 = 90us of counter at the first epoch, more at later ones: better goodness than the hog's
        assertTrue(h.preemptPending(0), "the sleeper's credit preempts the hog");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(sleeper, h.schedule(0));
        h.runFor(0, 85 * US, US);
        assertEquals(sleeper, h.running(0), "its counter grew beyond the 60us base");
    }

    @Test
    void goodnessPenalizesAYieldForOnePickOnlyAsLinux24Did() {
        StepHost h = new StepHost(new Goodness(), 1, 1);
        StepTask yielder = h.spawn("yielder", SchedAttr.DEFAULT, 0);
        StepTask hog1 = h.spawn("hog1", SchedAttr.DEFAULT, 0);
        StepTask hog2 = h.spawn("hog2", SchedAttr.DEFAULT, 0);
        assertEquals(yielder, h.schedule(0));
        h.stop(0, StopReason.YIELD);
        assertTrue(h.schedule(0) != yielder, "right after its yield another task runs");
        // CPU-bound hogs never leave the queue empty: the yielder must still get its turn
        int picks = 0;
        while (h.running(0) != yielder && picks++ < 50) {
            h.runFor(0, 200 * US, 10 * US);
            if (h.running(0) == null) h.schedule(0);
        }
        assertEquals(yielder, h.running(0), "a task that yielded once runs again while CPU-bound tasks stay runnable");
        assertTrue(hog1.switches() + hog2.switches() <= 6, "within a few of the hogs' slices: " + picks + " picks");
    }

    /** 2.4's schedule() recalculates as soon as every runnable counter is used up, the running
     *  task's included: a CPU-bound task alone on its CPU starts a new epoch each time its counter
     *  runs out, and sleepers gain credit meanwhile. Before this audit the tick kept such a task
     *  running at counter 0 and never recalculated, so a sleeper woke with its old 60us. */
    @Test
    void goodnessRecalculatesWhileATaskRunsAloneSoSleepersGainCredit() {
        StepHost h = new StepHost(new Goodness(), 1, 1);
        StepTask sleeper = h.spawn("sleeper", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", SchedAttr.DEFAULT, 0);
        assertEquals(sleeper, h.schedule(0));
        h.stop(0, StopReason.BLOCK); // sleeps with its full 60us counter
        assertEquals(hog, h.runFor(0, 1_000 * US, 10 * US)); // alone for 1ms: about 16 epochs
        assertEquals(hog, h.running(0), "alone, it keeps its CPU through every epoch");
        h.wake(sleeper);
        assertTrue(h.preemptPending(0), "the sleeper's credit preempts the hog");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(sleeper, h.schedule(0));
        h.runFor(0, 110 * US, 10 * US);
        assertEquals(sleeper, h.running(0), "its counter grew towards twice the 60us base while it slept");
    }
}
