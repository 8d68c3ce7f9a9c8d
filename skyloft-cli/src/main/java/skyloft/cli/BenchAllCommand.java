package skyloft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Demo;
import skyloft.bench.LcBench;
import skyloft.util.Durations;

@Command(name = "all", mixinStandardHelpOptions = true,
        description = {"The full versions of every benchmark in one run (tens of minutes), with the report.",
                "Runs schbench, lc, co-location (lc with one batch hog per core beside it), pipe, ops, pick and capacity; writes the report and one JSON file per benchmark into "
                + "--out, and prints the headline table."})
final class BenchAllCommand implements Callable<Integer>, EvalDefaults {
    @Mixin
    EvalOptions opts;

    @Option(names = "--out", defaultValue = "skyloft-report", paramLabel = "DIR", description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public String durationDefault() {
        return "5s for schbench, 2s for lc, 1s for co-location; pipe, ops and capacity keep their own lengths";
    }

    @Override
    public String idleSpinDefault() {
        return Durations.format(LcBench.LC_IDLE_SPIN_NS) + ", fixed, in lc and co-location; the runtime's adaptive 20us..5ms elsewhere";
    }

    @Override
    public Integer call() throws Exception {
        long dur = opts.duration == null ? 0 : opts.durationNs(0);
        Demo.Plan plan = Demo.full(opts.cores(), opts.runtime(), opts.stats, dur);
        BenchRun.runAll(out, () -> Demo.run(plan, out, "Skyloft-J: full evaluation", System.out));
        return 0;
    }
}
