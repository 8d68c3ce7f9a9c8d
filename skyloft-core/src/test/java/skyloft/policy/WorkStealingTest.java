package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

class WorkStealingTest {
    static final long US = 1_000;

    /**
     * A host model in which an idle CPU looks for work only when a task is queued on it, half
     * the time when it has just stopped a task, and when a kick for it falls due (no idle
     * polling), and time passes in steps of at most 20us. A CPU may not stay idle for
     * longer than a balance interval while another has two or more tasks waiting.
     */
    @Test
    void noCpuIdlesWhileAnotherHasTwoWaiting() {
        for (long seed = 1; seed <= 5; seed++) {
            WorkStealing p = new WorkStealing();
            int cpus = 4;
            StepHost h = new StepHost(p, cpus, seed);
            SplittableRandom rnd = new SplittableRandom(seed);
            List<StepTask> blocked = new ArrayList<>();
            int kicksHonoured = 0, checks = 0;
            long imbalancedSince = -1;
            for (int step = 0; step < 3000; step++) {
                int cpu = rnd.nextInt(cpus);
                switch (rnd.nextInt(6)) {
                    case 0 -> { if (h.tasks().size() < 24) h.spawn("t" + h.tasks().size(), SchedAttr.DEFAULT, cpu); }
                    // A CPU that stops its task does not always look for work at once (host latency).
                    case 1, 2 -> { h.runFor(cpu, rnd.nextLong(1 * US, 20 * US), US); if (rnd.nextBoolean()) h.schedule(cpu); }
                    case 3 -> { if (h.running(cpu) != null) { blocked.add(h.stop(cpu, StopReason.BLOCK)); if (rnd.nextBoolean()) h.schedule(cpu); } }
                    case 4 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                    default -> { // the timer: time passes and every busy CPU gets a tick
                        h.advance(rnd.nextLong(0, 5 * US));
                        for (int c = 0; c < cpus; c++) {
                            if (h.tick(c)) { h.stop(c, StopReason.PREEMPT); if (rnd.nextBoolean()) h.schedule(c); }
                        }
                    }
                }
                // The host wakes a CPU that got a task queued.
                for (int c = 0; c < cpus; c++) if (h.running(c) == null && p.queued(c) > 0) h.schedule(c);
                // Due kicks: an idle CPU balances and picks.
                for (int k = 0; k < h.kicks().size(); k++) {
                    long[] kick = h.kicks().get(k);
                    if (kick[1] <= h.now()) {
                        h.kicks().remove(k--);
                        if (h.running((int) kick[0]) == null) { h.schedule((int) kick[0]); kicksHonoured++; }
                    }
                }
                boolean anyIdle = false, anyLong = false;
                for (int c = 0; c < cpus; c++) { anyIdle |= h.running(c) == null; anyLong |= p.queued(c) >= 2; }
                if (anyIdle && anyLong) {
                    if (imbalancedSince < 0) imbalancedSince = h.now();
                    assertTrue(h.now() - imbalancedSince <= p.balanceIntervalNs(), "seed " + seed + " step " + step
                            + ": a CPU idled while another had two or more waiting for " + (h.now() - imbalancedSince) + "ns");
                } else {
                    imbalancedSince = -1;
                }
                if (anyIdle) checks++;
            }
            assertTrue(checks > 20, "kicks " + kicksHonoured + ", checks " + checks);
            h.drainAndCheck();
        }
    }

    @Test
    void aTickOnALongQueueKicksAnIdleCpuWhichSteals() {
        WorkStealing p = new WorkStealing();
        StepHost h = new StepHost(p, 2, 1);
        h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("b", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        h.spawn("c", SchedAttr.DEFAULT, 0);
        h.spawn("d", SchedAttr.DEFAULT, 0);
        assertEquals(2, p.queued(0), "both CPUs were busy");
        h.stop(1, StopReason.BLOCK); // CPU 1 goes idle without looking for work
        h.kicks().clear();
        h.advance(US);
        h.tick(0);
        assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 1 && k[1] == h.now()), "the idle CPU is kicked at once");
        h.schedule(1);
        assertEquals(1, h.steals(), "and steals half of the queue");
        assertEquals(1, p.queued(0));
    }

    @Test
    void sliceIsEnforcedOnlyWhenSomeoneWaits() {
        StepHost h = new StepHost(new WorkStealing(), 1, 1);
        StepTask a = h.spawn("a", SchedAttr.DEFAULT, 0);
        assertEquals(a, h.runFor(0, 50 * US, US));
        assertEquals(0, a.preemptions());
        StepTask b = h.spawn("b", SchedAttr.DEFAULT, 0);
        h.runFor(0, 50 * US, US);
        assertEquals(1, a.preemptions());
        assertEquals(b, h.schedule(0));
    }
}
