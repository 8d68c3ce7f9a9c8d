package skyloft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code skyloft bench NAME}: each benchmark is a subcommand; every one takes {@code --json FILE}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark with its baselines (jdk-default, platform, continuation) in the same run.",
        subcommands = {BenchYieldCommand.class, BenchSpawnCommand.class, BenchPollOverheadCommand.class, BenchRewriteCommand.class, BenchPreemptCommand.class,
                BenchPickCommand.class, BenchSchbenchCommand.class, BenchLcCommand.class, BenchPipeCommand.class, BenchOpsCommand.class,
                BenchCapacityCommand.class,
                BenchAllCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a benchmark: which there are, and exit 2 (bad input), not a run that did nothing. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "bench needs a benchmark; allowed: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
