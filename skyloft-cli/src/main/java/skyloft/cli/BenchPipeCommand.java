package skyloft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.PipeBench;
import skyloft.util.Durations;

@Command(name = "pipe", mixinStandardHelpOptions = true,
        description = {"perf bench sched pipe, for threads: us per round trip of a token between two threads.",
                "The threads bounce the token with blocking handoffs, on one carrier and across two, for skyloft, "
                + "jdk-default and platform. jdk-default runs at parallelism --cores, and on one carrier in a child JVM "
                + "at parallelism 1 (its parallelism is fixed once per JVM)."})
final class BenchPipeCommand implements Callable<Integer>, EvalDefaults {
    static final long DEFAULT_DURATION_NS = 2_000_000_000L;

    @Mixin
    EvalOptions.WithSystems opts;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Measured runs per configuration; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public String durationDefault() {
        return Durations.format(DEFAULT_DURATION_NS);
    }

    @Override
    public List<String> defaultPolicies() {
        return PipeBench.DEFAULT_POLICIES;
    }

    @Override
    public Integer call() throws Exception {
        var o = new PipeBench.Options(opts.systems(PipeBench.DEFAULT_POLICIES), opts.durationNs(DEFAULT_DURATION_NS), runs, opts.runtime(), opts.stats);
        int cores = opts.cores();
        BenchRun.run(opts.json, () -> PipeBench.run(o, cores));
        return 0;
    }
}
