package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * The contract suite gives its deadline tasks fixed parameters; this drives {@code deadline}
 * (global and partitioned) and {@code rm} with a random mix of deadline and plain tasks,
 * attribute changes between the two and between parameters, throttling and replenishment
 * (kicks honoured when due), and checks that no task is lost, run twice, or kept at drain.
 */
class RealtimeOwnershipTest {
    static final long US = 1_000;

    @Test
    void randomMixedWorkloadsKeepOwnership() {
        List<Map<String, String>> configs = List.of(
                Map.of("admission", "off"),
                Map.of("admission", "off", "placement", "partitioned"));
        int runs = 0;
        for (String policy : new String[] {"deadline", "rm"}) {
            for (Map<String, String> params : configs) {
                if (policy.equals("rm") && params.containsKey("placement")) continue;
                for (int cpus : new int[] {1, 2, 3}) {
                    for (long seed = 1; seed <= 6; seed++) {
                        runOnce(policy, params, cpus, seed);
                        runs++;
                    }
                }
            }
        }
        assertTrue(runs == 54);
    }

    private static SchedAttr randomAttr(SplittableRandom rnd) {
        if (rnd.nextInt(3) == 0) return SchedAttr.DEFAULT.withNice(rnd.nextInt(-5, 6));
        long period = rnd.nextLong(50, 500) * US;
        return SchedAttr.DEFAULT.withDeadline(period / rnd.nextInt(2, 8), period, period);
    }

    private static void runOnce(String policy, Map<String, String> params, int cpus, long seed) {
        StepHost h = new StepHost(PolicyRegistry.create(policy, params), cpus, seed);
        SplittableRandom rnd = new SplittableRandom(seed * 17 + cpus);
        List<StepTask> blocked = new ArrayList<>();
        long ran = 0;
        for (int step = 0; step < 800; step++) {
            int cpu = rnd.nextInt(cpus);
            switch (rnd.nextInt(9)) {
                case 0 -> { if (h.tasks().size() < 20) h.spawn("t" + h.tasks().size(), randomAttr(rnd), cpu); }
                case 1, 2 -> { if (h.runFor(cpu, rnd.nextLong(1 * US, 80 * US), 5 * US) != null) ran++; }
                case 3 -> { if (h.running(cpu) != null) h.stop(cpu, StopReason.YIELD); }
                case 4 -> { if (h.running(cpu) != null) blocked.add(h.stop(cpu, StopReason.BLOCK)); }
                case 5 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                case 6 -> {
                    StepTask t = h.tasks().isEmpty() ? null : h.tasks().get(rnd.nextInt(h.tasks().size()));
                    if (t != null && t.state() != StepHost.State.EXITED) h.setAttr(t, randomAttr(rnd));
                    else if (h.running(cpu) != null && rnd.nextInt(3) == 0) h.stop(cpu, StopReason.EXIT);
                }
                default -> h.advance(rnd.nextLong(0, 100 * US));
            }
            for (int k = 0; k < h.kicks().size(); k++) { // honour due kicks: idle CPUs look for work
                long[] kick = h.kicks().get(k);
                if (kick[1] <= h.now()) {
                    h.kicks().remove(k--);
                    if (h.running((int) kick[0]) == null) h.schedule((int) kick[0]);
                }
            }
        }
        assertTrue(ran > 50, policy + " " + params + " ran only " + ran + " times");
        h.drainAndCheck();
    }
}
