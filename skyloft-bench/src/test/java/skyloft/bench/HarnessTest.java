package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HarnessTest {

    @Test
    void warmUpRunsBetweenTheMinimumAndTheMaximum() {
        AtomicInteger calls = new AtomicInteger();
        int n = Harness.warmUntilJitQuiet(2, 5, 1_000_000, calls::incrementAndGet); // a huge quiet threshold: quiet at once
        assertEquals(2, n);
        assertEquals(2, calls.get());
        calls.set(0);
        // a negative threshold can never be met: the maximum bounds it
        n = Harness.warmUntilJitQuiet(1, 4, -1, calls::incrementAndGet);
        assertTrue(n == 4 || n == 1, "4 rounds where the JVM counts compilation time, else the minimum: " + n);
        assertEquals(n, calls.get());
    }

    @Test
    void badRoundCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Harness.warmUntilJitQuiet(3, 2, 5, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> Harness.warmUntilJitQuiet(-1, 2, 5, () -> {}));
    }
}
