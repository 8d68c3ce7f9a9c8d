package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * A runtime with nothing to do wakes its parked carriers a few times a second, not at every
 * maximum park (100 times a second by default), and still runs a task submitted from outside
 * after a long quiet spell (the submission unparks it; the park's timeout is only a safety net).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuietParkTest {

    @Test
    void anIdleCarrierStretchesItsParkYetWakesForWork() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").jfr(false).build()) {
            assertTrue(rt.start("warm", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10)));
            long before = rt.stats().cpus().get(0).idleParks();
            LockSupport.parkNanos(1_500_000_000L); // 1.5 s with nothing to do
            long parks = rt.stats().cpus().get(0).idleParks() - before;
            // parks of 10, 20, 40, 80, 160, 160... ms: about a dozen in 1.5 s; without the
            // stretch 150. (Spurious returns from parkNanos count too, hence the margin.)
            assertTrue(parks <= 40, "an idle carrier parked " + parks + " times in 1.5 s");
            assertTrue(rt.start("after", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10)),
                    "a task submitted to a long-parked carrier never ran");
        }
    }
}
