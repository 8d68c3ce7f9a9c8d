package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import skyloft.bench.BenchResult;

/** A benchmark stopped part-way (Ctrl-C, kill) or failing part-way keeps what it measured; so does
 *  {@code sim --compare} with the policies it simulated. */
class BenchInterruptTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /**
     * {@code cmd} started so that the child acts on SIGINT. A JVM installs its SIGINT handler (the
     * shutdown hooks, exit code 130) only if the signal is not ignored when it starts, and a shell
     * without job control starts a background command with SIGINT ignored, which Maven, this test's
     * JVM and the child inherit: a build started with {@code &} from a script would see every child
     * here run to its end (exit 0) after the Ctrl-C. If this JVM ignores SIGINT, the child is started
     * through {@code env --default-signal=INT} (GNU coreutils), which restores the default.
     */
    static List<String> withDefaultSigint(List<String> cmd) throws java.io.IOException {
        if (!sigintIgnored(Path.of("/proc/self/status"))) return cmd;
        List<String> wrapped = new ArrayList<>(List.of("env", "--default-signal=INT"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    /** Whether the process whose {@code /proc/PID/status} is {@code status} ignores SIGINT (false where there is no such file). */
    static boolean sigintIgnored(Path status) throws java.io.IOException {
        if (!Files.isReadable(status)) return false;
        for (String line : Files.readAllLines(status)) {
            // SigIgn: a hexadecimal mask, bit n-1 for signal n; SIGINT is 2
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
        }
        return false;
    }

    /** The command line {@code skyloft ARGS} in a JVM of its own, stopped by SIGINT once it printed
     *  {@code signalAt} progress lines starting with {@code progress} on stderr; its exit code, stdout and stderr. */
    private static String[] interrupted(Path dir, String progress, int signalAt, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Process p = new ProcessBuilder(withDefaultSigint(cmd)).redirectOutput(out.toFile()).start();
        List<String> err = new ArrayList<>();
        int seen = 0;
        try {
            ChildLines lines = new ChildLines(p.getErrorStream(), 90);
            for (String line; (line = lines.next()) != null; ) {
                err.add(line);
                if (line.startsWith(progress) && ++seen == signalAt) {
                    assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(), "kill -INT");
                }
            }
        } finally {
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        return new String[] {Integer.toString(p.exitValue()), Files.readString(out), String.join("\n", err)};
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCKeepsTheSystemsAlreadyMeasuredInTheTableAndTheJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/sb.json");
        // platform's rows are in the result before jdk-default's progress line is printed
        String[] r = interrupted(dir, "[schbench] jdk-default", 1,
                "bench", "schbench", "--systems", "platform,jdk-default", "--workers", "1", "--duration", "2s", "--json", json.toString());
        String stdout = r[1], stderr = r[2];
        assertEquals("130", r[0], "stopped by SIGINT; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertTrue(stdout.contains("platform  wakeup_p50_us") && stdout.contains("complete=false"), "the table of what was measured; " + stdout);
        assertTrue(stderr.contains("skyloft: stopped part-way") && stderr.contains(json.toString()), stderr);
        assertTrue(Files.isRegularFile(json), "the JSON file holds what was measured; " + stderr);
        String text = Files.readString(json);
        assertTrue(text.contains("\"complete\": false") && text.contains("\"system\": \"platform\", \"metric\": \"wakeup_p50_us\""), text);
        assertTrue(text.endsWith("]}\n"), "whole, not cut off: " + text);
        try (var files = Files.list(json.getParent())) {
            assertEquals(List.of(json), files.toList(), "no temporary file left beside it");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCInSimCompareKeepsThePoliciesAlreadySimulated(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cmp.json");
        Path scenario = Path.of("..", "examples", "lc-bimodal-50.yaml").toAbsolutePath().normalize();
        // seconds of simulation per policy on a machine of this kind: the progress line comes when the second starts
        String[] r = interrupted(dir, "sim: 1 of 3 policies done", 1,
                "sim", scenario.toString(), "--duration", "120s", "--compare", "eevdf,rr,cfs", "--json", json.toString());
        String stdout = r[1], stderr = r[2];
        assertEquals("130", r[0], "stopped by SIGINT; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertTrue(stdout.startsWith("lc-bimodal-50: 1 policy, 2 CPUs, 120s simulated") || stdout.startsWith("lc-bimodal-50: 2 policies, 2 CPUs, 120s simulated"),
                "the table of the policies that finished; " + stdout);
        assertTrue(stdout.contains("req              eevdf ") && !stdout.contains(" cfs "), stdout);
        assertTrue(stderr.contains("skyloft: sim stopped part-way (interrupted or killed) after ") && stderr.contains("not finished: ")
                && stderr.contains("cfs") && stderr.contains(json.toString()), stderr);
        var doc = (java.util.Map<?, ?>) skyloft.util.JsonReader.parse(Files.readString(json));
        assertEquals(false, doc.get("complete"), doc.toString());
        assertEquals("eevdf", ((java.util.Map<?, ?>) ((List<?>) doc.get("runs")).get(0)).get("label"), doc.toString());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCInALoadSweepKeepsTheRunsAlreadySimulated(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        Path scenario = Path.of("..", "examples", "lc-bimodal-50.yaml").toAbsolutePath().normalize();
        String[] r = interrupted(dir, "sim: 1 of 4 runs done", 1,
                "sim", scenario.toString(), "--duration", "120s", "--loads", "0.3,0.5", "--compare", "eevdf,rr", "--slo", "200us", "--json", json.toString());
        String stdout = r[1], stderr = r[2];
        assertEquals("130", r[0], "stopped by SIGINT; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertTrue(stdout.startsWith("lc-bimodal-50: Poisson streams at loads 0.3, 0.5 of 2 CPUs, 2 policies, 120s simulated each"), stdout);
        assertTrue(stdout.contains("\n  eevdf ") && stdout.contains("highest load at the SLO"), "the finished runs' table and SLO line; " + stdout);
        assertTrue(stderr.contains("skyloft: sim stopped part-way (interrupted or killed) after ") && stderr.contains(" of 4 runs that finished are above")
                && stderr.contains(json.toString()), stderr);
        var doc = (java.util.Map<?, ?>) skyloft.util.JsonReader.parse(Files.readString(json));
        assertEquals(false, doc.get("complete"), doc.toString());
        List<?> runs = (List<?>) doc.get("runs");
        assertTrue(!runs.isEmpty() && runs.size() < 4, doc.toString());
        assertEquals("eevdf", ((java.util.Map<?, ?>) runs.get(0)).get("label"), doc.toString());
        assertEquals(0.3, ((Number) ((java.util.Map<?, ?>) runs.get(0)).get("load")).doubleValue(), doc.toString());
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void ctrlCAmongAThousandPlatformHogsPerCoreEndsTheJvmInSeconds(@TempDir Path dir) throws Exception {
        List<String> cmd = List.of(JAVA, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "bench", "capacity", "--systems", "platform", "--hogs", "1000", "--duration", "5s");
        Process p = new ProcessBuilder(withDefaultSigint(cmd)).redirectOutput(dir.resolve("stdout.txt").toFile()).redirectErrorStream(false).start();
        long signalled = 0;
        try {
            ChildLines lines = new ChildLines(p.getErrorStream(), 180);
            for (String line; (line = lines.next()) != null; ) {
                if (line.startsWith("[capacity] platform") && signalled == 0) {
                    // the warm-up's rounds of 250 ms are under way, thousands of hogs spinning most of the time
                    Thread.sleep(4000);
                    assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(), "kill -INT");
                    signalled = System.nanoTime();
                }
            }
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the JVM ended");
        } finally {
            p.destroyForcibly();
        }
        double seconds = (System.nanoTime() - signalled) / 1e9;
        assertTrue(signalled != 0, "the progress line came");
        assertEquals(130, p.exitValue());
        // before the hogs waited at a gate and stopped with the JVM it took 2 to 8 minutes; now about 2 s
        assertTrue(seconds < 60, "the JVM took " + seconds + " s to end after SIGINT");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCInBenchAllKeepsThePartOfTheBenchmarkInProgress(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        String[] r = interrupted(dir, "[schbench] ", 2, "bench", "all", "--duration", "100ms", "--out", report.toString());
        assertEquals("130", r[0], r[1] + r[2]);
        String text = Files.readString(report.resolve("schbench.json"));
        assertTrue(text.contains("\"complete\": false") && text.contains("_p50_us"), "the first system's rows; " + text);
        assertTrue(r[2].contains("rows of schbench measured so far") && r[2].contains(report.toString()), r[2]);
    }

    @Test
    void sigintIsReadFromTheMaskOfIgnoredSignals(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nSigBlk:\t0000000000000002\nSigIgn:\t0000000000000006\n");
        assertTrue(sigintIgnored(status), "INT and QUIT ignored, as in a background command of a shell without job control");
        Files.writeString(status, "Name:\tjava\nSigBlk:\t0000000000000002\nSigIgn:\t0000000000001004\n");
        assertFalse(sigintIgnored(status), "QUIT and PIPE ignored, INT not (blocked is not ignored)");
        assertFalse(sigintIgnored(dir.resolve("absent")), "no such file, as off Linux");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theChildrenHereActOnSigintWhateverThisJvmInherited(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux's /proc");
        Path status = dir.resolve("child-status");
        Process p = new ProcessBuilder(withDefaultSigint(List.of("cat", "/proc/self/status"))).redirectOutput(status.toFile()).start();
        assertTrue(p.waitFor(50, TimeUnit.SECONDS), "cat ended");
        assertEquals(0, p.exitValue());
        assertFalse(sigintIgnored(status), Files.readString(status));
    }

    /** Runs {@code bench} as a command's benchmark would, with its printing captured. */
    private static String[] run(Path json, java.util.concurrent.Callable<BenchResult> bench, Class<? extends Throwable> fails) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        BenchRun run = new BenchRun(r -> json, "", o, new PrintStream(err, true, StandardCharsets.UTF_8));
        if (fails == null) run.execute(bench, r -> r.report(o, json));
        else assertThrows(fails, () -> run.execute(bench, r -> r.report(o, json)));
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aBenchmarkThatFailsPartWayKeepsTheRowsItHadAndTheErrorStillComes(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        String[] printed = run(json, () -> {
            BenchResult r = new BenchResult("demo-bench").param("cores", 2);
            r.add("platform", "ns_per_op", 12.5, "ns");
            throw new IllegalStateException("the second system broke");
        }, IllegalStateException.class);
        assertTrue(printed[0].contains("platform  ns_per_op") && printed[0].contains("complete=false"), printed[0]);
        String text = Files.readString(json);
        assertTrue(text.contains("\"complete\": false") && text.contains("failed part-way after ") && text.contains(": the second system broke\"") && text.contains("\"value\": 12.5"), text);
        assertTrue(printed[1].contains("skyloft: failed part-way") && printed[1].contains(json.toString()), printed[1]);
    }

    @Test
    void badInputFoundBeforeAnythingIsMeasuredPrintsNothingMore(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        String[] printed = run(json, () -> {
            throw new IllegalArgumentException("--hogs 0 out of range");
        }, IllegalArgumentException.class);
        assertEquals("", printed[0] + printed[1], "the error alone, printed by the command line");
        printed = run(json, () -> {
            new BenchResult("nothing-yet");
            throw new IllegalArgumentException("--runnable 0 is not allowed");
        }, IllegalArgumentException.class);
        assertEquals("", printed[0] + printed[1]);
        assertFalse(Files.exists(json));
    }

    @Test
    void aCompleteRunIsReportedOnceAsBefore(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        String[] printed = run(json, () -> new BenchResult("whole").add("platform", "ns_per_op", 3, "ns"), null);
        assertTrue(printed[0].startsWith("== whole {}") && printed[0].contains("wrote " + json) && !printed[0].contains("complete"), printed[0]);
        assertEquals("", printed[1]);
        assertFalse(Files.readString(json).contains("complete"));
    }
}
