package skyloft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.CapacityBench;
import skyloft.util.Durations;

@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Many CPU-bound threads per core: how much of the CPUs reaches their work.",
                "Reports CPUs of calibrated work per second, with each Skyloft system's ticks, switches and lock "
                + "contention per second, beside jdk-default and platform."})
final class BenchCapacityCommand implements Callable<Integer>, EvalDefaults {
    static final long DEFAULT_DURATION_NS = 1_000_000_000L;

    @Mixin
    EvalOptions.WithSystems opts;

    @Option(names = "--hogs", defaultValue = "" + CapacityBench.DEFAULT_HOGS_PER_CORE, paramLabel = "N",
            description = "CPU-bound threads per core (default ${DEFAULT-VALUE}).")
    int hogs;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Measured runs per system, each on a fresh system; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public String durationDefault() {
        return Durations.format(DEFAULT_DURATION_NS);
    }

    @Override
    public List<String> defaultPolicies() {
        return CapacityBench.DEFAULT_POLICIES;
    }

    @Override
    public Integer call() throws Exception {
        var o = new CapacityBench.Options(opts.systems(CapacityBench.DEFAULT_POLICIES), opts.cores(), hogs, opts.durationNs(DEFAULT_DURATION_NS),
                runs, opts.runtime(), opts.stats);
        BenchRun.run(opts.json, () -> CapacityBench.run(o));
        return 0;
    }
}
