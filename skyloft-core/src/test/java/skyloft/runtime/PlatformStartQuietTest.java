package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * A carrier that goes idle just after a platform thread's start (the agent's start hook) parks at
 * once instead of spinning its window, leaving the CPU to the new thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlatformStartQuietTest {

    @Test
    void theQuietWindowFollowsTheLastStart() {
        long t = 1_000_000_000L;
        ThreadStartHook.lastStartNs = t;
        assertTrue(ThreadStartHook.recentStart(t));
        assertTrue(ThreadStartHook.recentStart(t + ThreadStartHook.QUIET_NS - 1));
        assertFalse(ThreadStartHook.recentStart(t + ThreadStartHook.QUIET_NS));
        assertTrue(ThreadStartHook.recentStart(t - 1), "a start noted after the carrier read its clock");
        ThreadStartHook.lastStartNs = 0;
        assertFalse(ThreadStartHook.recentStart(t), "no start yet");
    }

    @Test
    void anIdleCarrierParksRightAfterAPlatformThreadStarts() throws InterruptedException {
        int rounds = 50;
        // a fixed 10-ms spin: between tasks 3 ms apart, an idle carrier would spin through every
        // gap and never park, but each task here ends by announcing a platform thread's start.
        // The start is dated an hour ahead, so that it is still recent however late a loaded
        // machine lets the carrier look (the window's length is the test above).
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").idleSpinNs(10_000_000).jfr(false).build()) {
            assertTrue(rt.start("warm", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10)));
            // the control, on a quiet machine 0 to a few: the spin covers the gap (not asserted,
            // since a loaded machine can stretch the 3-ms sleep past the spin)
            long quiet = parksOver(rt, rounds, false), announced = parksOver(rt, rounds, true);
            assertTrue(announced >= rounds / 2, "the carrier parked in " + announced + " of " + rounds
                    + " gaps after a platform start (without one: " + quiet + ")");
        } finally {
            ThreadStartHook.lastStartNs = 0;
        }
    }

    /** Runs {@code rounds} tasks, each followed by a gap of 3 ms from when the carrier goes idle,
     *  each announcing a platform start at its end if {@code announce}; returns how many times
     *  the carrier parked meanwhile. */
    private static long parksOver(SkyloftRuntime rt, int rounds, boolean announce) throws InterruptedException {
        Carrier c = rt.carriers[0];
        long before = rt.stats().cpus().get(0).idleParks();
        for (int i = 0; i < rounds; i++) {
            assertTrue(rt.start("t" + i, SchedAttr.DEFAULT, () -> {
                if (announce) ThreadStartHook.lastStartNs = System.nanoTime() + 3_600_000_000_000L;
            }).join(Duration.ofSeconds(10)));
            long end = System.nanoTime() + 10_000_000_000L;
            while (!c.idle) {
                assertTrue(System.nanoTime() < end, "the carrier did not go idle");
                LockSupport.parkNanos(100_000);
            }
            LockSupport.parkNanos(3_000_000);
        }
        return rt.stats().cpus().get(0).idleParks() - before;
    }
}
