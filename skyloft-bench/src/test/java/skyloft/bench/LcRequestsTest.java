package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** lc records each request once: finished by its worker or charged at the cut-off, never both. */
class LcRequestsTest {

    /** {@code n} requests, one every 10 ns, each of 5 ns; every other one of class 1. */
    private static Arrivals arrivals(int n) {
        long[] at = new long[n], svc = new long[n];
        byte[] cls = new byte[n];
        for (int i = 0; i < n; i++) {
            at[i] = 10L * i;
            svc[i] = 5;
            cls[i] = (byte) (i % 2);
        }
        return new Arrivals(at, svc, cls);
    }

    @Test
    void aWorkerEndingJustAfterTheCutOffRecordsNothing() {
        var q = new LcBench.Requests(arrivals(3), 0);
        assertTrue(q.finish(0, 1_000, 1_007));
        assertEquals(2, q.chargeUnfinished(1_000, 5_000), "requests 1 and 2 are still waiting at the cut-off");
        // request 1's worker passed its check just before the cut-off and ends now: it lost the claim
        assertFalse(q.finish(1, 1_000, 5_001));
        assertEquals(3, q.latencyNs.getTotalCount(), "three requests, three latencies");
        assertEquals(2, q.shortLatencyNs.getTotalCount(), "requests 0 and 2 are of the short class");
        assertEquals(1, q.finished());
        assertTrue(q.isFinished(0));
        assertFalse(q.isFinished(1), "charged, not finished: the tail breakdown leaves it out");
        assertEquals(0, q.chargeUnfinished(1_000, 6_000), "nothing is charged twice");
        assertEquals(7, q.latencyNs.getMinValue(), "request 0: 7 ns from its scheduled arrival");
    }

    @Test
    void workersRacingTheCutOffCountEveryRequestExactlyOnce() {
        int n = 200_000;
        var q = new LcBench.Requests(arrivals(n), -1);
        AtomicLong won = new AtomicLong();
        long charged = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<Thread> ts = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int first = w;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = first; i < n; i += 2) if (q.finish(i, 0, 10L * i + 5)) won.incrementAndGet();
                }));
            }
            while (q.finished() < n / 10) Thread.onSpinWait(); // cut off while the workers still run
            long c = q.chargeUnfinished(0, 10L * n);
            for (Thread t : ts) YieldBench.join(t);
            return c;
        });
        assertEquals(n, won.get() + charged, "each request either finished or charged");
        assertEquals(n, q.latencyNs.getTotalCount(), "and recorded once");
        assertEquals(won.get(), q.finished());
    }
}
