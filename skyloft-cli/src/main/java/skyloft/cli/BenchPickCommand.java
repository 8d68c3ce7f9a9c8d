package skyloft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.PickBench;

/** {@code skyloft bench pick}: ns per pick-next + enqueue per policy as the run queue grows. */
@Command(name = "pick", mixinStandardHelpOptions = true,
        description = "Cost of one scheduling decision (pickNext + enqueue cycle) per policy, for 10, 1k, 100k and 1M runnable tasks.")
final class BenchPickCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result rows as JSON to FILE.")
    Path json;

    @Option(names = "--runnable", split = ",", preprocessor = ListOptions.Entries.class, paramLabel = "N", description = "Runnable task counts (default 10,1000,100000,1000000).")
    List<Integer> runnable;

    @Option(names = "--policies", split = ",(?![^\\[]*\\])", splitSynopsisLabel = ",", preprocessor = ListOptions.Entries.class, paramLabel = "P,...",
            description = "Policies to measure, each NAME or NAME[name=value,...] (default: all registered).")
    List<String> policies;

    @Override
    public Integer call() throws Exception {
        int[] counts = runnable == null ? PickBench.DEFAULT_RUNNABLE : runnable.stream().mapToInt(Integer::intValue).toArray();
        List<String> names = policies == null ? PickBench.defaultPolicies() : BenchOptions.checkPolicies(policies);
        // checked before the header, so a bad list prints only its error
        for (int n : counts) {
            if (n < 1) throw new IllegalArgumentException("--runnable " + n + " is not allowed; allowed: positive task counts");
        }
        System.out.println("bench pick: " + names.size() + " policies x " + counts.length + " sizes, median of "
                + PickBench.RUNS + " runs (noisy on a shared machine)");
        int most = java.util.Arrays.stream(counts).max().orElse(0);
        BenchRun.run(json, () -> {
            try {
                return PickBench.run(names, counts, System.out);
            } catch (OutOfMemoryError e) {
                throw new IllegalArgumentException("--runnable " + most + ": that many tasks do not fit in the JVM's heap (at most "
                        + Main.heapMb() + " MB); give fewer, or more heap: " + Main.MORE_HEAP, e);
            }
        });
        return 0;
    }
}
