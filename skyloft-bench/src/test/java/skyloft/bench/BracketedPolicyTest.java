package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import skyloft.policy.RoundRobin;
import skyloft.runtime.SkyloftRuntime;

/** A policy given with parameters ({@code rr[slice=30us]}) goes every way a bare name goes in the demo, not only through the up-front checks. */
class BracketedPolicyTest {

    @Test
    void theDemoTakesAPreemptivePolicyWithParametersForTheOpsPreemptionFigures() {
        Demo.Plan p = Demo.withPolicies(Demo.demo(1, Sut.RuntimeConfig.DEFAULT, false), List.of("fifo", "rr[slice=30us]"));
        assertEquals("fifo", p.ops().policy());
        assertEquals("rr[slice=30us]", p.ops().preemptPolicy(), "rr with a slice is still rr");
    }

    @Test
    void opsBuildsItsRuntimesWithThePolicysParameters() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (SkyloftRuntime rt = OpsBench.runtime("rr[slice=30us]", 1, Sut.RuntimeConfig.DEFAULT)) {
                assertEquals(30_000, ((RoundRobin) rt.policy()).sliceNs());
            }
            // the parked-carrier figures' runtime: a fixed idle spin, the same policy
            try (SkyloftRuntime rt = OpsBench.runtime("rr[slice=30us]", 1, new Sut.RuntimeConfig(null, 0, OpsBench.PARKED_SPIN_NS))) {
                assertEquals(30_000, ((RoundRobin) rt.policy()).sliceNs());
            }
        });
    }

    @Test
    void pickMeasuresAPolicyWithParameters() {
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> PickBench.run(List.of("rr[slice=30us]"), new int[] {10}, null));
        assertEquals(List.of("skyloft:rr[slice=30us]"), r.rows().stream().map(BenchResult.Row::system).distinct().toList());
    }
}
