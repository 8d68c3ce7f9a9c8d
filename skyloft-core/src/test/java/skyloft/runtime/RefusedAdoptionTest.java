package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual thread the runtime would adopt, started once the runtime is closing, is refused and
 * leaves nothing behind: no adoption entry keeps its task and thread reachable from the runtime.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusedAdoptionTest {

    @Test
    void aRefusedAdoptionKeepsNoEntry() {
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").timer(TimerMode.OFF).pin(false).jfr(false).build();
        assertTrue(rt.close(Duration.ofSeconds(10)).clean());
        for (int i = 0; i < 3; i++) {
            Thread vt = VThreads.newBuilder(rt.adopter()).unstarted(() -> { });
            assertThrows(RejectedExecutionException.class, vt::start);
        }
        assertEquals(0, rt.adopted.size(), "refused starts left adoption entries");
        assertEquals(0L, rt.stats().counters().get("live_tasks"));
    }
}
