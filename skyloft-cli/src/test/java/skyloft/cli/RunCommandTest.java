package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `skyloft run`: its command line, its errors, and an application run under it in a new JVM. */
class RunCommandTest {

    /** Parses {@code args} the way {@code skyloft run ARGS} does and returns the command. */
    private static RunCommand parsed(String... args) {
        CommandLine cl = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        return cl.getSubcommands().get("run").getCommand();
    }

    private static List<String> command(String... args) {
        RunCommand r = parsed(args);
        return r.command(JavaCommand.parse(r.javaArgs, null));
    }

    @Test
    void minusMinusPolicyTakesParametersInBracketsWhichJoinMinusMinusParam() {
        List<String> cmd = command("--policy", "eevdf[slice=20us]", "--param", "sleeplag=decay", "-cp", "app.jar", "Main");
        assertTrue(cmd.contains("-Dskyloft.policy=eevdf") && cmd.contains("-Dskyloft.params=slice=20us,sleeplag=decay"), cmd.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> command("--policy", "rr[slice=20us]", "--param", "slice=30us", "Main"));
        assertEquals("policy parameter 'slice' is given in rr[slice=20us] and in --param (slice=30us); allowed each parameter once", e.getMessage());
    }

    @Test
    void theApplicationsCommandLineFollowsOurOptionsWithOrWithoutDoubleDash() {
        for (List<String> cmd : List.of(
                command("--policy", "eevdf", "--param", "slice=20us", "--cores", "1", "-Xmx64m", "-cp", "app.jar", "com.acme.Main", "--stats"),
                command("--policy", "eevdf", "--param", "slice=20us", "--cores", "1", "--", "-Xmx64m", "-cp", "app.jar", "com.acme.Main", "--stats"))) {
            int launcher = cmd.indexOf("skyloft.runtime.AppLauncher");
            assertTrue(launcher > 0, cmd.toString());
            assertEquals(List.of("com.acme.Main", "--stats"), cmd.subList(launcher + 1, cmd.size()),
                    "the application's own --stats is its argument, not ours");
            assertTrue(cmd.contains("-Dskyloft.policy=eevdf") && cmd.contains("-Dskyloft.params=slice=20us") && cmd.contains("-Dskyloft.cores=1"), cmd.toString());
            assertTrue(!cmd.contains("-Dskyloft.stats=true"), cmd.toString());
            assertTrue(cmd.contains("-Xmx64m") && cmd.contains("--enable-native-access=ALL-UNNAMED"), cmd.toString());
            int quiet = cmd.indexOf("-XX:CompileCommand=quiet"), dontInline = cmd.indexOf("-XX:CompileCommand=dontinline,skyloft.runtime.Poll::slowPath");
            assertTrue(quiet > 0 && dontInline > quiet, "the slow path stays a call, and the JVM does not echo it on the application's stdout: " + cmd);
            int noExitWait = cmd.indexOf("-XX:UserThreadWaitAttemptsAtExit=0");
            assertTrue(noExitWait > 0 && noExitWait < cmd.indexOf("-Xmx64m"),
                    "no 300-ms wait at exit for the JDK's poller in epoll_wait, unless the application's own option says otherwise: " + cmd);
            assertTrue(cmd.get(0).endsWith(File.separator + "java"), cmd.get(0));
            String cp = cmd.get(cmd.indexOf("-cp") + 1);
            assertTrue(cp.startsWith("app.jar" + File.pathSeparator), "the application's classes come first: " + cp);
            assertTrue(cmd.stream().anyMatch(s -> s.startsWith("-javaagent:") && s.endsWith("skyloft-agent.jar")), cmd.toString());
        }
        List<String> cmd = command("--no-agent", "--stats", "Main");
        assertTrue(cmd.stream().noneMatch(s -> s.startsWith("-javaagent:")), cmd.toString());
        assertTrue(cmd.contains("-Dskyloft.stats=true") && cmd.contains("-Dskyloft.policy=rr"), cmd.toString());
        cmd = command("--agent-args", "include=com.acme.;stride=4", "Main");
        assertTrue(cmd.stream().anyMatch(s -> s.startsWith("-javaagent:") && s.endsWith("skyloft-agent.jar=include=com.acme.;stride=4")), cmd.toString());
    }

    @Test
    void theSlowPathKeptOutOfCompiledCodeIsPollsOwn() throws Exception {
        String[] m = RunCommand.SLOW_PATH.split("::");
        Class<?> poll = Class.forName(m[0]);
        assertEquals(void.class, poll.getDeclaredMethod(m[1]).getReturnType(), "a rename would leave the directive naming nothing");
    }

    @Test
    void argfilesAreExpandedAsJavaDoesAndTheApplicationsArgumentsAreLeftAlone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("app.args");
        Files.writeString(f, "-Xmx64m -cp app.jar # from an IDE\ncom.acme.Main \"two words\"\n");
        RunCommand r = parsed("--policy", "fifo", "@" + f, "@" + f);
        assertEquals(List.of("@" + f, "@" + f), r.javaArgs, "picocli must not expand them by its own rules");
        List<String> cmd = r.command(JavaCommand.parse(ArgFiles.expand(r.javaArgs), null));
        assertEquals("--disable-@files", cmd.get(1), "what reaches the JVM is expanded already");
        assertTrue(cmd.contains("-Xmx64m") && cmd.get(cmd.indexOf("-cp") + 1).startsWith("app.jar" + File.pathSeparator), cmd.toString());
        int launcher = cmd.indexOf("skyloft.runtime.AppLauncher");
        assertEquals(List.of("com.acme.Main", "two words", "@" + f), cmd.subList(launcher + 1, cmd.size()),
                "an @word after the main class is the application's argument");
    }

    @Test
    void theBundledJfcStandsInForSkyloftJfcWhereTheCurrentDirectoryHasNone(@TempDir Path dir) throws Exception {
        Path bundled = Files.writeString(dir.resolve("lib-skyloft.jfc"), "<configuration/>");
        Path cwd = Files.createDirectories(dir.resolve("app"));
        List<String> options = List.of("-Xmx1g", "-XX:StartFlightRecording:filename=a.jfr,settings=default,settings=skyloft.jfc",
                "-XX:StartFlightRecording=settings=skyloft.jfc", "-XX:StartFlightRecording:settings=my.jfc", "-Dsettings=skyloft.jfc");
        assertEquals(List.of("-Xmx1g", "-XX:StartFlightRecording:filename=a.jfr,settings=default,settings=" + bundled.toAbsolutePath(),
                "-XX:StartFlightRecording=settings=" + bundled.toAbsolutePath(), "-XX:StartFlightRecording:settings=my.jfc",
                "-Dsettings=skyloft.jfc"), RunCommand.withBundledJfc(options, cwd, bundled));
        assertEquals(options, RunCommand.withBundledJfc(options, cwd, dir.resolve("none.jfc")), "no bundled copy: left as given");
        Files.writeString(cwd.resolve("skyloft.jfc"), "<configuration/>");
        assertEquals(options, RunCommand.withBundledJfc(options, cwd, bundled), "the user's own skyloft.jfc is the one the JVM reads");
    }

    @Test
    void badOptionsFailBeforeAnyJvmStartsNamingTheValue() {
        String[][] cases = {
                {"'nosuch'", "--policy", "nosuch", "Main"},
                {"'quantum'", "--policy", "rr", "--param", "quantum=1us", "Main"},
                {"--cores '0'", "--cores", "0", "Main"},
                {"--cores '99'", "--cores", "99", "Main"},
                {"--timer: 'fast'", "--timer", "fast", "Main"},
                {"--tick: 1ns is out of range", "--tick", "1ns", "Main"},
                {"--idle-spin: 20ms is out of range", "--idle-spin", "20ms", "Main"},
                {"--no-agent", "--no-agent", "--agent-args", "verbose", "Main"},
                {"--agent-args: agent argument stride: '0'", "--agent-args", "stride=0", "Main"},
                {"--agent-args: unknown agent argument 'bogus'", "--agent-args", "bogus", "Main"},
                {"no main class", "--", "-Xmx1g"},
        };
        for (String[] c : cases) {
            RunCommand r = parsed(java.util.Arrays.copyOfRange(c, 1, c.length));
            var e = assertThrows(IllegalArgumentException.class, () -> r.command(JavaCommand.parse(r.javaArgs, null)), List.of(c).toString());
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
        }
        assertThrows(CommandLine.MissingParameterException.class, () -> parsed("--policy", "rr"), "no application at all");
    }

    /** Runs {@code skyloft run ARGS -- -cp TEST-CLASSES runtest.Interleave CODE DEADLINE-MS} in a new JVM. */
    private static Result run(Path dir, List<String> options, int code, int deadlineMs) throws Exception {
        return run(dir, options, "runtest.Interleave", Integer.toString(code), Integer.toString(deadlineMs));
    }

    /** Runs {@code skyloft run OPTIONS -- -cp TEST-CLASSES MAIN APP-ARGS} in a new JVM. */
    private static Result run(Path dir, List<String> options, String main, String... appArgs) throws Exception {
        String classes = Path.of(runtest.Interleave.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> javaArgs = new java.util.ArrayList<>(List.of("-cp", classes, main));
        javaArgs.addAll(List.of(appArgs));
        return runJava(dir, options, javaArgs);
    }

    /** Runs {@code skyloft run OPTIONS -- JAVA-ARGS} in a new JVM. */
    private static Result runJava(Path dir, List<String> options, List<String> javaArgs) throws Exception {
        List<String> args = new java.util.ArrayList<>(options);
        args.add("--");
        args.addAll(javaArgs);
        return runProcess(dir, command(args.toArray(String[]::new)), 90);
    }

    /** This JVM's java. */
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** Runs {@code cmd} to its end, its output in files of {@code dir}; fails the test (and kills it) after {@code seconds}. */
    private static Result runProcess(Path dir, List<String> cmd, int seconds) throws Exception {
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        Result r = new Result(done ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        assertTrue(done, cmd.getFirst() + " did not finish in " + seconds + " s; " + r);
        return r;
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUnchangedApplicationRunsUnderThePolicyAndTheAgentsPollsPreemptIt(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of("--cores", "1", "--policy", "rr", "--param", "slice=1ms", "--stats"), 3, 20_000);
        assertEquals(3, r.exit(), "the application's exit code; " + r);
        assertTrue(r.out().contains("main.virtual=true main.name=main"), r.toString());
        assertTrue(!r.out().contains("CompileCommand"), "our JIT directive is not echoed into the application's output; " + r);
        assertTrue(r.out().matches("(?s).*main\\.thread=VirtualThread\\[#\\d+,main\\]/runnable@skyloft-carrier-0\\R.*"), r.toString());
        assertTrue(r.out().matches("(?s).*child\\.thread=VirtualThread\\[#\\d+\\]/runnable@skyloft-carrier-0\\R.*"),
                "a virtual thread started by main runs on the runtime's carrier; " + r);
        assertTrue(r.out().contains("interleaved=true"), "two spinning threads took turns on one carrier; " + r);
        assertTrue(r.err().contains("skyloft stats: policy rr[slice=1ms], 1 carrier(s)"), "--stats prints at exit, System.exit included, "
                + "with the policy's parameters; " + r);
        assertTrue(r.err().matches("(?s).*skyloft-agent: classes transformed=[1-9]\\d*.*rewriting took [0-9.]+ ms.*"),
                "--stats adds the agent's summary; " + r);
        assertTrue(r.out().matches("(?s).*platform\\.child\\.thread=VirtualThread\\[#\\d+\\]/runnable@skyloft-carrier-0\\R.*"),
                "a virtual thread started by a platform thread runs on the runtime's carrier too (the agent redirects Thread.ofVirtual); " + r);
        assertTrue(r.err().contains("adopted_threads=3"), "main's two threads and the platform thread's one were adopted; " + r);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPolicyClassOnThePolicyPathRunsTheApplication(@TempDir Path dir) throws Exception {
        Path lottery = PolicyPathTest.lottery(dir);
        // the agent leaves the policy class alone, as it leaves Skyloft's own code
        String agent = command("--policy-path", lottery.toString(), "--policy", "example.Lottery", "--agent-args", "verbose", "Main").stream()
                .filter(w -> w.startsWith("-javaagent:")).findFirst().orElseThrow();
        assertTrue(agent.endsWith("=verbose;exclude=example.Lottery"), agent);
        agent = command("--policy-path", lottery.toString(), "--policy", "apps", "--param", "lc=example.Lottery,be=fifo", "Main").stream()
                .filter(w -> w.startsWith("-javaagent:")).findFirst().orElseThrow();
        assertTrue(agent.endsWith("skyloft-agent.jar=exclude=example.Lottery"), agent);
        // by its short name: the class's full name all the same
        for (List<String> policy : List.of(List.of("--policy", "lottery"), List.of("--policy", "apps", "--param", "lc=lottery"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--policy-path", lottery.toString()));
            args.addAll(policy);
            args.add("Main");
            agent = command(args.toArray(String[]::new)).stream().filter(w -> w.startsWith("-javaagent:")).findFirst().orElseThrow();
            assertTrue(agent.endsWith("skyloft-agent.jar=exclude=example.Lottery"), policy + ": " + agent);
        }
        // the source file itself: compiled by the command, on the application's class path while it runs
        Result r = run(dir, List.of("--cores", "1", "--policy-path", PolicyPathTest.lotterySource().toString(), "--policy", "example.Lottery",
                "--param", "slice=1ms", "--stats"), 3, 20_000);
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("interleaved=true"), "the class's slice preempts the spinning threads in turn; " + r);
        assertTrue(r.err().contains("skyloft stats: policy lottery[slice=1ms], 1 carrier(s)"), r.toString());
        // on the application's -cp instead of --policy-path: checked here, then found there too
        Result onCp = runJava(dir, List.of("--cores", "1", "--policy", "example.Lottery"), List.of("-cp",
                lottery + File.pathSeparator + Path.of(runtest.Interleave.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                "runtest.Interleave", "0", "300"));
        assertEquals(0, onCp.exit(), onCp.toString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withoutTheAgentNothingPreemptsASpinningThread(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of("--cores", "1", "--no-agent"), 0, 300);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("interleaved=false"), "one carrier, no polls: the first thread spins to its deadline alone; " + r);
        assertTrue(r.out().matches("(?s).*platform\\.child\\.thread=VirtualThread\\[#\\d+\\]/runnable@ForkJoinPool.*"),
                "without the agent a platform thread's virtual thread uses the JDK's scheduler; " + r);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void platformThreadsThatMainStartsKeepTheJvmAliveAsUnderJava(@TempDir Path dir) throws Exception {
        // the reference: plain java, in a JVM of its own
        String classes = Path.of(runtest.MainsThreads.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String javaOut = runProcess(dir, List.of(JAVA, "-cp", classes, "runtest.MainsThreads"), 90).out();
        List<String> expected = List.of("virtual.threads.platform.daemon=true", "main.returns", "late.writer.done daemon=false");
        assertEquals(expected, javaOut.lines().toList(), "java itself");

        Result r = run(dir, List.of("--cores", "1"), "runtest.MainsThreads");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected, r.out().lines().toList(), "the same lines as under java: main's thread held the JVM, the daemon did not; " + r);
        assertTrue(!r.err().contains("main returned while"), "nothing to warn about; " + r);

        // without the agent the rule is not applied: main's thread is a daemon, and the launcher says so
        r = run(dir, List.of("--cores", "1", "--no-agent"), "runtest.MainsThreads");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(!r.out().contains("late.writer.done"), r.toString());
        assertTrue(r.err().contains("main returned while 2 platform thread(s)") && r.err().contains("late-writer"), r.toString());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aJarsLauncherAgentStartsBeforeMainWithItsOwnCapabilitiesAsUnderJavaMinusJar(@TempDir Path dir) throws Exception {
        Path classes = Path.of(runtest.LaunchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path manifest = Files.writeString(dir.resolve("MANIFEST.MF"), "Launcher-Agent-Class: runtest.LaunchAgent$Agent\n");
        Path jarFile = dir.resolve("agent-app.jar");
        var jar = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        assertEquals(0, jar.run(System.out, System.err, "--create", "--file", jarFile.toString(), "--manifest", manifest.toString(),
                "--main-class", "runtest.LaunchAgent", "-C", classes.toString(), "runtest/LaunchAgent.class", "-C", classes.toString(), "runtest/LaunchAgent$Agent.class"), "jar");

        String javaOut = runProcess(dir, List.of(JAVA, "-jar", jarFile.toString(), "x", "y"), 90).out();
        // The agent runs on the JVM's main thread before the main class is loaded. The manifest
        // asks for no retransformation, so its Instrumentation has none, though skyloft's own
        // agent, in the same JVM under skyloft run, has it.
        List<String> expected = List.of("agent.args='' retransform=false redefine=false platform=true main.loaded=false", "main.args=x,y");
        assertEquals(expected, javaOut.lines().toList(), "java itself");

        for (List<String> options : List.of(List.of("--cores", "1"), List.of("--cores", "1", "--no-agent"))) {
            Result r = runJava(dir, options, List.of("-jar", jarFile.toString(), "x", "y"));
            assertEquals(0, r.exit(), r.toString());
            assertEquals(expected, r.out().lines().toList(), options + ": the same lines as under java -jar; " + r);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSourceFileIsCompiledRunUnderThePolicyAndItsClassesRemovedAfter(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path app = Files.writeString(dir.resolve("Hello.java"), """
                void main(String[] args) throws Exception {
                    Thread t = Thread.ofVirtual().start(() -> IO.println("child " + Thread.currentThread()));
                    t.join();
                    IO.println("args " + String.join(",", args));
                }
                """);
        Result r = cli(dir, tmp, "run", "--cores", "1", "--", app.toString(), "x", "y");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s)child VirtualThread\\[#\\d+\\]/runnable@skyloft-carrier-0\\Rargs x,y\\R"), r.toString());
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the compiled classes are gone once the application ended");
        }

        Files.writeString(app, "void main() { int x = \"s\"; }\n");
        r = cli(dir, tmp, "run", "--", app.toString());
        assertEquals(1, r.exit(), "as java's source launcher; " + r);
        assertTrue(r.err().contains("incompatible types") && r.err().contains("skyloft: compiling " + app + " failed"), r.toString());
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void minusMinusJfrRecordsTheRunAndPrintsItsSchedulingSummary(@TempDir Path dir) throws Exception {
        String classes = Path.of(runtest.Interleave.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path rec = dir.resolve("recs/run.jfr"); // its directory does not exist yet
        Result r = cli(dir, Files.createDirectories(dir.resolve("tmp")), "run", "--cores", "1", "--jfr", rec.toString(), "--",
                "-cp", classes, "runtest.Interleave", "0", "300");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.size(rec) > 0, "the recording was written");
        assertTrue(r.err().contains("skyloft: the recording " + rec) && r.err().contains("task runs, by why they stopped")
                && r.err().contains("queue waits, from an enqueue to the task's next run"), r.toString());
        List<String> cmd = command("--jfr", rec.toString(), "--", "-cp", "app.jar", "Main");
        assertTrue(cmd.contains("-D" + skyloft.runtime.AppLauncher.JFR_FILE + "=" + rec.toAbsolutePath())
                && cmd.stream().anyMatch(o -> o.startsWith("-D" + skyloft.runtime.AppLauncher.JFR_SETTINGS + "=/") && o.endsWith("skyloft.jfc"))
                && cmd.stream().noneMatch(o -> o.startsWith("-XX:StartFlightRecording")), "the runtime's events alone, started by the launcher; " + cmd);
        assertTrue(r.out().lines().noneMatch(l -> l.contains("jfr,startup") || l.contains("Started recording")),
                "the application's stdout is its own; " + r);
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void minusMinusJfrStoppedByAKillStillPrintsTheWholeSummary(@TempDir Path dir) throws Exception {
        String classes = Path.of(runtest.Sleeper.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path rec = dir.resolve("run.jfr");
        List<String> cmd = new java.util.ArrayList<>(List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--cores", "1", "--jfr", rec.toString(), "--", "-cp", classes, "runtest.Sleeper"));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try {
            ChildLines out = new ChildLines(p.getInputStream(), 150);
            for (String line; (line = out.next()) != null; ) {
                if (line.equals("ready")) { // SIGTERM to skyloft run's JVM alone; it stops the application's
                    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor(), "kill -TERM");
                }
            }
        } finally {
            if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        String text = Files.readString(err);
        assertEquals(143, p.exitValue(), text);
        assertTrue(Files.size(rec) > 0, "the application's JVM wrote its recording as it stopped; " + text);
        assertTrue(text.contains("skyloft: the recording " + rec) && text.contains("task runs, by why they stopped")
                && text.contains("queue waits, from an enqueue to the task's next run"), "the summary, whole; " + text);
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void aSigkillOfSkyloftRunEndsTheApplicationToo(@TempDir Path dir) throws Exception {
        String classes = Path.of(runtest.Sleeper.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--cores", "1", "--", "-cp", classes, "runtest.Sleeper", "150");
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile()).start();
        ProcessHandle app = null;
        try {
            ChildLines out = new ChildLines(p.getInputStream(), 90);
            for (String line; (line = out.next()) != null; ) {
                if (line.equals("ready")) {
                    app = p.children().findFirst().orElseThrow();
                    p.destroyForcibly(); // SIGKILL: no shutdown hook of skyloft run's JVM runs
                    break;
                }
            }
            assertNotNull(app, "the application printed ready; " + Files.readString(dir.resolve("err.txt")));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "skyloft run's JVM was killed");
            try {
                app.onExit().get(60, TimeUnit.SECONDS); // it would sleep on for 150 s
            } catch (java.util.concurrent.TimeoutException e) {
                fail("the application (pid " + app.pid() + ") still ran 60 s after skyloft run was killed");
            }
        } finally {
            p.destroyForcibly();
            if (app != null) app.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anApplicationWhoseSkyloftRunHasAlreadyEndedDoesNotStart(@TempDir Path dir) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(command("--cores", "1", "--", "-cp", "no-such-dir", "NoSuchMain"));
        cmd.add(1, "-D" + skyloft.runtime.AppLauncher.PARENT_PID + "=1"); // init is no JVM's parent here
        Result r = runProcess(dir, cmd, 90);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("skyloft: skyloft run (pid 1) ended before the application started; not starting it"), r.toString());
        cmd.set(1, "-D" + skyloft.runtime.AppLauncher.PARENT_PID + "=one");
        r = runProcess(dir, cmd, 90);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("skyloft: skyloft.launcher.parentPid 'one' is not a process id"), r.toString());
    }

    /** Runs this module's command line, {@code skyloft ARGS}, in a JVM of its own with {@code tmp} for its temporary files. */
    private static Result cli(Path dir, Path tmp, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(JAVA, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return runProcess(dir, cmd, 120);
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void platformThreadsThatTasksStartMayUseEveryCpuThoughTheirCarrierIsPinned(@TempDir Path dir) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        String all = "child.cpus=" + cpus + " process.cpus=" + cpus;
        Result r = run(dir, List.of(), "runtest.ChildAffinity");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(all), "pinned carriers (the default): the agent's start hook gives the child every CPU,"
                + " and main, on a carrier, still counts every CPU; " + r);
        r = run(dir, List.of("--no-pin"), "runtest.ChildAffinity");
        assertTrue(r.out().contains(all), "carriers not pinned; " + r);
        if (cpus > 1 && skyloft.runtime.Affinity.unavailableReason() == null) {
            r = run(dir, List.of("--no-agent"), "runtest.ChildAffinity");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("child.cpus=1 process.cpus=" + cpus),
                    "without the agent the child inherits its carrier's one CPU, as Linux does; the count stays the process's; " + r);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aServersHandlersRunUnderThePolicyThoughItsDispatcherIsAPlatformThread(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of("--cores", "1", "--stats"), "runtest.LoopbackServer");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(3, r.out().lines().filter(l -> l.matches("handler\\.thread=VirtualThread\\[#\\d+\\]/runnable@skyloft-carrier-0")).count(),
                "every request handled on the runtime's carrier; " + r);
        r = run(dir, List.of("--cores", "1", "--agent-args", "redirect=false"), "runtest.LoopbackServer");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(3, r.out().lines().filter(l -> l.matches("handler\\.thread=VirtualThread\\[#\\d+\\]/runnable@ForkJoinPool.*")).count(),
                "with redirect=false the dispatcher's threads use the JDK's scheduler; " + r);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aModularApplicationRunsUnderThePolicyWithItsPollsAndItsPlatformThreadsVirtualThreads(@TempDir Path dir) throws Exception {
        // runtest.Interleave's own source, compiled here as the module demo.app (its package not
        // exported), with the main class in the module's descriptor.
        Path source = Path.of("src/test/java/runtest/Interleave.java"), classes = dir.resolve("classes"), mods = dir.resolve("mods");
        assertTrue(Files.isRegularFile(source), "run from skyloft-cli: " + source.toAbsolutePath());
        Files.createDirectories(mods);
        Path moduleInfo = Files.writeString(dir.resolve("module-info.java"), "module demo.app { }\n");
        var javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), moduleInfo.toString(), source.toString()), "javac");
        var jar = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        assertEquals(0, jar.run(System.out, System.err, "--create", "--file", mods.resolve("demo.app.jar").toString(),
                "--main-class", "runtest.Interleave", "-C", classes.toString(), "."), "jar");

        // The agent gives the module's classes polls, which call into the class path (the JVM
        // makes a module that an agent transformed read it).
        List<String> cmd = command("--cores", "1", "--policy", "rr", "--param", "slice=1ms", "--stats", "--",
                "-p", mods.toString(), "-m", "demo.app", "5", "20000");
        assertTrue(cmd.containsAll(List.of("--add-modules", "demo.app", "--add-opens", "demo.app/runtest=ALL-UNNAMED")), cmd.toString());
        Result r = runProcess(dir, cmd, 90);
        assertEquals(5, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*main\\.thread=VirtualThread\\[#\\d+,main\\]/runnable@skyloft-carrier-0\\R.*"), r.toString());
        assertTrue(r.out().matches("(?s).*platform\\.child\\.thread=VirtualThread\\[#\\d+\\]/runnable@skyloft-carrier-0\\R.*"), r.toString());
        assertTrue(r.out().contains("interleaved=true"), "the module's two spinning threads took turns on one carrier; " + r);
        assertTrue(r.err().contains("adopted_threads=3"), r.toString());
    }
}
