package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * A policy that breaks its contract (throws in an op, hands out a task it does not own, passes a
 * bad CPU number) is retired, and the runtime runs every task to the end without it: no task is
 * lost, no carrier dies, nothing reaches the tasks. Also the runtime's own refusals of bad input
 * and the timer-less kick service. Every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyFailureTest {

    /** FIFO on one queue, with a fault to switch on. */
    static final class Faulty extends SchedPolicy {
        enum Fault { NONE, ENQUEUE_OF_BAD, TICK, FOREIGN_PICK, DRAIN, BAD_KICK, ADMIT_OF_BAD }

        private final ArrayDeque<Task> q = new ArrayDeque<>();
        volatile Fault fault;
        /** Set by the first tick, before a TICK fault throws. */
        volatile boolean ticked;

        Faulty(Fault fault) {
            this.fault = fault;
        }

        @Override public String name() { return "faulty"; }
        @Override public void admit(Task t, SchedAttr proposed) {
            if (fault != Fault.ADMIT_OF_BAD) return;
            if ("refused".equals(t.givenName())) throw new AdmissionException("refused: nice " + proposed.nice() + " is not allowed");
            if ("bad".equals(t.givenName())) throw new IllegalStateException("admit bug");
        }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) {
            if (fault == Fault.ENQUEUE_OF_BAD && "bad".equals(t.givenName())) throw new IllegalStateException("enqueue bug");
            if (fault == Fault.BAD_KICK) ctx.kickAt(99, now);
            q.add(t);
        }
        @Override public Task pickNext(int cpu, long now) {
            if (fault == Fault.FOREIGN_PICK && !q.isEmpty()) return new Task("foreign", null) { };
            return q.poll();
        }
        @Override public boolean tick(int cpu, Task t, long ranNs, long now) {
            ticked = true;
            if (fault == Fault.TICK) throw new IllegalStateException("tick bug");
            return false;
        }
        @Override public List<Task> drain(long now) {
            if (fault == Fault.DRAIN) throw new IllegalStateException("drain bug");
            List<Task> all = List.copyOf(q);
            q.clear();
            return all;
        }
    }

    private static SkyloftRuntime oneCarrier(SchedPolicy p, TimerMode timer) {
        return SkyloftRuntime.builder().cores(1).policy(p).timer(timer).jfr(false).build();
    }

    /** Starts a task that spins until {@code release} is set. */
    private static Thread hog(SkyloftRuntime rt, AtomicBoolean release) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean();
        Thread t = rt.start("hog", SchedAttr.DEFAULT, () -> {
            running.set(true);
            while (!release.get()) Thread.onSpinWait();
        });
        long until = System.nanoTime() + 10_000_000_000L;
        while (!running.get() && System.nanoTime() < until) Thread.sleep(1);
        assertTrue(running.get(), "the hog never ran");
        return t;
    }

    private static void assertRetired(SkyloftRuntime rt, String op) {
        var st = rt.stats();
        assertEquals(1L, st.counters().get("policy_failed"), st.format());
        assertTrue(st.policy().contains("retired: " + op + " threw"), st.policy());
    }

    @Test
    void anEnqueueThatThrowsLosesNoTaskOfItsBatchAndKillsNoCarrier() throws Exception {
        try (SkyloftRuntime rt = oneCarrier(new Faulty(Faulty.Fault.ENQUEUE_OF_BAD), TimerMode.OFF)) {
            AtomicBoolean release = new AtomicBoolean();
            Thread hog = hog(rt, release);
            // All three wait in the inbox while the hog holds the only carrier: one drain takes them.
            Thread bad = rt.start("bad", SchedAttr.DEFAULT, () -> { });
            Thread good1 = rt.start("good1", SchedAttr.DEFAULT, () -> { });
            Thread good2 = rt.start("good2", SchedAttr.DEFAULT, () -> { });
            release.set(true);
            for (Thread t : new Thread[] {hog, bad, good1, good2}) assertTrue(t.join(Duration.ofSeconds(10)), t + " never finished");
            assertTrue(rt.carriers[0].isAlive());
            assertRetired(rt, "enqueue");
            Thread later = rt.start("later", SchedAttr.DEFAULT, () -> { });
            assertTrue(later.join(Duration.ofSeconds(10)), "a task started after the failure never ran");
            assertTrue(rt.close(Duration.ofSeconds(10)).clean());
        }
    }

    @Test
    void aTickThatThrowsInPollModeNeverReachesTheTasksPoll() throws Exception {
        Faulty p = new Faulty(Faulty.Fault.TICK);
        try (SkyloftRuntime rt = oneCarrier(p, TimerMode.POLL)) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Thread t = rt.start("poller", SchedAttr.DEFAULT, () -> {
                // Polls until the carrier has ticked the policy in them (not for a span of wall
                // time, which an OS stall could swallow whole), then a while longer.
                long until = System.nanoTime() + 20_000_000_000L;
                try {
                    while (!p.ticked && System.nanoTime() < until) Skyloft.preemptionPoint();
                    for (int i = 0; i < 100_000; i++) Skyloft.preemptionPoint();
                } catch (Throwable e) {
                    seen.set(e);
                }
            });
            assertTrue(t.join(Duration.ofSeconds(30)));
            assertTrue(p.ticked, "no tick reached the policy in 20 s of polls");
            assertNull(seen.get(), "the policy's exception surfaced in the task");
            assertRetired(rt, "tick");
        }
    }

    @Test
    void anAdmitThatRefusesReachesTheCallerButOneThatThrowsAnythingElseRetiresThePolicy() throws Exception {
        try (SkyloftRuntime rt = oneCarrier(new Faulty(Faulty.Fault.ADMIT_OF_BAD), TimerMode.OFF)) {
            var refusal = assertThrows(AdmissionException.class, () -> rt.start("refused", SchedAttr.DEFAULT, () -> { }));
            assertTrue(refusal.getMessage().contains("nice 0 is not allowed"), refusal.getMessage());
            assertEquals(0L, rt.stats().counters().get("policy_failed"), "a refusal is no contract break");
            Thread bad = rt.start("bad", SchedAttr.DEFAULT, () -> { });
            assertTrue(bad.join(Duration.ofSeconds(10)), "the task whose admission threw never ran");
            assertRetired(rt, "admit");
            Thread later = rt.start("refused", SchedAttr.DEFAULT, () -> { });
            assertTrue(later.join(Duration.ofSeconds(10)), "a retired policy refuses nothing");
        }
    }

    @Test
    void aPickOfATaskThePolicyDoesNotOwnRetiresItAndTheQueuedTasksStillRun() throws Exception {
        try (SkyloftRuntime rt = oneCarrier(new Faulty(Faulty.Fault.FOREIGN_PICK), TimerMode.OFF)) {
            Thread a = rt.start("a", SchedAttr.DEFAULT, () -> { });
            Thread b = rt.start("b", SchedAttr.DEFAULT, () -> { });
            assertTrue(a.join(Duration.ofSeconds(10)) && b.join(Duration.ofSeconds(10)));
            assertEquals(1L, rt.stats().counters().get("policy_bad_picks"));
            assertRetired(rt, "pickNext");
        }
    }

    @Test
    void aBadCpuNumberFromThePolicyIsRefusedNamingTheRange() throws Exception {
        try (SkyloftRuntime rt = oneCarrier(new Faulty(Faulty.Fault.BAD_KICK), TimerMode.OFF)) {
            Thread a = rt.start("a", SchedAttr.DEFAULT, () -> { });
            assertTrue(a.join(Duration.ofSeconds(10)));
            assertRetired(rt, "enqueue");
            assertTrue(rt.stats().policy().contains("cpu 99 is out of range; allowed 0..0"), rt.stats().policy());
        }
    }

    @Test
    void closeWhoseDrainThrowsStillReportsTheQueuedTasksAndStopsItsCarriers() throws Exception {
        int openBefore = SkyloftRuntime.openRuntimes();
        Faulty p = new Faulty(Faulty.Fault.DRAIN);
        SkyloftRuntime rt = oneCarrier(p, TimerMode.OFF);
        AtomicBoolean release = new AtomicBoolean();
        ShutdownReport report;
        try {
            hog(rt, release);
            rt.start("q1", SchedAttr.DEFAULT, () -> { });
            rt.start("q2", SchedAttr.DEFAULT, () -> { });
            // close() gives up on the hog, reports, and waits a bounded time for its carrier; only
            // then is the hog let go (a timed release could come before the report on a slow machine)
            report = rt.close(Duration.ofMillis(50));
        } finally {
            release.set(true);
            rt.close(Duration.ZERO); // a no-op once closed; after a failure, no runtime outlives the test
        }
        String all = String.join(", ", report.abandoned());
        assertTrue(all.contains("hog") && all.contains("running on cpu 0"), all);
        assertTrue(all.contains("q1") && all.contains("q2"), all);
        assertTrue(rt.carriers[0].join(Duration.ofSeconds(5)), "the carrier did not stop");
        assertEquals(openBefore, SkyloftRuntime.openRuntimes());
    }

    @Test
    void nullAttributesAndBodiesAreRefusedAtOnce() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").jfr(false).build()) {
            var e = assertThrows(NullPointerException.class, () -> rt.newThread("x", SchedAttr.DEFAULT, null));
            assertTrue(e.getMessage().contains("body"), e.getMessage());
            assertThrows(NullPointerException.class, () -> rt.start("x", null, () -> { }));
            AtomicBoolean release = new AtomicBoolean();
            Thread t = rt.start("parked", SchedAttr.DEFAULT, () -> {
                while (!release.get()) LockSupport.parkNanos(1_000_000);
            });
            var a = assertThrows(NullPointerException.class, () -> rt.setAttr(t, null));
            assertTrue(a.getMessage().contains("attr"), a.getMessage());
            release.set(true);
            assertTrue(t.join(Duration.ofSeconds(10)));
            assertEquals(0L, rt.stats().counters().get("carrier_errors"));
        }
    }

    @Test
    void withNoTimerAnIdleCarrierServesTheDeadlineServersReplenishment() throws Exception {
        // A yield throttles a deadline task until its next period; only a kick brings it back,
        // and with no timer only an idle carrier can serve that kick.
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("deadline").timer(TimerMode.OFF).jfr(false).build()) {
            Thread t = rt.start("dl", SchedAttr.DEFAULT.withDeadline(1_000_000, 5_000_000, 5_000_000), () -> {
                for (int i = 0; i < 3; i++) Thread.yield();
            });
            assertTrue(t.join(Duration.ofSeconds(10)), "the throttled task was never replenished");
        }
    }
}
