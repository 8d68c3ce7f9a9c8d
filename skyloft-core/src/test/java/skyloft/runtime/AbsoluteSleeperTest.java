package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SLEEP timer's absolute sleeps (clock_nanosleep through FFM). A call the OS refuses (here
 * EINVAL, from a deadline before the clock's epoch; in a sandbox, EPERM) returned at once, and
 * the timer, which sleeps in a loop until its deadline, spun at SCHED_FIFO priority on the
 * carriers' CPU. A refused sleep now parks to the deadline, and says why. The assertions are
 * one-sided: a sleep never returns before its deadline.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbsoluteSleeperTest {

    @Test
    void aSleepTheOsRefusesStillLastsUntilTheDeadlineAndSaysWhy() {
        Affinity.AbsoluteSleeper ok = Affinity.AbsoluteSleeper.create();
        assumeTrue(ok != null, "clock_nanosleep is not available here");
        // an offset that puts every deadline before CLOCK_MONOTONIC's zero: tv_sec < 0, EINVAL
        Affinity.AbsoluteSleeper refused = Affinity.AbsoluteSleeper.withOffsetNs(-System.nanoTime() - 3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            long deadline = System.nanoTime() + 5_000_000;
            refused.sleepUntil(deadline);
            assertTrue(System.nanoTime() >= deadline, "a refused sleep returned before its deadline");
        }
        assertNotNull(refused.problem(), "the refusal is reported");
        assertTrue(refused.problem().contains("clock_nanosleep"), refused.problem());
        long deadline = System.nanoTime() + 5_000_000;
        ok.sleepUntil(deadline);
        assertTrue(System.nanoTime() >= deadline);
        assertNull(ok.problem());
    }
}
