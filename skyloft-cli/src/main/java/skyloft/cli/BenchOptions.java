package skyloft.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Baselines;
import skyloft.bench.Sut;
import skyloft.policy.PolicyRegistry;
import skyloft.runtime.TimerMode;

/** Options every runtime benchmark takes. */
final class BenchOptions {
    @Mixin
    PolicyPath policyPath;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON rows to FILE.")
    Path json;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N", description = "Measured runs per system; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N", description = "Unmeasured warm-up runs per system (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--policies", split = ",(?![^\\[]*\\])", splitSynopsisLabel = ",", preprocessor = ListOptions.Entries.class, paramLabel = "P,...",
            description = "Policies to measure, each NAME or NAME[name=value,...], e.g. fifo,rr[slice=30us] (default: all registered).")
    List<String> policies;

    @Option(names = "--timer", defaultValue = "poll", paramLabel = "MODE", description = "Runtime timer: poll, sleep, spin or off (default ${DEFAULT-VALUE}).")
    String timer;

    @Option(names = "--stats", description = "Print the runtime's per-CPU and per-task counters after each policy.")
    boolean stats;

    List<String> policies() {
        return policies == null || policies.isEmpty() ? PolicyRegistry.names() : checkPolicies(policies);
    }

    /**
     * {@code --policies} entries ({@code fifo}, {@code rr[slice=30us]}), checked as the systems
     * {@code skyloft:ENTRY} are everywhere else (as {@code demo --policies} does): a bad form,
     * name, parameter or value fails here, naming it.
     */
    static List<String> checkPolicies(List<String> entries) {
        List<String> out = distinct("--policies", entries.stream().map(String::strip).toList());
        for (String p : out) {
            if (p.startsWith("skyloft:")) {
                throw new IllegalArgumentException("--policies: '" + p + "' names a system; give the policy name without 'skyloft:', e.g. "
                        + p.substring("skyloft:".length()));
            }
        }
        try {
            Sut.checkSystems(out.stream().map(Baselines::skyloft).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--policies: " + e.getMessage());
        }
        return out;
    }

    /** {@code entries} if none is given twice; each is a run of its own, and a second would only
     *  repeat the first, with rows of the same name. */
    static <T> List<T> distinct(String option, List<T> entries) {
        java.util.Set<T> seen = new java.util.HashSet<>();
        for (T e : entries) {
            if (!seen.add(e)) throw new IllegalArgumentException(option + ": '" + e + "' is given twice; allowed each once");
        }
        return entries;
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
}
