package skyloft.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import skyloft.bench.BenchResult;
import skyloft.policy.PolicyRegistry;
import skyloft.runtime.TimerMode;

/** Options every runtime benchmark takes. */
final class BenchOptions {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON rows to FILE.")
    Path json;

    @Option(names = "--runs", defaultValue = "5", description = "Measured runs per system; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured warm-up runs per system (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--policies", split = ",", paramLabel = "P,...", description = "Policies to measure (default: all registered).")
    List<String> policies;

    @Option(names = "--timer", defaultValue = "poll", paramLabel = "MODE", description = "Runtime timer: poll, sleep, spin or off (default ${DEFAULT-VALUE}).")
    String timer;

    @Option(names = "--stats", description = "Print the runtime's per-CPU and per-task counters after each policy.")
    boolean stats;

    List<String> policies() {
        if (policies == null || policies.isEmpty()) return PolicyRegistry.names();
        for (String p : policies) PolicyRegistry.info(p); // unknown names fail with the list of known ones
        return policies;
    }

    TimerMode timerMode() {
        try {
            return TimerMode.parse(timer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timer: " + e.getMessage());
        }
    }

    void check() {
        if (runs < 1 || runs > 1000) throw new IllegalArgumentException("--runs " + runs + " is out of range; allowed 1..1000");
        if (warmup < 0 || warmup > 1000) throw new IllegalArgumentException("--warmup " + warmup + " is out of range; allowed 0..1000");
        timerMode();
        policies();
    }

    void report(BenchResult r) throws IOException {
        r.printTable(System.out);
        if (json != null) {
            r.writeJson(json);
            System.out.println("wrote " + json);
        }
    }
}
