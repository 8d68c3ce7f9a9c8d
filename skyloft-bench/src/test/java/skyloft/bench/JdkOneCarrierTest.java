package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jdk-default on one carrier in a child JVM: the rows it gives, and what happens when it cannot. */
class JdkOneCarrierTest {
    @Test
    void theChildKeepsModuleAccessHeapAndCollectorOnly() {
        List<String> in = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-javaagent:agent.jar", "--add-exports",
                "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xmx2g", "-XX:+UseParallelGC", "-Djdk.virtualThreadScheduler.parallelism=2",
                "--enable-native-access=ALL-UNNAMED", "-XX:StartFlightRecording", "-Xss1m", "--enable-native-access", "M");
        assertEquals(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-Xmx2g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "--enable-native-access", "M"),
                JdkOneCarrier.inheritedJvmOptions(in));
    }

    @Test
    void aChildMeasuresThePipeAtParallelismOne() {
        JdkOneCarrier.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> JdkOneCarrier.measure(JdkOneCarrier.What.PIPE, 20_000_000L, 1, 50_000_000_000L));
        assertNull(r.problem());
        assertEquals(1, r.rows().size());
        BenchResult.Row row = r.rows().get(0);
        assertEquals(Baselines.JDK_DEFAULT, row.system());
        assertEquals("us_per_roundtrip", row.metric());
        assertEquals(1L, ((Number) row.params().get("carriers")).longValue());
        assertEquals("child, parallelism 1", row.params().get("jvm"));
        assertTrue(row.value() > 0, "a round trip takes time: " + row.value());
    }

    @Test
    void bothPipeRowsOfJdkDefaultWhateverThisJvmsParallelism() {
        var o = new PipeBench.Options(List.of(Baselines.JDK_DEFAULT), 100_000_000L, 1, Sut.RuntimeConfig.DEFAULT, false);
        BenchResult r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> PipeBench.run(o, Math.min(2, Runtime.getRuntime().availableProcessors())));
        int par = ((Number) r.params().get("jdk_parallelism")).intValue();
        List<BenchResult.Row> one = r.rows().stream().filter(x -> ((Number) x.params().get("carriers")).intValue() == 1).toList();
        assertEquals(1, one.size(), r.rows().toString());
        // at parallelism 1 the JVM's own row is the one-carrier figure; else a child JVM's
        assertEquals(par == 1 ? null : "child, parallelism 1", one.get(0).params().get("jvm"));
        assertEquals(par == 1 ? 1 : 2, r.rows().size(), r.rows().toString());
    }

    @Test
    void aChildPastItsLimitIsStoppedAndGivesNoRows() {
        JdkOneCarrier.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> JdkOneCarrier.measure(JdkOneCarrier.What.OPS, 0, 1, 1_000_000L)); // no JVM starts and measures in 1 ms
        assertTrue(r.rows().isEmpty());
        assertTrue(r.problem().startsWith("the child JVM ran past"), r.problem());
    }

    @Test
    void theChildRefusesBadArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JdkOneCarrier.main(new String[] {"pipe"}));
        assertTrue(e.getMessage().contains("usage: pipe|ops PER_RUN_NS RUNS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JdkOneCarrier.main(new String[] {"yield", "0", "1"}));
        assertEquals("'yield' is not a measurement; allowed: pipe, ops", e.getMessage());
    }
}
