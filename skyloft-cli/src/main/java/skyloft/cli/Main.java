package skyloft.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import skyloft.bench.AtomicFiles;

/** {@code skyloft demo | bench NAME | sim FILE | trace | run | jfr FILE | policies | report DIR}. */
@Command(name = "skyloft", mixinStandardHelpOptions = true, version = "Skyloft-J 0.1.0",
        description = "User-space scheduling for Java virtual threads: policies, preemption, simulator, benchmarks.",
        footer = {"", "The ./skyloft launcher also takes 'test': the project's whole test suite (mvn verify; Maven's options follow it).",
                "Each command's options: skyloft COMMAND --help."},
        subcommands = {DemoCommand.class, PoliciesCommand.class, BenchCommand.class, SimCommand.class, TraceCommand.class, RunCommand.class,
                JfrCommand.class, ReportCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: bad input and unwritable outputs print
     *  {@code skyloft: MESSAGE} and exit 2, before anything runs (a bad option, with where its
     *  usage is); so does an output that fails to be written after the run. A command runs with
     *  its {@code --policy-path} as its thread's context class loader (PolicyPath). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // picocli would expand every @FILE by its own rules, an application's arguments too;
        // run expands the java command line's @argfiles as java does (ArgFiles), and nothing else
        // takes them
        cl.setExpandAtFiles(false);
        // -V on a subcommand: the same version as the top command's (picocli would print its own, empty)
        versionEverywhere(cl, cl.getCommandSpec().version());
        // each benchmark's own defaults for the options they share, in their --help
        EvalOptions.showDefaults(cl);
        // run: everything from the first word that is not one of its options is the application's java command line
        cl.getSubcommands().get("run").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        // a bad option value: its one-line error and where the usage is, not the whole usage
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            CommandLine.Model.CommandSpec where = ex.getCommandLine().getCommandSpec();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !where.subcommands().isEmpty()
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
                // a word where a command goes: not a stray argument, an unknown command
                String parent = where.parent() == null ? "" : where.qualifiedName().substring(where.root().name().length() + 1) + ": ";
                err.println("skyloft: " + parent + "unknown command '" + u.getUnmatched().getFirst() + "'; allowed: "
                        + String.join(", ", where.subcommands().keySet()));
            } else {
                err.println("skyloft: " + ex.getMessage());
            }
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String msg = errorMessage(ex);
            if (msg == null) throw ex;
            line.getErr().println("skyloft: " + msg);
            return 2;
        });
        cl.setExecutionStrategy(parsed -> {
            try {
                OutputPaths.check(parsed);
                ListOptions.checkDistinct(parsed);
                String policyPath = PolicyPath.given(parsed);
                if (policyPath != null) PolicyPath.classPath(policyPath); // .java files compile here
            } catch (IllegalArgumentException e) {
                cl.getErr().println("skyloft: " + e.getMessage());
                return 2;
            }
            try {
                // policy classes named by their full name load from --policy-path, if given
                return PolicyPath.run(parsed, () -> new CommandLine.RunLast().execute(parsed));
            } catch (OutOfMemoryError e) {
                cl.getErr().println("skyloft: out of memory: " + outOfMemory());
                return 2;
            }
        });
        return cl;
    }

    private static void versionEverywhere(CommandLine cl, String[] version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().version(version);
            versionEverywhere(sub, version);
        }
    }

    /** How to give the launcher's JVM more heap. */
    static final String MORE_HEAP = "SKYLOFT_JAVA_OPTS=-Xmx8g ./skyloft ...";

    /** The JVM's heap, at most, in MB. */
    static long heapMb() {
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    /** What to do when the heap is too small for what a command was asked to do. */
    static String outOfMemory() {
        return "the JVM's heap (at most " + heapMb() + " MB) cannot hold what was asked for; ask for less, or give it more heap: " + MORE_HEAP;
    }

    /** The one line a command's failure prints: bad input, or an I/O failure naming the path and
     *  the reason; null for anything else (a bug, whose stack trace is wanted). */
    static String errorMessage(Exception ex) {
        if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) return ex.getMessage();
        if (ex instanceof IOException io) return AtomicFiles.describe(io);
        if (ex instanceof UncheckedIOException u) return AtomicFiles.describe(u.getCause());
        return null;
    }
}
