package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import skyloft.runtime.Affinity;

/** Every system of a run gets the cores asked for: no platform thread free on CPUs the others were not given. */
class PlacementTest {

    @Test
    void opsPlatformThreadsAndTheThreadsTheyStartStayOnTheCoresAskedFor() {
        List<Integer> cpus = Affinity.allowedCpus();
        assumeTrue(cpus.size() >= 2, "needs two CPUs to tell pinned from free");
        AtomicReference<List<Integer>> own = new AtomicReference<>(), child = new AtomicReference<>();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> YieldBench.join(OpsBench.platform(1).start(() -> {
            own.set(Affinity.allowedCpus());
            Thread t = Thread.ofPlatform().start(() -> child.set(Affinity.allowedCpus())); // as the spawn figure starts them
            YieldBench.join(t);
        })));
        assertEquals(List.of(cpus.get(0)), own.get());
        assertEquals(List.of(cpus.get(0)), child.get(), "a spawned thread inherits its parent's CPU");
    }

    @Test
    void pipeRunsOnNoMoreCarriersThanTheCoresAskedFor() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: one carrier anyway");
        var o = new PipeBench.Options(List.of("skyloft:fifo", "platform"), 100_000_000L, 1, Sut.RuntimeConfig.DEFAULT, false);
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> PipeBench.run(o, 1));
        assertEquals(List.of(1), r.rows().stream().map(x -> ((Number) x.params().get("carriers")).intValue()).distinct().toList(), r.rows().toString());
        assertEquals(2, r.rows().size(), "each system on one carrier");
    }
}
