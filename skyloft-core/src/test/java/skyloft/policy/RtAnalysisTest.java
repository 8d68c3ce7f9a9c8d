package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bounds and cases of realtime-cases.md, in plain time units. */
class RtAnalysisTest {

    @Test
    void liuLaylandBoundsForOneToFive() {
        double[] expected = {1.0, 0.8284, 0.7798, 0.7568, 0.7435};
        for (int n = 1; n <= 5; n++) assertEquals(expected[n - 1], RtAnalysis.liuLaylandBound(n), 1e-4, "n=" + n);
        assertEquals(Math.log(2), RtAnalysis.liuLaylandBound(100_000), 1e-4);
    }

    @Test
    void caseAResponseTimesAreOneTwoFour() {
        long[] c = {1, 1, 2}, d = {4, 5, 10}, t = {4, 5, 10};
        assertArrayEquals(new long[] {1, 2, 4}, RtAnalysis.responseTimes(c, d, t));
        assertEquals(0.65, RtAnalysis.utilization(c, t), 1e-12);
        var v = RtAnalysis.rmTest(c, d, t, new String[] {"t1", "t2", "t3"});
        assertTrue(v.ok());
        assertEquals("liu-layland", v.test());
    }

    @Test
    void caseBFailsBothTestsWithR2Eight() {
        long[] c = {2, 4}, d = {5, 7}, t = {5, 7};
        long[] r = RtAnalysis.responseTimes(c, d, t);
        assertEquals(2, r[0]);
        assertEquals(8, r[1]);
        var v = RtAnalysis.rmTest(c, d, t, new String[] {"t1", "t2"});
        assertFalse(v.ok());
        assertEquals("response-time", v.test());
        assertTrue(v.detail().contains("U=0.971 > Liu & Layland bound 0.8284 for n=2"), v.detail());
        assertTrue(v.detail().contains("t2") && v.detail().contains("R=8ns > D"), v.detail());
    }

    @Test
    void harmonicSetFailsTheBoundButPassesResponseTimeAnalysis() {
        var v = RtAnalysis.rmTest(new long[] {1, 2}, new long[] {2, 4}, new long[] {2, 4}, new String[] {"a", "b"});
        assertTrue(v.ok(), v.detail());
        assertEquals("response-time", v.test());
    }

    @Test
    void densityAndGfb() {
        assertEquals(1.1, RtAnalysis.density(new long[] {3, 3}, new long[] {5, 6}, new long[] {5, 6}), 1e-12);
        // case G: U = 1.222 on 2 CPUs, Umax = 1: GFB needs U <= 2 - 1 = 1, so it fails.
        assertFalse(RtAnalysis.gfb(new long[] {10, 1, 1}, new long[] {10, 9, 9}, 2));
        assertTrue(RtAnalysis.gfb(new long[] {1, 1, 1}, new long[] {4, 4, 4}, 2));
    }

    /** runtime x 2^20 passes 63 bits from runtime 2^43 ns (2.4 hours): the result must still be
     *  runtime / period, not a wrapped negative that admission would let through. */
    @Test
    void bandwidthOfHugeParametersDoesNotWrap() {
        assertEquals(RtAnalysis.BW_ONE - 1, RtAnalysis.bandwidth(9_000_000_000_000L, 9_000_000_000_001L));
        assertEquals(RtAnalysis.BW_ONE, RtAnalysis.bandwidth(1L << 50, 1L << 50));
        assertEquals(RtAnalysis.BW_ONE / 2, RtAnalysis.bandwidth(1L << 61, 1L << 62));
        assertEquals(Long.MAX_VALUE, RtAnalysis.bandwidth(Long.MAX_VALUE, 1), "saturates past 63 bits");
    }

    @Test
    void fixedPointBandwidthIsExactForSums() {
        long half = RtAnalysis.bandwidth(50, 100), forty = RtAnalysis.bandwidth(40, 100), tenth = RtAnalysis.bandwidth(10, 100);
        assertTrue(half + forty <= RtAnalysis.bandwidth(0.95));
        assertTrue(half + forty + tenth > RtAnalysis.bandwidth(0.95));
    }
}
