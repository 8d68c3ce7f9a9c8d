package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
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
        for (String policy : new String[] {"deadline", "rm"}) {
            for (Map<String, String> params : configs) {
                if (policy.equals("rm") && params.containsKey("placement")) continue;
                long throttled = 0, replenished = 0;
                for (int cpus : new int[] {1, 2, 3}) {
                    for (long seed = 1; seed <= 6; seed++) {
                        long[] r = runOnce(policy, params, cpus, seed);
                        throttled += r[0];
                        replenished += r[1];
                    }
                }
                if (policy.equals("deadline")) {
                    // the runs went through throttling and replenishment, not only plain picks
                    assertTrue(throttled > 0, policy + " " + params + ": no server was ever throttled");
                    assertTrue(replenished > 0, policy + " " + params + ": " + throttled + " throttled servers, none ever ran again");
                }
            }
        }
    }

    private static SchedAttr randomAttr(SplittableRandom rnd) {
        if (rnd.nextInt(3) == 0) return SchedAttr.DEFAULT.withNice(rnd.nextInt(-5, 6));
        long period = rnd.nextLong(50, 500) * US;
        return SchedAttr.DEFAULT.withDeadline(period / rnd.nextInt(2, 8), period, period);
    }

    /** Returns {servers seen throttled, of those the ones that ran again after it} (deadline only; zeros under rm). */
    private static long[] runOnce(String policy, Map<String, String> params, int cpus, long seed) {
        StepHost h = new StepHost(PolicyRegistry.create(policy, params), cpus, seed);
        Deadline dl = h.policy() instanceof Deadline d ? d : null;
        Map<StepTask, Long> throttledAtSwitches = new HashMap<>();
        Map<StepTask, SchedAttr> throttledAttr = new HashMap<>();
        long throttled = 0, replenished = 0;
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
            if (dl != null) {
                for (StepTask t : h.tasks()) {
                    if (t.state() == StepHost.State.EXITED) continue;
                    if (dl.isThrottled(t)) {
                        if (throttledAtSwitches.putIfAbsent(t, t.switches()) == null) {
                            throttledAttr.put(t, t.attr());
                            throttled++;
                        }
                    } else if (throttledAtSwitches.containsKey(t)) {
                        if (throttledAttr.get(t) != t.attr()) {
                            throttledAtSwitches.remove(t); // new parameters start a new server: no replenishment to see
                        } else if (t.switches() > throttledAtSwitches.get(t)) {
                            replenished++; // the same server, out of the throttled heap and running again
                            throttledAtSwitches.remove(t);
                        }
                    }
                }
            }
        }
        assertTrue(ran > 50, policy + " " + params + " ran only " + ran + " times");
        h.drainAndCheck();
        return new long[] {throttled, replenished};
    }
}
