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
 * The preemption delay in the stats runs from the request the task took to its stop. A second
 * request can come in between: the task's poll has taken the first and is yielding, but its
 * carrier has not yet processed the stop, so the CPU still shows the task running and a tick or
 * a peer's wakeup preemption asks again. The delay was measured from that second request, which
 * the stop then cleared, so it came out as short as the gap after the second. The test stands in
 * for the carrier's delay by holding the scheduler lock, and dates the first request an hour
 * back, so the right figure is at least an hour whatever the machine does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreemptDelayTest {

    @Test
    void theDelayRunsFromTheRequestTheTaskTookNotFromALaterOne() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").timer(TimerMode.OFF).pin(false).jfr(false).build()) {
            AtomicBoolean running = new AtomicBoolean(), stop = new AtomicBoolean();
            Thread t = rt.start("spinner", SchedAttr.DEFAULT, () -> {
                running.set(true);
                while (!stop.get()) Skyloft.preemptionPoint();
            });
            long until = System.nanoTime() + 10_000_000_000L;
            while (!running.get() && System.nanoTime() < until) Thread.sleep(1);
            assertTrue(running.get(), "the task never ran");
            Carrier c = rt.carriers[0];
            long hourNs = 3_600_000_000_000L;
            rt.lock.lock();
            try {
                rt.requestPreemptLocked(c, System.nanoTime() - hourNs, 0); // the request the poll takes
                until = System.nanoTime() + 10_000_000_000L;
                while (c.preemptPending() && System.nanoTime() < until) Thread.onSpinWait();
                assertTrue(!c.preemptPending(), "the task's poll never took the request");
                // the carrier waits for this lock to process the stop: the task still runs here
                rt.requestPreemptLocked(c, System.nanoTime(), 0);
            } finally {
                rt.unlockAndWake();
            }
            stop.set(true);
            assertTrue(t.join(Duration.ofSeconds(10)), "the task never finished");
            var delays = rt.preemptionDelayHistogram();
            assertEquals(1, delays.getTotalCount(), "one preemption was delivered");
            assertTrue(delays.getMaxValue() >= hourNs * 99 / 100, "delay recorded " + delays.getMaxValue() + " ns, from the later request");
        }
    }
}
