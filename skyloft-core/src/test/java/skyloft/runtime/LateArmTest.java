package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * POLL mode: a submitter that read a carrier's task before the carrier went idle arms its clock
 * late, after the carrier drained that very wakeup, disarmed and parked. The carrier must not
 * stay armed (its unit of Poll.pending would put every poll in the process on the slow path
 * until some later work woke it): the arm ends its idle wait, and its next pass, with nothing to
 * pick, disarms it. The test makes the late arm itself, on a parked carrier whose park's safety
 * timeout is longer than the test's bound, so only the arm can end the wait.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateArmTest {

    @Test
    void anIdleParkedCarrierArmedLateDisarmsAndGivesBackItsPollUnit() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").timer(TimerMode.POLL)
                .maxParkNs(60_000_000_000L).pin(false).jfr(false).build()) {
            assertTrue(rt.start("t", SchedAttr.DEFAULT, () -> { }).join(java.time.Duration.ofSeconds(20)), "a task ran");
            Carrier c = rt.carriers[0];
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!c.parked || c.clockArmed) {
                assertTrue(System.nanoTime() < end, "the idle carrier parked, unarmed");
                LockSupport.parkNanos(100_000);
            }
            int before = Poll.pending;
            c.armClock(true, -1); // the late submitter's arm, after it read a stale non-null current
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.clockArmed || Poll.pending != before) {
                if (System.nanoTime() >= end) break;
                LockSupport.parkNanos(1_000_000);
            }
            assertFalse(c.clockArmed, "an idle carrier armed late stayed armed for 10 s");
            assertEquals(before, Poll.pending, "Poll.pending after the disarm");
        }
    }
}
