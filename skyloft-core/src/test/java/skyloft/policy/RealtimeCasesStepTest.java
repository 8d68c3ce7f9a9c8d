package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * The periodic cases A, B, D and G of realtime-cases.md, driven through the stepping host in
 * whole time units (1 unit = 1 ms) as a cross-check of the {@code rm} and {@code deadline}
 * policies themselves; the simulator runs the same cases through its own engine. Each job is
 * released by a WAKEUP at k x T, needs C units, and blocks when done; a job still unfinished
 * at the next release (D = T here) is a miss.
 */
class RealtimeCasesStepTest {
    static final long UNIT_NS = 1_000_000;
    static final Map<String, String> OFF = Map.of("admission", "off");

    /** Returns "miss t=X task N left L" for the first miss before {@code horizon}, or "no miss". */
    static String firstMiss(String policy, Map<String, String> params, int cpus, long[][] tasks, int horizon) {
        StepHost h = new StepHost(PolicyRegistry.create(policy, params), cpus, 1);
        int n = tasks.length;
        StepTask[] ts = new StepTask[n];
        long[] left = new long[n];
        for (int t = 0; t <= horizon; t++) {
            for (int i = 0; i < n; i++) {
                long c = tasks[i][0], d = tasks[i][1], p = tasks[i][2];
                if (t % p != 0) continue;
                if (left[i] > 0) return "miss t=" + t + " task " + (i + 1) + " left " + left[i];
                left[i] = c;
                if (ts[i] == null) ts[i] = h.spawn("task" + (i + 1), SchedAttr.DEFAULT.withDeadline(c * UNIT_NS, d * UNIT_NS, p * UNIT_NS), 0);
                else h.wake(ts[i]);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int cpu = 0; cpu < cpus; cpu++) {
                    if (h.running(cpu) != null && (h.preemptPending(cpu) || h.tick(cpu))) h.stop(cpu, StopReason.PREEMPT);
                    if (h.running(cpu) == null) h.schedule(cpu);
                }
            }
            h.advance(UNIT_NS);
            for (int cpu = 0; cpu < cpus; cpu++) {
                StepTask r = h.running(cpu);
                if (r == null) continue;
                int i = Integer.parseInt(r.name().substring(4)) - 1;
                if (--left[i] == 0) h.stop(cpu, StopReason.BLOCK);
            }
        }
        return "no miss";
    }

    static final long[][] A = {{1, 4, 4}, {1, 5, 5}, {2, 10, 10}};
    static final long[][] B = {{2, 5, 5}, {4, 7, 7}};
    static final long[][] D = {{3, 5, 5}, {3, 6, 6}};
    static final long[][] G = {{10, 10, 10}, {1, 9, 9}, {1, 9, 9}};

    @Test
    void caseAMeetsEveryDeadlineUnderBoth() {
        assertEquals("no miss", firstMiss("rm", OFF, 1, A, 200));
        assertEquals("no miss", firstMiss("deadline", OFF, 1, A, 200));
    }

    @Test
    void caseBMissesAtSevenUnderRmOnly() {
        assertEquals("miss t=7 task 2 left 1", firstMiss("rm", OFF, 1, B, 200));
        assertEquals("no miss", firstMiss("deadline", OFF, 1, B, 200));
    }

    @Test
    void caseDMissesAtSixUnderRmAndAtTwentyUnderEdf() {
        assertEquals("miss t=6 task 2 left 1", firstMiss("rm", OFF, 1, D, 200));
        assertEquals("miss t=20 task 1 left 1", firstMiss("deadline", OFF, 1, D, 200));
    }

    @Test
    void caseGMissesUnderGlobalEdfAndNotPartitioned() {
        assertEquals("miss t=10 task 1 left 1", firstMiss("deadline", OFF, 2, G, 200));
        assertEquals("no miss", firstMiss("deadline", Map.of("admission", "off", "placement", "partitioned", "cap", "1.0"), 2, G, 200));
    }
}
