package skyloft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Schbench;
import skyloft.util.Durations;

@Command(name = "schbench", mixinStandardHelpOptions = true,
        description = {"A Java port of schbench (-m1): wakeup and request latency, and requests/s.",
                "Percentiles p50/p90/p99/p99.9 for skyloft:cfs, eevdf, rr, fifo, jdk-default and platform at several "
                + "worker counts."})
final class BenchSchbenchCommand implements Callable<Integer>, EvalDefaults {
    static final long DEFAULT_DURATION_NS = 5_000_000_000L;

    @Mixin
    EvalOptions.WithSystems opts;

    @Option(names = "--workers", split = ",", preprocessor = ListOptions.Entries.class, paramLabel = "N,...", description = "Worker counts (default: cores, 2x and 4x cores).")
    List<Integer> workers;

    @Option(names = "--sleep", defaultValue = "100us", paramLabel = "D", description = "Sleep at the start of each request, whole microseconds, 0..1s (default ${DEFAULT-VALUE}).")
    String sleep;

    @Option(names = "--footprint", defaultValue = "128", paramLabel = "KB", description = "Cache footprint of the matrices, like schbench -F (default ${DEFAULT-VALUE}).")
    int footprintKb;

    @Option(names = "--ops", defaultValue = "10", paramLabel = "N", description = "Matrix multiplications per request, like schbench -n (default ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--breakdown", description = "Also split each Skyloft wakeup at the runtime's trace events: timestamp to enqueue, "
            + "enqueue to pick, pick to the worker's first instruction (rows wakeup_enqueue_*, wakeup_queue_*, wakeup_resume_*), and "
            + "report the CPUs' idle time in the window and the part of it while a task was queued (idle_ms, idle_queued_ms).")
    boolean breakdown;

    @Override
    public String durationDefault() {
        return Durations.format(DEFAULT_DURATION_NS);
    }

    @Override
    public List<String> defaultPolicies() {
        return Schbench.DEFAULT_POLICIES;
    }

    @Override
    public Integer call() throws Exception {
        int cores = opts.cores();
        long dur = opts.durationNs(DEFAULT_DURATION_NS);
        List<Integer> ws = workers == null || workers.isEmpty() ? List.of(cores, 2 * cores, 4 * cores) : workers;
        long sleepNs = Durations.parseNs("--sleep", sleep, 0, 1_000_000_000L);
        if (sleepNs % 1000 != 0) { // the benchmark sleeps whole microseconds, as schbench's -s: 1900ns ran as 1us, 500ns as no sleep
            throw new IllegalArgumentException("--sleep " + sleep + " is not a whole number of microseconds (schbench sleeps whole "
                    + "microseconds); give e.g. " + Math.max(1, Math.round(sleepNs / 1000.0)) + "us");
        }
        var o = new Schbench.Options(opts.systems(Schbench.DEFAULT_POLICIES), cores, ws, dur, Math.min(1_000_000_000L, dur / 4),
                (int) (sleepNs / 1000), footprintKb, ops, opts.runtime(), opts.stats, breakdown);
        BenchRun.run(opts.json, () -> Schbench.run(o));
        return 0;
    }
}
