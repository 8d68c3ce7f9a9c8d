package skyloft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Demo;
import skyloft.bench.Sut;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The headline run, about two minutes on 2 cores, with an HTML report.",
                "Short schbench, lc (bimodal), co-location (lc beside batch hogs), pipe and ops, each against jdk-default and platform threads in the same "
                + "run; prints the headline ratios against the targets and writes the report to --out (index.html, with "
                + "the JSON rows beside it)."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;

    @Option(names = "--cores", paramLabel = "N", description = "CPUs for every system (default: every core, at most 2).")
    Integer cores;

    @Option(names = "--out", defaultValue = "skyloft-report", paramLabel = "DIR", description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--policies", split = ",(?![^\\[]*\\])", splitSynopsisLabel = ",", preprocessor = ListOptions.Entries.class, paramLabel = "P,...",
            description = "Skyloft policies to put beside the baselines in every part, each perhaps with parameters: "
                    + "rr[slice=30us],cfs[latency=6ms,min_granularity=750us] (default: each benchmark's own list).")
    java.util.List<String> policies;

    @Option(names = "--stats", description = "Print the runtime's stats after each Skyloft system.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        int max = Runtime.getRuntime().availableProcessors();
        int n = cores != null ? cores : Math.min(2, max);
        if (n < 1 || n > max) throw new IllegalArgumentException("--cores " + n + " is out of range; this machine allows 1.." + max);
        Demo.Plan plan = Demo.demo(n, Sut.RuntimeConfig.DEFAULT, stats);
        if (policies != null && !policies.isEmpty()) plan = Demo.withPolicies(plan, BenchOptions.checkPolicies(policies));
        Demo.Plan p = plan;
        BenchRun.runAll(out, () -> Demo.run(p, out, "Skyloft-J demo: headline figures", System.out));
        return 0;
    }
}
