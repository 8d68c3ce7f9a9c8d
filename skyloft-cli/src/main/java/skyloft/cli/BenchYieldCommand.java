package skyloft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.YieldBench;

@Command(name = "yield", mixinStandardHelpOptions = true,
        description = "Two threads ping-pong Thread.yield on one carrier: ns per switch per policy, beside jdk-default (parallelism 1), platform threads pinned to one core, and bare continuations.")
final class BenchYieldCommand implements Callable<Integer> {
    @Mixin
    BenchOptions opts;

    @Option(names = "--switches", paramLabel = "N", defaultValue = "400000", description = "Switches per run (default ${DEFAULT-VALUE}).")
    int switches;

    @Override
    public Integer call() throws Exception {
        opts.check();
        if (switches < 2 || switches > 100_000_000) {
            throw new IllegalArgumentException("--switches " + switches + " is out of range; allowed 2..100000000");
        }
        var o = new YieldBench.Options(opts.policies(), switches, opts.warmup, opts.runs, opts.timerMode(), opts.stats);
        BenchRun.run(opts.json, () -> YieldBench.run(o));
        return 0;
    }
}
