package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.runtime.SkyloftRuntime;

/** The lc server's worker pool: every released request is served exactly once, none waits for a worker that is not coming. */
class HandoffPoolTest {

    /** Releases {@code n} requests in random bursts with random pauses; returns how often each was served. */
    private static AtomicIntegerArray serveAll(int n, int workers, java.util.function.Function<Runnable, Thread> starter, long seed) {
        HandoffPool pool = new HandoffPool(n);
        AtomicIntegerArray served = new AtomicIntegerArray(n);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            long workSeed = rnd.nextLong();
            ts.add(starter.apply(pool.worker(i -> {
                served.incrementAndGet(i);
                if ((i ^ workSeed) % 7 == 0) Thread.onSpinWait(); // some requests take a little longer
            })));
        }
        int released = 0;
        while (released < n) {
            released = Math.min(n, released + 1 + rnd.nextInt(4));
            pool.releaseUpTo(released);
            if (rnd.nextInt(8) == 0) LockSupport.parkNanos(rnd.nextInt(20_000));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (pool.claimed() < n && System.nanoTime() < deadline) LockSupport.parkNanos(100_000);
        // every request is claimed: workers see none left and return on their own
        for (Thread t : ts) {
            try {
                assertTrue(t.join(Duration.ofSeconds(20)), t + " did not return once every request was claimed");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return served;
    }

    private static void assertEachOnce(AtomicIntegerArray served) {
        for (int i = 0; i < served.length(); i++) assertEquals(1, served.get(i), "request " + i + " served " + served.get(i) + " times");
    }

    @Test
    @Timeout(60)
    void platformWorkersServeEveryRequestExactlyOnce() {
        for (long seed = 1; seed <= 5; seed++) assertEachOnce(serveAll(20_000, 6, r -> Thread.ofPlatform().start(r), seed));
    }

    @Test
    @Timeout(60)
    void skyloftWorkersServeEveryRequestExactlyOnce() {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy("fifo").build()) {
            for (long seed = 1; seed <= 3; seed++) assertEachOnce(serveAll(20_000, 20, rt::start, seed));
        }
    }

    @Test
    @Timeout(30)
    void stopReleasesIdleWorkers() throws InterruptedException {
        HandoffPool pool = new HandoffPool(10);
        List<Thread> ts = new ArrayList<>();
        for (int w = 0; w < 4; w++) ts.add(Thread.ofPlatform().start(pool.worker(i -> {})));
        pool.releaseUpTo(3);
        // bounded: an interrupt from @Timeout would not end a parkNanos loop
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.claimed() < 3 && System.nanoTime() < deadline) LockSupport.parkNanos(100_000);
        assertEquals(3, pool.claimed(), "the three released requests were claimed");
        pool.stop(); // seven requests never released: the idle workers must still return
        for (Thread t : ts) assertTrue(t.join(Duration.ofSeconds(10)), t + " still waiting after stop()");
    }

    @Test
    void releasingPastTheEndIsRejected() {
        HandoffPool pool = new HandoffPool(5);
        var e = assertThrows(IllegalArgumentException.class, () -> pool.releaseUpTo(6));
        assertTrue(e.getMessage().contains("6 of 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HandoffPool(-1));
    }
}
