package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import skyloft.policy.PolicyRegistry;
import skyloft.sim.scenario.ScenarioLoader;

/**
 * Every registered policy runs a mixed scenario (periodic, request stream, short and long phases; with
 * costs) on 1, 2 and 4 CPUs without breaking the host's ownership checks, gives every entry
 * some CPU, and is deterministic for a seed.
 */
class AllPoliciesTest {

    static Stream<String> policies() {
        return PolicyRegistry.names().stream();
    }

    static final String MIXED = """
            duration: 50ms
            tick: 20us
            costs: {switch: 300ns, preempt_delay: 2us, migration: 1us}
            tasks:
              - {name: rt, type: periodic, runtime: 200us, period: 2ms}
              - {name: web, type: poisson, load: 0.3, service: {bimodal: [{p: 0.99, value: 5us}, {p: 0.01, value: 500us}]}}
              - {name: io, type: phases, count: 3, run: {exp: 30us}, sleep: {exp: 300us}, nice: -3}
              - {name: batch, type: phases, run: 2ms, sleep: 1ms, nice: 10}
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void runsAMixedScenarioOnOneTwoAndFourCpus(String policy) {
        for (int cpus : new int[] {1, 2, 4}) {
            var sc = ScenarioLoader.parse("mixed.yaml", "mixed", "cpus: " + cpus + "\n" + MIXED);
            SimResult a = sc.run(policy, java.util.Map.of(), 5L, null, null);
            for (SimResult.Row r : a.rows()) {
                assertTrue(r.cpuShare() > 0, policy + " on " + cpus + " CPUs starved " + r.name());
            }
            assertTrue(a.row("rt").completed() >= 20, policy + " rt jobs " + a.row("rt").completed());
            SimResult b = sc.run(policy, java.util.Map.of(), 5L, null, null);
            assertEquals(a, b, policy + " is not deterministic on " + cpus + " CPUs");
        }
    }
}
