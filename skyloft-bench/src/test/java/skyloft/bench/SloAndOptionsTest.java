package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SloAndOptionsTest {

    private static double[] pt(double load, double p99Us, double slowdown, double rps) {
        return new double[] {load, p99Us, slowdown, rps};
    }

    @Test
    void maxLoadIsTheLastLoadBeforeTheFirstMiss() {
        var slo = LcBench.Slo.parse("500us");
        List<double[]> curve = List.of(pt(0.5, 300, 5, 500), pt(0.1, 100, 2, 100), pt(0.7, 499, 9, 700), pt(0.8, 600, 12, 800), pt(0.9, 450, 8, 900));
        // 0.9 meets the SLO again, but after a miss at 0.8: noise, not capacity
        assertArrayEquals(new double[] {0.7, 700}, LcBench.maxLoadAtSlo(curve, slo));
    }

    @Test
    void noLoadMeetingTheSloGivesZero() {
        var slo = LcBench.Slo.parse("50us");
        assertArrayEquals(new double[] {0, 0}, LcBench.maxLoadAtSlo(List.of(pt(0.1, 100, 2, 100)), slo));
        assertArrayEquals(new double[] {0, 0}, LcBench.maxLoadAtSlo(List.of(pt(0.1, Double.NaN, 2, 100)), slo));
    }

    @Test
    void slowdownSlo() {
        var slo = LcBench.Slo.parse("10x");
        assertEquals(10, slo.p99Slowdown());
        assertArrayEquals(new double[] {0.5, 500}, LcBench.maxLoadAtSlo(List.of(pt(0.1, 1e6, 2, 100), pt(0.5, 1e6, 10, 500), pt(0.6, 1, 10.5, 600)), slo));
        assertTrue(LcBench.Slo.parse("200us").met(200, 1e9));
        assertFalse(LcBench.Slo.parse("200us").met(200.5, 1));
    }

    @Test
    void badSlosAreRejected() {
        for (String bad : new String[] {"", "fast", "0.5x", "10", "abcx", "500ns"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LcBench.Slo.parse(bad), bad);
            assertTrue(e.getMessage().contains("--slo"), e.getMessage());
        }
    }

    @Test
    void systemsAreChecked() {
        assertEquals(List.of("skyloft:fifo", "jdk-default", "platform"), Sut.checkSystems(List.of("skyloft:fifo", "jdk-default", "platform")));
        var e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:nosuch")));
        assertTrue(e.getMessage().contains("nosuch") && e.getMessage().contains("fifo"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("linux")));
        assertTrue(e.getMessage().contains("'linux'") && e.getMessage().contains("jdk-default"), e.getMessage());
        // policy parameters in brackets: checked up front, shown in the params
        assertEquals(List.of("skyloft:rr[slice=200us]", "skyloft:cfs[latency=6ms,min_granularity=750us]"),
                Sut.checkSystems(List.of("skyloft:rr[slice=200us]", "skyloft:cfs[latency=6ms,min_granularity=750us]")));
        assertEquals(new Sut.Policy("rr", java.util.Map.of("slice", "200us")), Sut.Policy.of("skyloft:rr[slice=200us]"));
        assertEquals("slice=200us", Sut.policyDefaults(List.of("skyloft:rr[slice=200us]")).get("skyloft:rr[slice=200us]"));
        String apps = "skyloft:apps[lc=shinjuku,lc.quantum=30us]";
        assertEquals(List.of(apps), Sut.checkSystems(List.of(apps)));
        assertEquals("lc=shinjuku, be=cfs, be_apps=batch, be_min=0, be_quantum=100us, be_cpus=all, lc_cpus=all, lc_return=off, lc.quantum=30us", Sut.policyDefaults(List.of(apps)).get(apps));
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:apps[lc=deadline]")));
        assertTrue(e.getMessage().contains("'deadline' cannot be a class here"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:rr[quantum=5us]")));
        assertTrue(e.getMessage().contains("skyloft:rr[quantum=5us]") && e.getMessage().contains("no parameter 'quantum'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:rr[slice=1ns]")));
        assertTrue(e.getMessage().contains("slice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:rr[slice=50us")));
        assertTrue(e.getMessage().contains("expected skyloft:<policy>[name=value,...]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sut.checkSystems(List.of("skyloft:rr[slice]")));
        assertTrue(e.getMessage().contains("not of the form name=value"), e.getMessage());
        List<String> skipped = new java.util.ArrayList<>();
        assertEquals(List.of("skyloft:fifo", "jdk-default", "platform"), Sut.defaults(List.of("fifo", "nosuch"), skipped));
        assertEquals(List.of("skyloft:nosuch"), skipped);
    }

    @Test
    void benchmarkOptionsAreValidated() {
        var rc = Sut.RuntimeConfig.DEFAULT;
        var sys = List.of("skyloft:fifo");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Schbench.Options(sys, 1, List.of(0), 1_000_000_000L, 0, 100, 128, 10, rc, false));
        assertTrue(e.getMessage().contains("--workers 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Schbench.Options(sys, 1, List.of(2), 1_000L, 0, 100, 128, 10, rc, false));
        assertTrue(e.getMessage().contains("--duration"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Schbench.Options(sys, 999, List.of(2), 1_000_000_000L, 0, 100, 128, 10, rc, false));
        assertTrue(e.getMessage().contains("--cores 999"), e.getMessage());
        var dist = ServiceDist.parse("fixed-10us");
        e = assertThrows(IllegalArgumentException.class,
                () -> new LcBench.Options(sys, 1, dist, List.of(0.5, 3.0), 1_000_000_000L, 4, LcBench.Slo.parse("1ms"), 1, rc, false));
        assertTrue(e.getMessage().contains("--loads 3.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LcBench.Options(sys, 1, dist, List.of(0.5), 1_000_000_000L, 0, LcBench.Slo.parse("1ms"), 1, rc, false));
        assertTrue(e.getMessage().contains("--workers 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LcBench.Options(sys, 1, dist, List.of(0.5), 1_000_000_000L, 4, LcBench.Slo.parse("1ms"), 1, rc, false, 3, true, -21));
        assertTrue(e.getMessage().contains("--dispatcher-nice -21"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LcBench.Options(sys, 1, dist, List.of(0.5), 1_000_000_000L, 4, LcBench.Slo.parse("1ms"), 1, rc, false, 0, true, -20));
        assertTrue(e.getMessage().contains("--windows 0") && e.getMessage().contains("1..99"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PipeBench.Options(sys, 1_000_000_000L, 0, rc, false));
        assertTrue(e.getMessage().contains("--runs 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OpsBench.Options("nosuch", "rr", 1, 1_000_000_000L, 1, rc, false));
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sut.RuntimeConfig(skyloft.runtime.TimerMode.SLEEP, 10));
        assertTrue(e.getMessage().contains("tick 10ns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sut.RuntimeConfig(null, 0, 20_000_000));
        assertTrue(e.getMessage().contains("idle spin 20000000ns"), e.getMessage());
        // lc's 2 ms idle spin applies only where none was chosen
        assertEquals(2_000_000, rc.withDefaultIdleSpinNs(2_000_000).idleSpinNs());
        assertEquals(0, new Sut.RuntimeConfig(null, 0, 0).withDefaultIdleSpinNs(2_000_000).idleSpinNs());
        // loads are sorted and deduplicated
        assertEquals(List.of(0.2, 0.5), new LcBench.Options(sys, 1, dist, List.of(0.5, 0.2, 0.5), 1_000_000_000L, 4,
                LcBench.Slo.parse("1ms"), 1, rc, false).loads());
    }

    @Test
    void matrixSideFitsThreeMatricesInTheFootprint() {
        int n = Schbench.matrixSide(128);
        assertTrue(3L * n * n * 8 <= 128 * 1024 && 3L * (n + 1) * (n + 1) * 8 > 128 * 1024, "side " + n);
        double[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new double[4];
        Schbench.multiply(a, b, c, 2);
        assertArrayEquals(new double[] {19, 22, 43, 50}, c);
    }
}
