package skyloft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.OpsBench;
import skyloft.util.Durations;

@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"The cost table of the mechanisms, beside jdk-default, platform and the continuation floor.",
                "Yield switch, spawn, wakeup of a parked thread, preemption request-to-yield delay, timer tick cost, poll "
                + "fast path, and what waking an idle CPU costs on this machine. jdk-default's one-carrier yield and spawn "
                + "come from a child JVM at parallelism 1 (its parallelism is fixed once per JVM)."})
final class BenchOpsCommand implements Callable<Integer>, EvalDefaults {
    static final long DEFAULT_DURATION_NS = 1_000_000_000L;

    @Mixin
    EvalOptions.WithJson opts;

    @Option(names = "--policy", defaultValue = "fifo", paramLabel = "P", description = "Policy for the switch, spawn and wakeup figures (default ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--preempt-policy", defaultValue = "rr", paramLabel = "P", description = "Policy for the preemption figures (default ${DEFAULT-VALUE}).")
    String preemptPolicy;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Measured runs per figure; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public String durationDefault() {
        return Durations.format(DEFAULT_DURATION_NS);
    }

    @Override
    public Integer call() throws Exception {
        var o = new OpsBench.Options(policy, preemptPolicy, opts.cores(), opts.durationNs(DEFAULT_DURATION_NS), runs, opts.runtime(), opts.stats);
        BenchRun.run(opts.json, () -> OpsBench.run(o));
        return 0;
    }
}
