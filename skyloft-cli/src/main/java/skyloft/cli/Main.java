package skyloft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code skyloft demo | bench NAME | sim FILE | trace | run | policies}. */
@Command(name = "skyloft", mixinStandardHelpOptions = true, version = "Skyloft-J 0.1.0",
        description = "User-space scheduling for Java virtual threads: policies, preemption, simulator, benchmarks.",
        subcommands = {DemoCommand.class, PoliciesCommand.class, BenchCommand.class, SimCommand.class, TraceCommand.class, RunCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: bad input and unwritable outputs print
     *  {@code skyloft: MESSAGE} and exit 2, before anything runs. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // picocli would expand every @FILE by its own rules, an application's arguments too;
        // run expands the java command line's @argfiles as java does (ArgFiles), and nothing else
        // takes them
        cl.setExpandAtFiles(false);
        // run: everything from the first word that is not one of its options is the application's java command line
        cl.getSubcommands().get("run").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
                line.getErr().println("skyloft: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        cl.setExecutionStrategy(parsed -> {
            try {
                OutputPaths.check(parsed);
            } catch (IllegalArgumentException e) {
                cl.getErr().println("skyloft: " + e.getMessage());
                return 2;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }
}
