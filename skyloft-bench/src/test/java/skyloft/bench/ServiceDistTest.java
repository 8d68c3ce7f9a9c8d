package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceDistTest {

    @Test
    void bimodalSharesAndMean() {
        ServiceDist d = ServiceDist.parse("bimodal-995-4us-10ms");
        assertEquals(2, d.classes());
        assertEquals(0.995, d.classShare(0), 1e-12);
        assertEquals(0.005, d.classShare(1), 1e-12);
        assertEquals(53_980, d.meanNs(), 1e-6); // 0.995 * 4us + 0.005 * 10ms
        assertEquals(0, d.shortestClass());
        assertEquals("4us", d.classLabel(0));
        assertEquals("10ms", d.classLabel(1));
    }

    @Test
    void bimodalDigitsAreADecimalFraction() {
        assertEquals(0.9, ServiceDist.parse("bimodal-9-1us-2us").classShare(0), 1e-12);
        assertEquals(0.5, ServiceDist.parse("bimodal-50-1us-2us").classShare(0), 1e-12);
    }

    @Test
    void fixedAndExponential() {
        ServiceDist f = ServiceDist.parse("fixed-10us");
        assertEquals(10_000, f.meanNs());
        assertEquals(10_000, f.sampleNs(f.sampleClass(new SplittableRandom(1)), new SplittableRandom(1)));
        ServiceDist e = ServiceDist.parse("exponential-10us");
        assertEquals(1, e.classes());
        assertEquals(10_000, e.meanNs());
        SplittableRandom r = new SplittableRandom(7);
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) sum += e.sampleNs(0, r);
        assertEquals(10_000, sum / n, 150); // about 1.5%: the sample mean of 200k draws, fixed seed
        assertEquals(e.meanNs(), ServiceDist.parse("exp-10us").meanNs());
    }

    @Test
    void inlineMixtureKeepsOrderAndShares() {
        ServiceDist d = ServiceDist.parse("50%:1ms, 30%:2us,20%:3us");
        assertEquals(3, d.classes());
        assertEquals(0.3, d.classShare(1), 1e-12);
        assertEquals(1, d.shortestClass());
        assertEquals(0.5 * 1e6 + 0.3 * 2e3 + 0.2 * 3e3, d.meanNs(), 1e-6);
        SplittableRandom r = new SplittableRandom(3);
        int[] count = new int[3];
        for (int i = 0; i < 100_000; i++) count[d.sampleClass(r)]++;
        assertEquals(50_000, count[0], 1_000);
        assertEquals(30_000, count[1], 1_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "uniform-10us", "fixed-10", "fixed-abc", "bimodal-995-4us", "bimodal-x-4us-10ms", "bimodal-0-1us-2us",
            "50%:1us,40%:2us", "0%:1us,100%:2us", "50%:1us,50%2us", "fixed-0ns", "exponential--5us", "fixed-20s"})
    void badSpecsAreRejectedNamingTheSpec(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceDist.parse(spec));
        assertTrue(e.getMessage().contains("--dist"), e.getMessage());
        if (!spec.isEmpty()) assertTrue(e.getMessage().contains(spec.trim()) || e.getMessage().contains(spec.trim().split("-")[0]), e.getMessage());
    }

    @Test
    void sharesThatDoNotSumTo100SayWhatTheySumTo() {
        var e = assertThrows(IllegalArgumentException.class, () -> ServiceDist.parse("50%:1us,40%:2us"));
        assertTrue(e.getMessage().contains("sum to 90"), e.getMessage());
    }
}
