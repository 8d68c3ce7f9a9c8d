package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * The policy ops that the first failure audit left out: {@code name()}, which the runtime calls
 * to report a retired policy (after the lock, on the carrier that retired it) and in stats;
 * {@code dump}; and a {@code drain} that breaks its contract by returning null. Each is a
 * contract break that retires the policy, or a name that stands in for it; none kills a carrier,
 * loses a task or escapes {@code close()}. Every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyEdgeOpsTest {

    /** FIFO on one queue; a task named "held" is never handed out. */
    static class Fifo extends SchedPolicy {
        final ArrayDeque<Task> q = new ArrayDeque<>();

        @Override public String name() { return "edge"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) {
            if ("bad".equals(t.givenName())) throw new IllegalStateException("enqueue bug");
            q.add(t);
        }
        @Override public Task pickNext(int cpu, long now) {
            for (Task t : q) {
                if (!"held".equals(t.givenName())) {
                    q.remove(t);
                    return t;
                }
            }
            return null;
        }
        @Override public List<Task> drain(long now) {
            List<Task> all = List.copyOf(q);
            q.clear();
            return all;
        }
    }

    private static SkyloftRuntime oneCarrier(SchedPolicy p) {
        return SkyloftRuntime.builder().cores(1).policy(p).timer(TimerMode.OFF).pin(false).jfr(false).build();
    }

    @Test
    void aRetiredPolicyWhoseNameThrowsKillsNoCarrier() throws Exception {
        SchedPolicy p = new Fifo() {
            @Override public String name() { throw new IllegalStateException("name bug"); }
        };
        SkyloftRuntime rt = oneCarrier(p);
        try {
            // the enqueue retires the policy; the carrier that drained it reports that after the unlock
            Thread bad = rt.start("bad", SchedAttr.DEFAULT, () -> { });
            assertTrue(bad.join(Duration.ofSeconds(10)), "the task whose enqueue retired the policy never ran");
            assertTrue(rt.carriers[0].isAlive(), "the carrier died reporting the retired policy");
            Thread later = rt.start("later", SchedAttr.DEFAULT, () -> { });
            assertTrue(later.join(Duration.ofSeconds(10)), "a task started after the failure never ran");
            var st = rt.stats(); // the stats name the policy by its class when name() throws
            assertEquals(1L, st.counters().get("policy_failed"));
            assertTrue(st.policy().contains("name() threw") && st.policy().contains("retired: enqueue threw"), st.policy());
            assertTrue(rt.toString().contains("name() threw"), rt.toString());
        } finally {
            rt.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDumpThatThrowsRetiresThePolicyAndTheDumpSaysSo() throws Exception {
        SchedPolicy p = new Fifo() {
            @Override public void dump(PrintWriter out) { throw new IllegalStateException("dump bug"); }
        };
        try (SkyloftRuntime rt = oneCarrier(p)) {
            StringWriter out = new StringWriter();
            rt.dumpPolicy(new PrintWriter(out));
            assertTrue(out.toString().contains("retired: dump threw java.lang.IllegalStateException: dump bug"), out.toString());
            assertEquals(1L, rt.stats().counters().get("policy_failed"));
            Thread later = rt.start("later", SchedAttr.DEFAULT, () -> { });
            assertTrue(later.join(Duration.ofSeconds(10)), "a task started after the failure never ran");
        }
    }

    @Test
    void theDrainAtCloseIsThePolicysLastOpADumpAfterItIsNotPassedOn() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean opAfterDrain = new java.util.concurrent.atomic.AtomicBoolean();
        SchedPolicy p = new Fifo() {
            @Override public List<Task> drain(long now) {
                drained.set(true);
                return super.drain(now);
            }
            @Override public void dump(PrintWriter out) {
                if (drained.get()) opAfterDrain.set(true);
                out.println("edge: queue " + q.size());
            }
        };
        SkyloftRuntime rt = oneCarrier(p);
        StringWriter before = new StringWriter();
        rt.dumpPolicy(new PrintWriter(before));
        assertTrue(before.toString().startsWith("edge: queue 0"), before.toString());
        assertTrue(rt.close(Duration.ofSeconds(5)).clean());
        assertTrue(drained.get());
        StringWriter after = new StringWriter();
        rt.dumpPolicy(new PrintWriter(after));
        assertTrue(!opAfterDrain.get(), "dump reached the policy after its drain: " + after);
        assertTrue(after.toString().contains("edge") && after.toString().contains("closed"), after.toString());
    }

    @Test
    void aDrainThatReturnsNullStillReportsEveryTaskAndCloseReturns() throws Exception {
        SchedPolicy p = new Fifo() {
            @Override public List<Task> drain(long now) { return null; }
        };
        SkyloftRuntime rt = oneCarrier(p);
        ShutdownReport report;
        try {
            rt.start("held", SchedAttr.DEFAULT, () -> { }); // queued, never picked
            rt.newThread("unstarted", SchedAttr.DEFAULT, () -> { });
            long until = System.nanoTime() + 10_000_000_000L;
            while (!rt.stats().tasks().stream().anyMatch(r -> r.name().equals("held") && r.state().equals("runnable"))
                    && System.nanoTime() < until) Thread.sleep(1);
            report = rt.close(Duration.ZERO);
        } finally {
            rt.close(Duration.ZERO); // a no-op once closed; after a failure, no runtime outlives the test
        }
        String all = String.join(", ", report.abandoned());
        assertTrue(all.contains("held") && all.contains("runnable, queued"), all);
        assertTrue(all.contains("unstarted") && all.contains("never started"), all);
        assertTrue(rt.stats().policy().contains("retired: drain threw"), rt.stats().policy());
    }
}
