package skyloft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.LcBench;
import skyloft.bench.ServiceDist;
import skyloft.util.Durations;

@Command(name = "lc", mixinStandardHelpOptions = true,
        description = {"The latency-critical workload: open-loop Poisson requests swept over loads, latency against an SLO.",
                "Service times come from a distribution; loads run from 10%% to past saturation. Per system and load: the "
                + "achieved rate, p50/p99/p99.9 latency and slowdown; per system, the highest load whose p99 meets the SLO."})
final class BenchLcCommand implements Callable<Integer>, EvalDefaults {
    static final long DEFAULT_DURATION_NS = 2_000_000_000L;

    @Mixin
    EvalOptions.WithSystems opts;

    @Option(names = "--dist", defaultValue = "bimodal-995-4us-10ms", paramLabel = "DIST",
            description = "Service times: fixed-10us, exponential-10us, bimodal-DIGITS-D1-D2, or a mixture 99.5%%:4us,0.5%%:10ms "
                    + "(default ${DEFAULT-VALUE}). A bimodal's DIGITS are the decimals of D1's share, the rest is D2's: "
                    + "bimodal-995-4us-10ms is 99.5%% 4us and 0.5%% 10ms, bimodal-9-4us-10ms 90%% 4us, bimodal-1000-4us-10ms 10%% 4us.")
    String dist;

    @Option(names = "--loads", split = ",", preprocessor = ListOptions.Entries.class, paramLabel = "L,...", description = "Loads as fractions of capacity (default 0.1,0.2,...,1.1).")
    List<Double> loads;

    @Option(names = "--slo", defaultValue = "500us", paramLabel = "SLO", description = "p99 latency (500us) or p99 slowdown (10x) (default ${DEFAULT-VALUE}).")
    String slo;

    @Option(names = "--workers", defaultValue = "20", paramLabel = "N", description = "Server threads per system (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the arrival schedule (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--windows", defaultValue = "3", paramLabel = "N",
            description = "Windows per load, 1..99: each load is measured N times for --duration and the percentiles are the "
                    + "medians of the windows' own, so one stall of the machine does not decide a point; p99_pooled_us pools them "
                    + "(default ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--dispatcher-rt", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the load generator thread SCHED_FIFO where allowed, so its wakeups are not held up by spinning threads "
                    + "(default on; --no-dispatcher-rt uses only --dispatcher-nice).")
    boolean dispatcherRt;

    @Option(names = "--dispatcher-nice", defaultValue = "-20", paramLabel = "N",
            description = "Nice value of the load generator thread when it is not SCHED_FIFO, -20..19 (default ${DEFAULT-VALUE}: "
                    + "it stands in for a client on another machine).")
    int dispatcherNice;

    @Option(names = "--batch", defaultValue = "0", paramLabel = "N",
            description = "Best-effort CPU hogs run beside the service on every system, 0..64: Skyloft tasks of app 'batch' (which "
                    + "skyloft:apps runs only in the time the service leaves), platform threads at SCHED_IDLE, plain virtual threads "
                    + "on jdk-default; their work is the batch_cpus row (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public String durationDefault() {
        return Durations.format(DEFAULT_DURATION_NS);
    }

    @Override
    public List<String> defaultPolicies() {
        return LcBench.DEFAULT_POLICIES;
    }

    @Override
    public String idleSpinDefault() {
        return Durations.format(LcBench.LC_IDLE_SPIN_NS) + ", fixed";
    }

    @Override
    public Integer call() throws Exception {
        var o = new LcBench.Options(opts.systems(LcBench.DEFAULT_POLICIES), opts.cores(), ServiceDist.parse(dist),
                loads == null || loads.isEmpty() ? LcBench.DEFAULT_LOADS : loads, opts.durationNs(DEFAULT_DURATION_NS), workers,
                LcBench.Slo.parse(slo), seed, opts.runtime(), opts.stats, windows, dispatcherRt, dispatcherNice, batch);
        BenchRun.run(opts.json, () -> LcBench.run(o));
        return 0;
    }
}
