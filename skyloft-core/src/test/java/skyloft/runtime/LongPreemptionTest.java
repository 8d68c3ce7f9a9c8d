package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * A preemption whose numbers exceed the carriers' histograms (a run of hours before its first
 * competitor arrives, or a request left pending for hours while the task ran code without polls,
 * a JDK method under {@code skyloft run}) is still delivered: the task is requeued and its
 * carrier lives. The hours are not waited for: the test dates the run's start, or the request,
 * back under the scheduler lock, as a clock that had moved on would. Every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LongPreemptionTest {

    private static final long TWO_HOURS_NS = 2L * 3_600_000_000_000L;

    @Test
    void aPreemptionRequestedHoursAgoIsDeliveredAndTheCarrierLives() throws Exception {
        preemptAfterHours(false);
    }

    @Test
    void aPreemptionOfARunOfHoursIsDeliveredAndTheCarrierLives() throws Exception {
        preemptAfterHours(true);
    }

    private static void preemptAfterHours(boolean longRun) throws Exception {
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").timer(TimerMode.OFF).pin(false).jfr(false).build();
        AtomicBoolean running = new AtomicBoolean(), release = new AtomicBoolean();
        try {
            Thread t = rt.start("long", SchedAttr.DEFAULT, () -> {
                running.set(true);
                while (!release.get()) Skyloft.preemptionPoint();
            });
            long until = System.nanoTime() + 10_000_000_000L;
            while (!running.get() && System.nanoTime() < until) Thread.sleep(1);
            assertTrue(running.get(), "the task never ran");
            Carrier c = rt.carriers[0];
            rt.lock.lock();
            try {
                long now = System.nanoTime();
                if (longRun) c.current.hostPicked(c.cpu, now - TWO_HOURS_NS); // its run began two hours ago
                rt.requestPreemptLocked(c, longRun ? now : now - TWO_HOURS_NS, 0);
            } finally {
                rt.unlockAndWake();
            }
            // The task's next poll yields; wait (bounded) until the carrier has processed that stop.
            until = System.nanoTime() + 10_000_000_000L;
            while (rt.stats().cpus().get(0).preemptDelivered() == 0 && System.nanoTime() < until) Thread.sleep(1);
            assertEquals(1, rt.stats().cpus().get(0).preemptDelivered(), "the preemption was never delivered");
            release.set(true);
            assertTrue(t.join(Duration.ofSeconds(10)), "the preempted task never ran again");
            assertTrue(c.isAlive(), "the carrier died");
            assertEquals(0L, rt.stats().counters().get("carrier_errors"));
            assertEquals(1L, rt.preemptionDelayHistogram().getTotalCount());
            assertTrue(rt.close(Duration.ofSeconds(10)).clean(), "close abandoned tasks");
        } finally {
            release.set(true);
            rt.close(Duration.ofSeconds(1));
        }
    }
}
