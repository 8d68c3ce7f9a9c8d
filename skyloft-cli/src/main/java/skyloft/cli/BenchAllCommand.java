package skyloft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Demo;

@Command(name = "all", mixinStandardHelpOptions = true,
        description = {"The full versions of every benchmark in one run (tens of minutes), with the report.",
                "Runs schbench, lc, co-location (lc with one batch hog per core beside it), pipe, ops, pick and capacity; writes the report and one JSON file per benchmark into "
                + "--out, and prints the headline table."})
final class BenchAllCommand implements Callable<Integer> {
    @Mixin
    EvalOptions opts;

    @Option(names = "--out", defaultValue = "skyloft-report", paramLabel = "DIR", description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        long dur = opts.duration == null ? 0 : opts.durationNs(0);
        Demo.Plan plan = Demo.full(opts.cores(), opts.runtime(), opts.stats, dur);
        BenchRun.runAll(out, () -> Demo.run(plan, out, "Skyloft-J: full evaluation", System.out));
        return 0;
    }
}
