package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * POLL mode: the poll stride (polls between clock reads) follows each task's own polls. A task
 * that polls in a tight loop drives its carrier's stride up; a task that polls every few
 * microseconds must not start its run with that stride, or its first clock read, and so its
 * slice's end and the wakeups waiting for the CPU, come thousands of polls late (a mean slice of
 * 2 to 7 ms against 100 us was measured so). Each task keeps the stride its polls taught.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollStrideTest {

    private static int stride() {
        return ((Carrier) VThreads.currentCarrier()).pollStride;
    }

    @Test
    void eachTaskStartsItsRunWithTheStrideOfItsOwnPolls() throws Exception {
        AtomicInteger denseAtYield = new AtomicInteger(-1), denseAtResume = new AtomicInteger(-1), sparseFirst = new AtomicInteger(-1);
        AtomicBoolean denseResumed = new AtomicBoolean();
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").param("slice", "1s").timer(TimerMode.POLL).pin(false).build()) {
            // dense runs first; sparse, queued behind it, keeps the clock armed, so dense's polls adapt the stride
            Thread dense = rt.start("dense", SchedAttr.DEFAULT, () -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (stride() < 8 && System.nanoTime() < end) Skyloft.preemptionPoint();
                denseAtYield.set(stride());
                Thread.yield();
                denseAtResume.set(stride()); // before any poll of its own
                denseResumed.set(true);
            });
            Thread sparse = rt.start("sparse", SchedAttr.DEFAULT, () -> {
                sparseFirst.set(stride()); // its first instruction: what the pick gave it
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!denseResumed.get() && System.nanoTime() < end) {
                    long until = System.nanoTime() + 10_000;
                    while (System.nanoTime() < until) Thread.onSpinWait(); // 10 us without a poll
                    Skyloft.preemptionPoint();
                    if (stride() == 1) Thread.yield(); // its polls brought the stride down: let dense resume
                }
            });
            assertTrue(dense.join(java.time.Duration.ofSeconds(40)) && sparse.join(java.time.Duration.ofSeconds(40)));
        }
        assertTrue(denseAtYield.get() >= 8, "the tight loop's polls drove the stride up: " + denseAtYield);
        assertEquals(1, sparseFirst.get(), "a new task starts at stride 1, not at the tight loop's " + denseAtYield);
        assertEquals(denseAtYield.get(), denseAtResume.get(), "the tight loop resumes with its own stride, not the sparse task's");
    }
}
