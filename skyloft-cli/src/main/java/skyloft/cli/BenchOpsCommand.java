package skyloft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.OpsBench;

@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"The cost table of the mechanisms, beside jdk-default, platform and the continuation floor.",
                "Yield switch, spawn, wakeup of a parked thread, preemption request-to-yield delay, timer tick cost, poll "
                + "fast path, and what waking an idle CPU costs on this machine."})
final class BenchOpsCommand implements Callable<Integer> {
    @Mixin
    EvalOptions.WithJson opts;

    @Option(names = "--policy", defaultValue = "fifo", paramLabel = "P", description = "Policy for the switch, spawn and wakeup figures (default ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--preempt-policy", defaultValue = "rr", paramLabel = "P", description = "Policy for the preemption figures (default ${DEFAULT-VALUE}).")
    String preemptPolicy;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Measured runs per figure; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        var o = new OpsBench.Options(policy, preemptPolicy, opts.cores(), opts.durationNs(1_000_000_000L), runs, opts.runtime(), opts.stats);
        BenchRun.run(opts.json, () -> OpsBench.run(o));
        return 0;
    }
}
