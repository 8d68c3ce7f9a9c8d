package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each distribution against its definition: sample means and shapes over many draws with a
 *  fixed seed (so the checks are exact repeats; the tolerances are several standard errors). */
class DistTest {
    static final int N = 200_000;

    static long[] draw(Dist d) {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] x = new long[N];
        for (int i = 0; i < N; i++) x[i] = d.sample(rnd);
        return x;
    }

    static double mean(long[] x) {
        return Arrays.stream(x).average().orElseThrow();
    }

    static double share(long[] x, long above) {
        return Arrays.stream(x).filter(v -> v > above).count() / (double) x.length;
    }

    @Test
    void exponentialHasItsMeanAndTail() {
        Dist d = new Dist.Exponential(10_000);
        long[] x = draw(d);
        assertEquals(10_000, mean(x), 100, "mean (standard error 22ns)");
        assertEquals(Math.exp(-1), share(x, 10_000), 0.005, "P(X > mean) = 1/e");
        assertEquals(Math.exp(-3), share(x, 30_000), 0.002, "P(X > 3 mean) = e^-3");
    }

    @Test
    void lognormalHasItsMeanAndMedian() {
        Dist d = new Dist.LogNormal(10_000, 1.0);
        long[] x = draw(d);
        assertEquals(10_000, mean(x), 200, "mean (standard error about 29ns)");
        long[] sorted = x.clone();
        Arrays.sort(sorted);
        assertEquals(10_000 * Math.exp(-0.5), sorted[N / 2], 100, "median exp(mu) = mean e^(-sigma^2/2)");
    }

    @Test
    void aMixtureDrawsEachComponentWithItsProbability() {
        Dist d = new Dist.Mixture(List.of(0.995, 0.005), List.of(new Dist.Fixed(4_000), new Dist.Fixed(10_000_000)));
        long[] x = draw(d);
        assertEquals(0.005, share(x, 4_000), 0.0006, "the long component's share");
        assertEquals(d.meanNs(), mean(x), 0.06 * d.meanNs(), "mean " + d.meanNs());
        assertEquals(53_980, d.meanNs(), 1e-6, "lc-bimodal-50's mean, exact");
    }

    @Test
    void samplesStayWithinOneNanosecondAndTheCap() {
        SplittableRandom rnd = new SplittableRandom(1);
        assertEquals(1, new Dist.Fixed(0).sample(rnd));
        assertEquals(1, new Dist.Fixed(0).meanNs(), 0);
        for (int i = 0; i < 1000; i++) {
            long v = new Dist.Exponential(0.001).sample(rnd);
            assertEquals(1, v, "a sample is at least 1ns");
        }
    }
}
