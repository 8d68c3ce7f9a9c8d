package skyloft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.SpawnBench;

@Command(name = "spawn", mixinStandardHelpOptions = true,
        description = "Start + join one thread at a time: ns per spawn per policy, beside jdk-default (parallelism 1), platform threads, and bare continuations.")
final class BenchSpawnCommand implements Callable<Integer> {
    @Mixin
    BenchOptions opts;

    @Option(names = "--spawns", paramLabel = "N", defaultValue = "100000", description = "Spawns per run (default ${DEFAULT-VALUE}; platform threads do 1/20 of it).")
    int spawns;

    @Override
    public Integer call() throws Exception {
        opts.check();
        if (spawns < 20 || spawns > 100_000_000) {
            throw new IllegalArgumentException("--spawns " + spawns + " is out of range; allowed 20..100000000");
        }
        var o = new SpawnBench.Options(opts.policies(), spawns, opts.warmup, opts.runs, opts.timerMode(), opts.stats);
        BenchRun.run(opts.json, () -> SpawnBench.run(o));
        return 0;
    }
}
