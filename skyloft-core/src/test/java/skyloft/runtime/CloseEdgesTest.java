package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * close() at its edges: a grace period too long for a long of nanoseconds ("wait as long as it
 * takes"), a call from a task of the runtime itself (its own or an adopted thread), and a second
 * call. Every wait is bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseEdgesTest {

    private static SkyloftRuntime rt() {
        return SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).jfr(false).build();
    }

    @Test
    void aGracePeriodBeyondLongNanosecondsWaitsForTheTasks() throws Exception {
        int openBefore = SkyloftRuntime.openRuntimes();
        SkyloftRuntime rt = rt();
        try {
            Thread t = rt.start("short", SchedAttr.DEFAULT, () -> { });
            assertTrue(t.join(Duration.ofSeconds(10)));
            ShutdownReport r = rt.close(ChronoUnit.FOREVER.getDuration()); // toNanos() overflows
            assertTrue(r.clean(), r.toString());
            assertSame(r, rt.close(Duration.ofSeconds(Long.MAX_VALUE)), "a second close returns the first one's report");
        } finally {
            rt.close(Duration.ZERO);
        }
        assertEquals(openBefore, SkyloftRuntime.openRuntimes());
    }

    @Test
    void closeFromATaskOrAThreadItAdoptedIsRefusedAndTheRuntimeRunsOn() throws Exception {
        try (SkyloftRuntime rt = rt()) {
            AtomicReference<Throwable> own = new AtomicReference<>(), adopted = new AtomicReference<>();
            Thread t = rt.start("closer", SchedAttr.DEFAULT, () -> {
                try {
                    rt.close();
                } catch (Throwable e) {
                    own.set(e);
                }
                Thread child = Thread.ofVirtual().start(() -> { // inherits the task as its scheduler: adopted
                    try {
                        rt.close();
                    } catch (Throwable e) {
                        adopted.set(e);
                    }
                });
                try {
                    child.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(t.join(Duration.ofSeconds(10)));
            assertTrue(own.get() instanceof IllegalStateException, String.valueOf(own.get()));
            assertTrue(adopted.get() instanceof IllegalStateException, String.valueOf(adopted.get()));
            assertTrue(rt.start("after", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10)), "the runtime still runs tasks");
        }
    }

    /** An interrupt pending when close() is called ends its wait at once: the task still alive is
     *  abandoned and reported, and the caller's interrupt flag stays set. */
    @Test
    void anInterruptedCallerGetsNoGracePeriodAndKeepsItsFlag() throws Exception {
        SkyloftRuntime rt = rt();
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
        rt.start("sleeper", SchedAttr.DEFAULT, () -> {
            parked.countDown();
            java.util.concurrent.locks.LockSupport.park(); // never unparked
        });
        assertTrue(parked.await(20, TimeUnit.SECONDS), "the sleeper ran");
        Thread.currentThread().interrupt();
        ShutdownReport r;
        try {
            r = rt.close(Duration.ofMinutes(10)); // were the interrupt ignored, the test's timeout would end it
        } finally {
            assertTrue(Thread.interrupted(), "the flag stays set (cleared here for the next test)");
        }
        assertEquals(1, r.abandoned().size(), r.toString());
        assertTrue(r.abandoned().getFirst().contains("sleeper"), r.toString());
    }
}
