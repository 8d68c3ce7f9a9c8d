package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArrivalsTest {
    private final ServiceDist bimodal = ServiceDist.parse("bimodal-995-4us-10ms");

    @Test
    void sameSeedSameSchedule() {
        Arrivals a = Arrivals.poisson(20_000, 500_000_000L, bimodal, 42);
        Arrivals b = Arrivals.poisson(20_000, 500_000_000L, bimodal, 42);
        assertArrayEquals(a.arrivalNs(), b.arrivalNs());
        assertArrayEquals(a.serviceNs(), b.serviceNs());
        assertArrayEquals(a.cls(), b.cls());
        Arrivals c = Arrivals.poisson(20_000, 500_000_000L, bimodal, 43);
        assertFalse(Arrays.equals(a.arrivalNs(), c.arrivalNs()));
    }

    @Test
    void poissonGapsHaveTheRightMeanAndSpread() {
        double rate = 50_000;
        Arrivals a = Arrivals.poisson(rate, 2_000_000_000L, bimodal, 1);
        int n = a.size();
        assertEquals(100_000, n, 1_500); // expected 100k, sd ~316
        double sum = 0, sq = 0;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long gap = a.arrivalNs()[i] - prev;
            assertTrue(gap >= 0, "arrivals ascend");
            prev = a.arrivalNs()[i];
            sum += gap;
            sq += (double) gap * gap;
        }
        double mean = sum / n, sd = Math.sqrt(sq / n - mean * mean);
        assertEquals(20_000, mean, 400);
        assertEquals(1.0, sd / mean, 0.03); // exponential: coefficient of variation 1
        assertTrue(a.arrivalNs()[n - 1] < 2_000_000_000L);
    }

    @Test
    void serviceTimesFollowTheDistribution() {
        Arrivals a = Arrivals.poisson(100_000, 2_000_000_000L, bimodal, 5);
        long longOnes = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.cls()[i] == 0 ? 4_000 : 10_000_000, a.serviceNs()[i]);
            if (a.cls()[i] == 1) longOnes++;
        }
        assertEquals(0.005, longOnes / (double) a.size(), 0.001);
    }

    @Test
    void badRatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Arrivals.poisson(0, 1_000, bimodal, 1));
        assertThrows(IllegalArgumentException.class, () -> Arrivals.poisson(Double.NaN, 1_000, bimodal, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> Arrivals.poisson(1e9, 3_600_000_000_000L, bimodal, 1));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }
}
