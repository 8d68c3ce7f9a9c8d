package skyloft.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import skyloft.bench.Demo;
import skyloft.policy.PolicyRegistry;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The runtime at work: every policy, jdk-default and platform threads on the same mixed workload (CPU hogs + short requests), as one table.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--cores", description = "Carriers (default: every core, at most 2).")
    Integer cores;

    @Option(names = "--policies", split = ",", paramLabel = "P,...", description = "Policies to run (default: all registered).")
    List<String> policies;

    @Option(names = "--stats", description = "Print the runtime's per-CPU and per-task counters after each policy.")
    boolean stats;

    @Override
    public Integer call() {
        int max = Runtime.getRuntime().availableProcessors();
        int n = cores != null ? cores : Math.min(2, max);
        if (n < 1 || n > max) throw new IllegalArgumentException("--cores " + n + " is out of range; this machine allows 1.." + max);
        List<String> ps = policies == null || policies.isEmpty() ? PolicyRegistry.names() : policies;
        for (String p : ps) PolicyRegistry.info(p);
        var o = new Demo.Options(ps, n, 300, 1500, 5000, 10, stats);
        Demo.print(o, Demo.run(o, System.out), System.out);
        return 0;
    }
}
