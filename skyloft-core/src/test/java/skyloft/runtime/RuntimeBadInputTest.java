package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeBadInputTest {

    @Test
    void zeroNegativeAndTooManyCoresAreRefusedWithTheRange() {
        int max = Runtime.getRuntime().availableProcessors();
        for (int bad : new int[] {0, -1, max + 1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().cores(bad));
            assertTrue(e.getMessage().contains("cores " + bad) && e.getMessage().contains("1.." + max), e.getMessage());
        }
    }

    @Test
    void unknownPolicyListsTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().policy("cfq"));
        assertTrue(e.getMessage().contains("'cfq'") && e.getMessage().contains("fifo"), e.getMessage());
    }

    @Test
    void negativeOrMalformedSliceIsRefused() {
        var neg = assertThrows(IllegalArgumentException.class,
                () -> SkyloftRuntime.builder().cores(1).policy("rr", Map.of("slice", "-5us")).build());
        assertTrue(neg.getMessage().contains("-5us"), neg.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> SkyloftRuntime.builder().cores(1).policy("rr", Map.of("slice", "5 apples")).build());
        assertTrue(bad.getMessage().contains("5 apples"), bad.getMessage());
    }

    @Test
    void badTimerAndIdleSettingsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().timer(TimerMode.SLEEP, 10));
        assertTrue(e.getMessage().contains("allowed 1us to 100ms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().idleSpinNs(-1));
    }

    /** Refuses negative nice: stands in for any policy's admission control. */
    static final class NoNegativeNice extends SchedPolicy {
        private final java.util.ArrayDeque<Task> q = new java.util.ArrayDeque<>();
        @Override public String name() { return "no-negative-nice"; }
        @Override public void admit(Task t, SchedAttr a) {
            if (a.nice() < 0) throw new AdmissionException("nice " + a.nice() + " refused; allowed 0..19");
        }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) { q.add(t); }
        @Override public Task pickNext(int cpu, long now) { return q.poll(); }
        @Override public void dump(PrintWriter out) { out.println(name() + " queued=" + q.size()); }
    }

    @Test
    void admissionRefusalReachesTheCallerAndNothingIsCreated() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(new NoNegativeNice()).build()) {
            var e = assertThrows(AdmissionException.class, () -> rt.start("neg", SchedAttr.DEFAULT.withNice(-1), () -> { }));
            assertTrue(e.getMessage().contains("nice -1"), e.getMessage());
            Thread ok = rt.start("ok", SchedAttr.DEFAULT, () -> { });
            assertTrue(ok.join(Duration.ofSeconds(30)));
            var change = assertThrows(AdmissionException.class, () -> {
                Thread t = rt.start("blocked", SchedAttr.DEFAULT, () -> LockSupportPark.parkForever());
                try {
                    rt.setAttr(t, SchedAttr.DEFAULT.withNice(-5));
                } finally {
                    LockSupportPark.release(t);
                }
            });
            assertTrue(change.getMessage().contains("nice -5"), change.getMessage());
            StringWriter sw = new StringWriter();
            rt.dumpPolicy(new PrintWriter(sw));
            assertTrue(sw.toString().contains("no-negative-nice"));
            assertTrue(rt.close(Duration.ofSeconds(10)).clean());
            assertEquals(2L, rt.stats().tasksExited(), "the refused thread was never created");
        }
    }

    /** Parks until released; used to hold a thread alive while its attributes change. */
    static final class LockSupportPark {
        private static final java.util.Set<Thread> released = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static void parkForever() {
            while (!released.contains(Thread.currentThread())) java.util.concurrent.locks.LockSupport.park();
        }

        static void release(Thread t) {
            released.add(t);
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }
}
