package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * A random walk on 4 stepping CPUs (spawns, runs, blocks, wakes, picks, periodic and idle
 * balances) that checks, at every step, a policy's own count of queued tasks against the host's:
 * the count that lets the policy's idle balance skip its scan of every CPU when nothing is queued
 * elsewhere (cfs, o1). Ends by draining and checking the count is 0.
 */
final class QueuedCountWalk {
    private QueuedCountWalk() {}

    static void check(SchedPolicy policy, IntSupplier queuedTasks, long seed) {
        StepHost h = new StepHost(policy, 4, seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<StepTask> blocked = new ArrayList<>();
        int skipped = 0;
        for (int step = 0; step < 5000; step++) {
            int cpu = rnd.nextInt(4);
            switch (rnd.nextInt(6)) {
                case 0 -> { if (h.tasks().size() < 6) h.spawn("t" + h.tasks().size(), SchedAttr.DEFAULT.withNice(rnd.nextInt(-3, 4)), cpu); }
                case 1 -> h.runFor(cpu, rnd.nextLong(1_000, 80_000), 5_000);
                case 2 -> { if (h.running(cpu) != null) blocked.add(h.stop(cpu, StopReason.BLOCK)); }
                case 3 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                case 4 -> { if (h.running(cpu) == null) h.schedule(cpu); }
                default -> {
                    if (h.running(cpu) != null) {
                        h.balance(cpu); // periodic
                    } else { // an idle look: pickNext, then the idle balance the host runs when it finds nothing
                        if (h.tasks().stream().noneMatch(t -> t.state() == StepHost.State.QUEUED)) skipped++;
                        h.schedule(cpu);
                    }
                }
            }
            long queued = h.tasks().stream().filter(t -> t.state() == StepHost.State.QUEUED).count();
            assertEquals(queued, queuedTasks.getAsInt(), "step " + step);
        }
        assertTrue(skipped > 10, "balances with nothing queued: " + skipped);
        h.drainAndCheck();
        assertEquals(0, queuedTasks.getAsInt());
    }
}
