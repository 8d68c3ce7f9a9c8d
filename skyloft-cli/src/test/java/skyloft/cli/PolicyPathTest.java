package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A policy written outside the project, the bundled example {@code examples/policies/example/Lottery.java}:
 * compiled here, then named by its class on {@code --policy-path} to {@code policies}, {@code
 * --check}, {@code sim} and the benchmarks' systems.
 */
class PolicyPathTest {

    /** The repository's root: the folder above this module with examples/ in it. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("skyloft-cli"))) return p;
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** Compiles {@code sources} into {@code out} against this JVM's class path (skyloft-core's classes). */
    static Path compile(Path out, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), "-d", out.toString(), "-Xlint:none"));
        for (Path s : sources) args.add(s.toString());
        int code = javac.run(null, log, log, args.toArray(String[]::new));
        assertEquals(0, code, "compiling " + List.of(sources) + ": " + log.toString(StandardCharsets.UTF_8));
        return out;
    }

    /** The bundled Lottery example's source file. */
    static Path lotterySource() {
        return repoRoot().resolve("examples/policies/example/Lottery.java");
    }

    /** The bundled Lottery example, compiled into {@code dir}/lottery. */
    static Path lottery(Path dir) {
        return compile(dir.resolve("lottery"), lotterySource());
    }

    record Run(int exit, String out, String err) {}

    /** Runs the command line in this JVM, with its output captured. */
    static Run cli(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        ClassLoader loaderBefore = Thread.currentThread().getContextClassLoader();
        int code;
        try {
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
        }
        assertEquals(loaderBefore, Thread.currentThread().getContextClassLoader(), "the command put the context class loader back");
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void theExamplePolicyPassesTheContractAndIsListedWithItsParameters(@TempDir Path dir) {
        Path classes = lottery(dir);
        Run check = cli("policies", "--policy-path", classes.toString(), "--check", "example.Lottery");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("8 checks: 8 passed, 0 failed, 0 did not apply"), check.out());
        Run list = cli("policies", "--policy-path", classes.toString(), "example.Lottery", "rr");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("lottery (example.Lottery) lottery scheduling") && list.out().contains("slice (default 100us)"),
                "a class with a short name is listed by both names: " + list.out());
        assertTrue(list.out().contains("rr         per-CPU round robin"), "registered names mix with classes: " + list.out());
        // no names: the registered ones, then the path's policy classes (its other classes are not policies)
        Run all = cli("policies", "--policy-path", classes.toString());
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().indexOf("apps ") < all.out().indexOf("lottery (example.Lottery) lottery scheduling"), all.out());
        assertEquals(1, all.out().lines().filter(l -> l.contains("(example.")).count(), all.out());
    }

    @Test
    void aClassWithAShortNameOnThePathIsNamedByItAsARegisteredPolicyIs(@TempDir Path dir) throws Exception {
        Path classes = lottery(dir);
        String scenario = repoRoot().resolve("examples/cfs-nice.yaml").toString();
        // a class directory, a jar, and the source file: each finds the class by @PolicyInfo's name
        Path jar = dir.resolve("lottery.jar");
        var jarTool = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        assertEquals(0, jarTool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", classes.toString(), "."), "jar");
        for (Path path : List.of(classes, jar, lotterySource())) {
            Run sim = cli("sim", "--policy-path", path.toString(), "--policy", "lottery", "--param", "slice=50us", scenario);
            assertEquals(0, sim.exit(), path + ": " + sim);
            assertTrue(sim.out().startsWith("cfs-nice: policy lottery[slice=50us], 1 CPU"), path + ": " + sim.out());
        }
        Run check = cli("policies", "--policy-path", classes.toString(), "--check", "lottery[slice=20us]");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("8 checks: 8 passed"), check.out());
        Path json = dir.resolve("pick.json");
        Run pick = cli("bench", "pick", "--policy-path", jar.toString(), "--policies", "lottery,apps[lc=lottery]", "--runnable", "10",
                "--json", json.toString());
        assertEquals(0, pick.exit(), pick.toString());
        assertTrue(Files.readString(json).contains("\"system\": \"skyloft:lottery\"") && Files.readString(json).contains("\"system\": \"skyloft:apps[lc=lottery]\""), Files.readString(json));
        // without the path the name is unknown, and the message says where short names come from
        Run r = cli("sim", "--policy", "lottery", scenario);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("unknown policy 'lottery'") && r.err().contains("META-INF/services/skyloft.spi.SchedPolicy"), r.err());
        // a short name a registered policy has is refused, naming the class
        Path src = dir.resolve("src/mine/Mine.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, Files.readString(lotterySource()).replace("package example;", "package mine;")
                .replace("class Lottery ", "class Mine ").replace("public Lottery(", "public Mine(").replace("name = \"lottery\"", "name = \"cfs\""));
        Run clash = cli("policies", "--policy-path", src.toString());
        assertEquals(2, clash.exit(), clash.toString());
        assertTrue(clash.err().contains("policy class 'mine.Mine' has the short name 'cfs'") && clash.err().contains("which a registered policy has"),
                clash.err());
    }

    @Test
    void aSourceFileOnThePathIsCompiledFirst(@TempDir Path dir) throws Exception {
        // given twice: the entries of both
        Run check = cli("policies", "--policy-path", lotterySource().toString(), "--policy-path", dir.toString(), "--check",
                "example.Lottery[slice=20us]");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("8 checks: 8 passed"), check.out());
        Path bad = dir.resolve("Broken.java");
        Files.writeString(bad, "package example; public final class Broken extends skyloft.spi.SchedPolicy { int x = ; }\n");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream compilerErr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(compilerErr, true, StandardCharsets.UTF_8));
        Run r;
        try {
            r = cli("sim", "--policy-path", bad.toString(), "--policy", "example.Broken", repoRoot().resolve("examples/cfs-nice.yaml").toString());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--policy-path: compiling [" + bad + "] failed (the compiler's messages are above)"), r.err());
        assertTrue(compilerErr.toString(StandardCharsets.UTF_8).contains("Broken.java:1: error"), compilerErr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPolicyInTheUnnamedPackageIsNamedByItsSimpleName(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("Fcfs.java");
        Files.writeString(src, """
                public final class Fcfs extends skyloft.spi.SchedPolicy {
                    private final java.util.ArrayDeque<skyloft.spi.Task> queue = new java.util.ArrayDeque<>();
                    @Override public String name() { return "fcfs"; }
                    @Override public void enqueue(skyloft.spi.Task t, int cpu, skyloft.spi.EnqueueReason r, long now) { queue.add(t); }
                    @Override public skyloft.spi.Task pickNext(int cpu, long now) { return queue.poll(); }
                }
                """);
        Run check = cli("policies", "--policy-path", src.toString(), "--check", "Fcfs");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("7 passed, 0 failed, 1 did not apply"), "a FIFO preempts no hog: " + check.out());
        // a name that is neither registered nor a policy class is still just unknown
        Run r = cli("policies", "--policy-path", src.toString(), "Nope");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("unknown policy 'Nope'; known policies: fifo"), r.err());
    }

    @Test
    void aPolicyThatBreaksTheContractFailsTheCheckWithExitOne(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/bad/Again.java");
        Files.createDirectories(src.getParent());
        // forgets to remove what it hands out: the same task comes out twice
        Files.writeString(src, """
                package bad;
                public final class Again extends skyloft.spi.SchedPolicy {
                    private final java.util.ArrayList<skyloft.spi.Task> queue = new java.util.ArrayList<>();
                    @Override public String name() { return "again"; }
                    @Override public void enqueue(skyloft.spi.Task t, int cpu, skyloft.spi.EnqueueReason r, long now) { queue.add(t); }
                    @Override public skyloft.spi.Task pickNext(int cpu, long now) { return queue.isEmpty() ? null : queue.getFirst(); }
                }
                """);
        Path classes = compile(dir.resolve("bad"), src);
        Run check = cli("policies", "--policy-path", classes.toString(), "--check", "bad.Again");
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.out().contains("FAILED  random-events") && check.out().contains("again: pickNext"), check.out());
    }

    @Test
    void simRunsTheClassOnAScenarioAndItsSharesFollowTheTickets(@TempDir Path dir) {
        Path classes = lottery(dir);
        Run sim = cli("sim", "--policy-path", classes.toString(), "--policy", "example.Lottery",
                repoRoot().resolve("examples/cfs-nice.yaml").toString());
        assertEquals(0, sim.exit(), sim.toString());
        assertTrue(sim.out().startsWith("cfs-nice: policy lottery[slice=100us], 1 CPU"), sim.out());
        // tickets 64, 64 and 20 (nice 0, 0, 5): the two nice-0 hogs hold 128/148 = 86.5% of them
        Matcher m = Pattern.compile("(?m)^nice0\\s+([0-9.]+)").matcher(sim.out());
        assertTrue(m.find(), sim.out());
        double share = Double.parseDouble(m.group(1));
        assertTrue(share > 82 && share < 91, "nice0's share " + share + "% against 86.5% of the tickets; " + sim.out());
    }

    @Test
    void badPathsAndClassesAreRefusedNamingThem(@TempDir Path dir) {
        Path classes = lottery(dir);
        String scenario = repoRoot().resolve("examples/cfs-nice.yaml").toString();
        Object[][] cases = {
                {new String[] {"sim", "--policy", "example.Lottery", scenario}, "policy class 'example.Lottery' is not on the class path"},
                {new String[] {"sim", "--policy-path", dir.resolve("none").toString(), "--policy", "example.Lottery", scenario}, "--policy-path: '"},
                {new String[] {"sim", "--policy-path", classes + java.io.File.pathSeparator, "--policy", "example.Lottery", scenario}, "has an empty entry"},
                {new String[] {"sim", "--policy-path", classes.toString(), "--policy", "example.Lottery", "--param", "quantum=1us", scenario},
                        "policy example.Lottery has no parameter 'quantum'; known: slice"},
                {new String[] {"policies", "--policy-path", classes.toString(), "--check", "java.lang.String"}, "is not a policy"},
                {new String[] {"policies", "--deadline-tasks"}, "--deadline-tasks goes with --check"},
                {new String[] {"bench", "pick", "--policy-path", classes.toString(), "--policies", "example.Nope"}, "'example.Nope' is not on the class path"},
        };
        for (Object[] c : cases) {
            Run r = cli((String[]) c[0]);
            assertEquals(2, r.exit(), List.of((String[]) c[0]) + ": " + r);
            assertTrue(r.err().contains((String) c[1]), List.of((String[]) c[0]) + ": " + r.err());
        }
    }

    /** A directory of sources alone (examples/policies/example, say) is no class directory: refused, pointing at its .java files,
     *  where it used to find nothing and leave the command to call the policy unknown. */
    @Test
    void aDirectoryOfSourcesAloneIsRefusedNamingItsFiles(@TempDir Path dir) throws Exception {
        Path srcs = Files.createDirectories(dir.resolve("srcs/example"));
        Files.copy(lotterySource(), srcs.resolve("Lottery.java"));
        Files.copy(MlfqExampleTest.source(), srcs.resolve("Mlfq.java"));
        String sep = java.io.File.pathSeparator;
        for (Path given : List.of(srcs, dir.resolve("srcs"))) {
            Run r = cli("policies", "--policy-path", given.toString(), "--check", "mlfq");
            assertEquals(2, r.exit(), r.toString());
            assertEquals("skyloft: --policy-path: '" + given + "' holds Java sources and no compiled classes, and a directory entry is a class "
                    + "directory; give the .java files themselves (--policy-path " + srcs.resolve("Lottery.java") + sep + srcs.resolve("Mlfq.java")
                    + "), or compile them into one; allowed: jars, class directories and .java files\n", r.err());
        }
        Run files = cli("policies", "--policy-path", srcs.resolve("Lottery.java") + sep + srcs.resolve("Mlfq.java"), "lottery", "mlfq");
        assertEquals(0, files.exit(), files.toString());
        compile(dir.resolve("srcs"), srcs.resolve("Mlfq.java")); // classes beside the sources: a class directory
        Run classes = cli("policies", "--policy-path", dir.resolve("srcs").toString(), "mlfq");
        assertEquals(0, classes.exit(), classes.toString());
    }

    @Test
    void aFileThatIsNotAJarIsRefusedByEveryCommandBeforeItRuns(@TempDir Path dir) throws Exception {
        Path yaml = repoRoot().resolve("examples/cfs-nice.yaml");
        Path empty = Files.createFile(dir.resolve("empty.jar"));
        String allowed = "; allowed: jars, class directories and .java files";
        // PATH stands for the path given
        for (String[] args : new String[][] {{"policies", "--policy-path", "PATH"}, {"sim", "--policy-path", "PATH", yaml.toString()},
                {"bench", "pipe", "--policy-path", "PATH", "--duration", "100ms"}, {"run", "--policy-path", "PATH", "--dry-run", "Main"},
                {"trace", "--policy-path", "PATH", "--gantt", dir.resolve("g.svg").toString()}}) {
            for (String[] bad : new String[][] {{yaml.toString(), "zip END header not found"}, {empty.toString(), "zip file is empty"}}) {
                List<String> line = java.util.Arrays.stream(args).map(a -> a.equals("PATH") ? bad[0] : a).toList();
                Run r = cli(line.toArray(String[]::new));
                assertEquals(2, r.exit(), line + ": " + r);
                assertEquals("skyloft: --policy-path: '" + bad[0] + "' is not a jar (" + bad[1] + ")" + allowed + "\n", r.err(), line.toString());
                assertEquals("", r.out(), line + ": nothing ran");
            }
        }
        Run r = cli("bench", "rewrite", "--jars", empty.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("skyloft: --jars: '" + empty + "' is not a jar (zip file is empty); allowed existing .jar files\n", r.err());
    }

    @Test
    void benchmarkSystemsTakeAClassPolicy(@TempDir Path dir) throws Exception {
        Path classes = lottery(dir);
        Path json = dir.resolve("pick.json");
        Run r = cli("bench", "pick", "--policy-path", classes.toString(), "--policies", "example.Lottery[slice=50us],fifo", "--runnable", "10",
                "--json", json.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("example.Lottery[slice=50us]"), r.out());
        assertTrue(Files.readString(json).contains("example.Lottery[slice=50us]"), Files.readString(json));
    }

    /** A queued task whose nice changes holds the new weight's tickets at the next draw; before
     *  this audit it kept those it was enqueued with until it ran again (the dump shows the draw's total). */
    @Test
    void theExampleRedealsTheTicketsOfAQueuedTaskWhoseNiceChanges(@TempDir Path dir) throws Exception {
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {lottery(dir).toUri().toURL()}, getClass().getClassLoader())) {
            var policy = (skyloft.spi.SchedPolicy) loader.loadClass("example.Lottery").getConstructor(skyloft.policy.PolicyParams.class)
                    .newInstance(skyloft.policy.PolicyParams.none("lottery"));
            var h = new skyloft.spi.StepHost(policy, 1, 1);
            h.spawn("a", skyloft.spi.SchedAttr.DEFAULT, 0);
            var b = h.spawn("b", skyloft.spi.SchedAttr.DEFAULT, 0);
            h.setAttr(b, skyloft.spi.SchedAttr.DEFAULT.withNice(19));
            StringWriter dump = new StringWriter();
            policy.dump(new PrintWriter(dump));
            assertTrue(dump.toString().contains("tickets=65 "), "64 for a at nice 0, 1 for b at nice 19: " + dump);
            h.drainAndCheck();
        }
    }
}
