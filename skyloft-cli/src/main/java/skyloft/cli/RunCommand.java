package skyloft.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import skyloft.runtime.AppLauncher;

/**
 * {@code skyloft run [OPTIONS] [--] JAVA-ARGS...}: runs an unchanged Java application in a new
 * JVM (this one's JDK) with its virtual threads under a Skyloft policy. The application's main
 * runs in a virtual thread of a {@link skyloft.runtime.SkyloftRuntime} ({@link AppLauncher}), and
 * the Java agent inserts preemption polls into its classes. The exit code is the application's.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a Java application with its virtual threads under a Skyloft policy, unchanged: its main runs in a "
                + "virtual thread of the runtime, so the virtual threads it starts (and they start) do too, and the Java agent "
                + "inserts preemption polls into its classes. Give what follows `java` on its command line: "
                + "[JVM-OPTIONS] MAINCLASS [ARGS...], [JVM-OPTIONS] -jar JAR [ARGS...], [JVM-OPTIONS] [-p MODULEPATH] "
                + "-m MODULE[/MAINCLASS] [ARGS...] or [JVM-OPTIONS] [--source N] FILE.java [ARGS...] (compiled first, as java "
                + "does), with @argfiles expanded as java expands them; put -- before it if it starts "
                + "with a JVM option that could be mistaken for one of ours.",
                "The agent also points the application's Thread.ofVirtual(), Thread.startVirtualThread and "
                + "Executors.newVirtualThreadPerTaskExecutor() at the runtime, so the virtual threads its platform threads start "
                + "run under the policy too. Outside the runtime: platform threads, and virtual threads made inside the JDK from "
                + "a platform thread.",
                "Example: skyloft run --policy rr --param slice=50us --stats -- -Xmx1g -cp app.jar com.acme.Main 8080"})
final class RunCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;

    /** The poll's slow path, kept out of the application's compiled code (see command). */
    static final String SLOW_PATH = "skyloft.runtime.Poll::slowPath";
    @Option(names = "--policy", paramLabel = "P", defaultValue = AppLauncher.DEFAULT_POLICY, description = "Policy (default ${DEFAULT-VALUE}), its parameters in brackets if wanted: rr[slice=20us]; see `skyloft policies`.")
    String policy;

    @Option(names = "--param", paramLabel = "K=V,...", description = "Policy parameters, e.g. slice=50us.")
    String params;

    @Option(names = "--cores", paramLabel = "N", description = "Carriers (default: every core).")
    Integer cores;

    @Option(names = "--timer", paramLabel = "MODE", description = "Timer: poll, sleep, spin or off (default: the runtime's, poll).")
    String timer;

    @Option(names = "--tick", paramLabel = "D", description = "Timer tick, 1us..100ms " + EvalOptions.TICK_DEFAULT + ".")
    String tick;

    @Option(names = "--idle-spin", paramLabel = "D|MIN..MAX", description = "How long an idle carrier spins before it parks, 0..10ms "
            + "(default: the runtime's adaptive 20us..5ms).")
    String idleSpin;

    @Option(names = "--stats", description = "Print the runtime's stats on stderr when the application's JVM exits.")
    boolean stats;

    @Option(names = "--no-pin", description = "Leave the carriers free to run on any CPU (pinned to one each by default). "
            + "Linux gives a new thread its creator's CPU mask; with pinned carriers the agent gives the platform threads that "
            + "tasks start the process's CPUs, but without it (--no-agent) they keep their carrier's one CPU.")
    boolean noPin;

    @Option(names = "--no-agent", description = "Leave the application's classes as they are: no preemption polls, so a task "
            + "that never blocks, yields or calls Skyloft.preemptionPoint() runs until it does.")
    boolean noAgent;

    @Option(names = "--agent-args", paramLabel = "ARGS", description = "Arguments for the Java agent, e.g. "
            + "'include=com.acme.;stride=4' (docs/PREEMPTION.md).")
    String agentArgs;

    @Option(names = "--jfr", paramLabel = "FILE", description = "Record the runtime's JFR events (skyloft.jfc) to FILE, and "
            + "print their scheduling summary, as `skyloft jfr FILE` does, when the application ends. Only the runtime's: with "
            + "the JDK's default events on, a run in which the task itself commits one (a long sleep, park or monitor wait) "
            + "loses its TaskRun event.")
    Path jfr;

    @Option(names = "--dry-run", description = "Print the JVM command line and exit without running it.")
    boolean dryRun;

    @Parameters(paramLabel = "JAVA-ARGS", arity = "1..*", description = "What follows `java` on the application's command line.")
    List<String> javaArgs;

    /**
     * The files the application's command line names, which no output of this command may
     * replace: argument files, and every word (or part of one between ':' or after '=') that is
     * an existing file: its source file, jar, class path jars, and arguments that name files.
     */
    List<Path> inputFiles() {
        if (javaArgs == null) return List.of();
        List<String> words = new ArrayList<>();
        for (String w : javaArgs) {
            if (w.startsWith("@") && !w.startsWith("@@")) words.add(w.substring(1));
        }
        try {
            words.addAll(ArgFiles.expand(javaArgs));
        } catch (RuntimeException unreadable) {
            words.addAll(javaArgs); // the command itself says what is wrong with an argument file
        }
        List<Path> files = new ArrayList<>();
        for (String w : words) {
            for (String part : w.substring(w.indexOf('=') + 1).split(File.pathSeparator)) {
                try {
                    if (!part.isEmpty() && Files.isRegularFile(Path.of(part))) files.add(Path.of(part));
                } catch (java.nio.file.InvalidPathException notAPath) {
                    // an argument that is no path
                }
            }
            try {
                if (w.contains("=") && !w.isEmpty() && Files.isRegularFile(Path.of(w))) files.add(Path.of(w)); // a file name with '=' in it
            } catch (java.nio.file.InvalidPathException notAPath) {
                // the same
            }
        }
        return files;
    }

    @Override
    public Integer call() throws Exception {
        JavaCommand app = JavaCommand.parse(ArgFiles.expand(javaArgs), System.getenv("CLASSPATH"));
        Path compiled = null;
        if (app.fromSource()) {
            checkedConfig(); // every option checked before anything is compiled
            compiled = Files.createTempDirectory("skyloft-run-");
            try {
                app = SourceFiles.compile(app, compiled, new java.io.PrintWriter(System.err, true));
            } catch (SourceFiles.CompilationFailed e) {
                deleteTree(compiled);
                System.err.println("skyloft: " + e.getMessage());
                return 1; // as java's source launcher
            } catch (RuntimeException | IOException e) {
                deleteTree(compiled);
                throw e;
            }
        }
        List<String> cmd = command(app);
        if (dryRun) {
            System.out.println(String.join(" ", cmd.stream().map(RunCommand::quoted).toList()));
            if (compiled != null) System.err.println("skyloft: the source was compiled into " + compiled + ", kept for this command");
            for (Path dir : policyPath.path() == null ? List.<Path>of() : PolicyPath.keepCompiled()) {
                System.err.println("skyloft: --policy-path's compiled sources or list of short-named policy classes are in " + dir
                        + ", kept for this command");
            }
            return 0;
        }
        Path work = compiled;
        if (jfr != null && jfr.toAbsolutePath().getParent() != null) Files.createDirectories(jfr.toAbsolutePath().getParent());
        try {
            // the summary too is printed by whoever sees the application end: this thread, or the
            // shutdown hook when this JVM is being stopped (it would cut this thread's printing short)
            return runApplication(cmd, () -> {
                if (work != null) deleteTree(work);
                if (jfr != null) summarizeRecording();
            });
        } finally {
            if (work != null) deleteTree(work); // also when the JVM could not be started
        }
    }

    /** After the run: the recording's scheduling summary on stderr, or why there is none. */
    private void summarizeRecording() {
        if (!Files.isRegularFile(jfr)) {
            System.err.println("skyloft: --jfr: the application's JVM wrote no recording to " + jfr);
            return;
        }
        try {
            System.err.println("skyloft: the recording " + jfr + " (`skyloft jfr " + jfr + "` prints this again):");
            System.err.print(skyloft.trace.JfrSummary.read(jfr).format());
        } catch (IOException | RuntimeException e) {
            System.err.println("skyloft: --jfr: could not read " + jfr + ": " + e.getMessage());
        }
    }

    /** Deletes {@code dir} and what is in it, as far as it can; says so on stderr when it cannot. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("skyloft: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** Runs the application's JVM to its end and returns its exit code; {@code after} runs once it
     *  has ended, also when this JVM is stopped meanwhile (then in the shutdown hook, before this
     *  JVM exits). */
    private int runApplication(List<String> cmd, Runnable after) throws Exception {
        // SIGTERM to the application when this JVM ends, even by SIGKILL, which no hook sees (not
        // in --dry-run's command: run by hand, its parent is a shell)
        cmd = new ArrayList<>(cmd);
        cmd.add(1, "-D" + AppLauncher.PARENT_PID + "=" + ProcessHandle.current().pid());
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        var afterDone = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable afterOnce = () -> {
            if (afterDone.compareAndSet(false, true)) after.run();
        };
        // Ctrl-C reaches both JVMs; a plain kill of this one must not leave the application
        // running, nor cut its shutdown (and the stats it prints then) short.
        Thread stopper = new Thread(() -> {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            afterOnce.run();
        }, "skyloft-run-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
        int code = p.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            return code; // this JVM is exiting and the hook is running or done: it runs after
        }
        afterOnce.run();
        return code;
    }

    /** The full command line of the application's JVM; checks every option first. */
    List<String> command(JavaCommand app) {
        if (app.fromSource()) throw new IllegalStateException("source file " + app.sourceFile() + " not compiled yet");
        List<Path> policyEntries = policyPath.path() == null ? List.of() : PolicyPath.classPath(policyPath.path());
        AppLauncher.Config config = withClassPath(policyEntries, app.classPath(), this::checkedConfig);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The words below come with their @argfiles expanded: one that starts with @ is a word
        // (from @@WORD, or a file's), not a file for java to read.
        cmd.add("--disable-@files");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // The JVM counts the CPUs of the calling thread's mask, and main and every task run on a
        // carrier pinned to one CPU: fix the count at this process's (a later -XX option wins).
        cmd.add("-XX:ActiveProcessorCount=" + Runtime.getRuntime().availableProcessors());
        // The poll's slow path stays a call: compiled into the application's methods, each of its
        // branches first taken under load would deoptimize them (docs/PREEMPTION.md).
        // At exit the JVM waits up to 300 ms for threads in native code to block: here the JDK's I/O
        // poller, which a runtime starts (VThreads.initJdkPollers) and which sits in epoll_wait. A
        // thread back from native code blocks at the exit's safepoint anyway, so the wait buys
        // nothing but time. (A later -XX option, the application's own, wins.)
        cmd.add("-XX:UserThreadWaitAttemptsAtExit=0");
        cmd.add("-XX:CompileCommand=quiet");
        cmd.add("-XX:CompileCommand=dontinline," + SLOW_PATH);
        if (!noAgent) {
            cmd.add("-javaagent:" + agentJar() + withClassPath(policyEntries, app.classPath(), () -> agentOptions(config)));
            // the agent makes main's platform threads non-daemon, as under java (AppLauncher)
            cmd.add("-D" + AppLauncher.THREAD_RULES_REQUEST + "=true");
        }
        cmd.addAll(config.systemPropertyFlags());
        Path bundled = bundledJfc();
        if (jfr != null) {
            if (bundled == null) throw new IllegalStateException("--jfr: no " + JFC + " beside Skyloft's jars or above them; rebuild the project");
            // the runtime's events alone: a JDK event that a task commits during its run (the
            // default settings' sleeps, parks and monitor waits of 20 ms or more) costs that run its
            // TaskRun event (JfrRecorder), and the summary would miss the run
            // started by the launcher, not -XX:StartFlightRecording, whose lines go to the application's stdout
            cmd.add("-D" + AppLauncher.JFR_FILE + "=" + jfr.toAbsolutePath());
            cmd.add("-D" + AppLauncher.JFR_SETTINGS + "=" + bundled);
        }
        cmd.addAll(bundled == null ? app.jvmOptions() : withBundledJfc(app.jvmOptions(), Path.of(""), bundled));
        if (app.module() != null) {
            // The launcher lives on the class path: resolve the application's module into the
            // boot layer, and open its main class's package to the launcher, which calls main
            // by reflection (the java launcher itself needs no such grant).
            cmd.add("--add-modules");
            cmd.add(app.module());
            int dot = app.mainClass().lastIndexOf('.');
            if (dot > 0) {
                cmd.add("--add-opens");
                cmd.add(app.module() + "/" + app.mainClass().substring(0, dot) + "=ALL-UNNAMED");
            }
        }
        cmd.add("-cp");
        String policyClasses = policyEntries.stream().map(e -> e.toAbsolutePath() + File.pathSeparator).collect(java.util.stream.Collectors.joining());
        cmd.add(app.classPath() + File.pathSeparator + policyClasses + codeSource(AppLauncher.class) + File.pathSeparator
                + codeSource(org.HdrHistogram.Histogram.class));
        cmd.add(AppLauncher.class.getName());
        if (app.module() != null) {
            cmd.add(AppLauncher.MODULE_FLAG);
            cmd.add(app.module() + "/" + app.mainClass());
        } else {
            cmd.add(app.mainClass());
        }
        cmd.addAll(app.appArgs());
        return cmd;
    }

    /**
     * Calls {@code body} with a context class loader that sees {@code --policy-path} and the
     * application's class path, so that a policy class named by its full name is checked here
     * wherever of the two it is, as the application's JVM will find it there. Class path entries
     * that do not exist are left out, as java leaves them out; {@code DIR/*} stands for DIR's jars.
     */
    private static <T> T withClassPath(List<Path> policyEntries, String classPath, java.util.function.Supplier<T> body) {
        List<Path> entries = new ArrayList<>(policyEntries);
        for (String e : classPath == null ? new String[0] : classPath.split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            if (e.equals("*") || e.endsWith(File.separator + "*")) {
                Path dir = Path.of(e.substring(0, e.length() - 1).isEmpty() ? "." : e.substring(0, e.length() - 1));
                try (var jars = Files.list(dir)) {
                    jars.filter(j -> j.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar")).sorted().forEach(entries::add);
                } catch (IOException | java.io.UncheckedIOException notThere) {
                    // java skips it too
                }
            } else if (Files.exists(Path.of(e))) {
                entries.add(Path.of(e));
            }
        }
        return entries.isEmpty() ? body.get() : PolicyPath.withLoader(entries, body);
    }

    /**
     * The agent's options: the user's, and an exclude of each policy class the configuration names
     * (the policy, or apps' lc and be, by full or short name), so that the agent leaves them as it
     * leaves Skyloft's own code: a policy's ops run inside the runtime's scheduling, not in a task.
     * Runs with the application's class path as the context class loader (a short name is looked
     * up there).
     */
    private String agentOptions(AppLauncher.Config config) {
        List<String> classes = new ArrayList<>();
        String outer = skyloft.policy.PolicyRegistry.className(config.policy());
        if (outer != null) classes.add(outer);
        if (config.policy().equals("apps")) {
            for (String side : List.of("lc", "be")) {
                String inner = config.params().get(side);
                String c = inner == null ? null : skyloft.policy.PolicyRegistry.className(inner);
                if (c != null) classes.add(c);
            }
        }
        List<String> parts = new ArrayList<>();
        if (agentArgs != null && !agentArgs.isBlank()) parts.add(agentArgs);
        if (!classes.isEmpty()) parts.add("exclude=" + String.join(",", classes));
        return parts.isEmpty() ? "" : "=" + String.join(";", parts);
    }

    /** The launcher's configuration from this command's options, every option checked. */
    private AppLauncher.Config checkedConfig() {
        Properties props = new Properties();
        props.setProperty("skyloft.policy", policy);
        if (params != null) props.setProperty("skyloft.params", params);
        if (cores != null) props.setProperty("skyloft.cores", Integer.toString(cores));
        if (timer != null) props.setProperty("skyloft.timer", timer);
        if (tick != null) props.setProperty("skyloft.tick", tick);
        if (idleSpin != null) props.setProperty("skyloft.idleSpin", idleSpin);
        if (stats) props.setProperty("skyloft.stats", "true");
        if (noPin) props.setProperty("skyloft.pin", "false");
        AppLauncher.Config config;
        try {
            config = AppLauncher.Config.from(props);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(optionNames(e.getMessage()), e);
        }
        if (noAgent && agentArgs != null) throw new IllegalArgumentException("--agent-args was given with --no-agent; give one or the other");
        if (agentArgs != null) {
            try {
                skyloft.agent.AgentConfig.parse(agentArgs); // here, not in the JVM's agent start-up, which aborts the JVM
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--agent-args: " + e.getMessage(), e);
            }
        }
        return config;
    }

    /** The launcher's properties this command sets from its options, by option. */
    private static final Map<String, String> OPTION_OF = Map.of("skyloft.policy", "--policy", "skyloft.params", "--param",
            "skyloft.cores", "--cores", "skyloft.timer", "--timer", "skyloft.tick", "--tick", "skyloft.idleSpin", "--idle-spin",
            "skyloft.stats", "--stats", "skyloft.pin", "--no-pin");

    /** The launcher's message about a property, naming the option that set it instead ("skyloft.cores '99'" -> "--cores '99'"). */
    static String optionNames(String message) {
        for (var e : OPTION_OF.entrySet()) {
            if (message.startsWith(e.getKey() + " ") || message.startsWith(e.getKey() + ":")) return e.getValue() + message.substring(e.getKey().length());
        }
        return message.replace("in skyloft.params (", "in --param ("); // a parameter given in --policy's brackets and --param
    }

    /** The agent's jar: where this JVM loaded {@code skyloft.agent.PollAgent} from. */
    static Path agentJar() {
        Path p = codeSource(skyloft.agent.PollAgent.class);
        if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
            throw new IllegalStateException("the Java agent is not built as a jar (found " + p + "); build the project with "
                    + "`mvn package`, or run without preemption polls with --no-agent");
        }
        return p;
    }

    /** The JFR settings file that turns on the runtime's events (the repository's, copied beside the jars by the build). */
    static final String JFC = "skyloft.jfc";

    /** The settings file: beside skyloft-core's jar (where the build copies it), else in the
     *  nearest directory above it that has one (the repository's root, when run from its
     *  build directories); null if neither. */
    static Path bundledJfc() {
        for (Path d = codeSource(AppLauncher.class).toAbsolutePath().getParent(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(JFC))) return d.resolve(JFC);
        }
        return null;
    }

    /**
     * The JVM options with each {@code settings=skyloft.jfc} of a {@code -XX:StartFlightRecording}
     * pointed at {@code bundled} when {@code cwd} has no such file (the JVM would read it from
     * there and fail), so that the documented option works from any directory. A file the user
     * has there, or no bundled copy, leaves the options as they are.
     */
    static List<String> withBundledJfc(List<String> options, Path cwd, Path bundled) {
        if (Files.exists(cwd.resolve(JFC)) || !Files.isRegularFile(bundled)) return options;
        List<String> out = new ArrayList<>(options.size());
        for (String o : options) {
            String prefix = o.startsWith("-XX:StartFlightRecording:") || o.startsWith("-XX:StartFlightRecording=")
                    ? o.substring(0, "-XX:StartFlightRecording:".length()) : null;
            if (prefix == null) {
                out.add(o);
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (String kv : o.substring(prefix.length()).split(",", -1)) {
                parts.add(kv.equals("settings=" + JFC) ? "settings=" + bundled.toAbsolutePath() : kv);
            }
            out.add(prefix + String.join(",", parts));
        }
        return out;
    }

    static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot tell where " + c.getName() + " was loaded from: " + e);
        }
    }

    private static String quoted(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
