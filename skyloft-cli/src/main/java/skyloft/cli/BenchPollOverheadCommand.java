package skyloft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import skyloft.agent.PollInserter;
import skyloft.bench.PollOverheadBench;

/** {@code skyloft bench poll-overhead}: CPU kernels plain vs agent-instrumented, in one JVM run. */
@Command(name = "poll-overhead", mixinStandardHelpOptions = true,
        description = "Cost of the agent's preemption polls: CPU-bound kernels run plain and instrumented in the same JVM, "
                + "first with nothing pending (per-kernel slowdown and poll_overhead_geomean, 1.00 = none), then with the polls "
                + "armed, in a task of a POLL-mode runtime that ticks them (slowdown_armed and poll_overhead_geomean_armed).")
final class BenchPollOverheadCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Option(names = "--runs", paramLabel = "N", description = "Timed runs per copy of each kernel (default ${DEFAULT-VALUE}).")
    int runs = PollOverheadBench.Config.defaults().runs();

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up runs per copy of each kernel (default ${DEFAULT-VALUE}).")
    int warmup = PollOverheadBench.Config.defaults().warmupRuns();

    @Option(names = "--stride", paramLabel = "N",
            description = "Poll every N loop back-edges, 1.." + PollInserter.MAX_STRIDE + " (default ${DEFAULT-VALUE}).")
    int stride = PollInserter.Options.DEFAULT.backEdgeStride();

    @Option(names = "--no-entry-polls", description = "Leave out method-entry polls (back-edge polls only).")
    boolean noEntryPolls;

    @Option(names = "--no-strip-mining", description = "Poll on every back-edge instead of strip-mining counted loops.")
    boolean noStripMining;

    @Option(names = "--kernels", paramLabel = "KERNEL", split = ",", preprocessor = ListOptions.Entries.class,
            description = "Kernels to run, by class name (default all: MatMul, Sieve, HashChurn, QuickSort, StringBuild, Fib, Mandelbrot, Crc32).")
    java.util.List<String> kernels;

    @Override
    public Integer call() throws Exception {
        if (stride < 1 || stride > PollInserter.MAX_STRIDE) {
            throw new IllegalArgumentException("--stride " + stride + " is out of range; allowed 1.." + PollInserter.MAX_STRIDE);
        }
        var options = new PollInserter.Options(!noEntryPolls, true, stride, !noStripMining);
        var cfg = new PollOverheadBench.Config(runs, warmup, options, kernels == null ? PollOverheadBench.kernelNames() : kernels);
        System.out.println("poll-overhead: " + cfg.kernels().size() + " kernels, " + runs + " runs each after "
                + warmup + " warm-up runs; the machine may be shared, so read single kernels with care");
        BenchRun.run(json, () -> PollOverheadBench.run(cfg, System.out));
        return 0;
    }
}
