package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skyloft.bench.BenchResult;
import skyloft.bench.Demo;

/** {@code skyloft report DIR}: the report again from the JSON a run left, a run stopped part-way included. */
class ReportCommandTest {

    /** A pipe result as the demo writes it, and an ops one stopped part-way. */
    /** {@code skyloft report DIR} in this JVM, with what goes to System.err (the skipped files) in {@code err}. */
    private static PolicyPathTest.Run report(Path dir, java.io.ByteArrayOutputStream err) {
        java.io.PrintStream oldErr = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return PolicyPathTest.cli("report", dir.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    private static void results(Path dir) throws Exception {
        BenchResult pipe = new BenchResult("pipe").param("cores", 2);
        pipe.add(new BenchResult.Row("skyloft:fifo", "us_per_roundtrip", 0.45, "us", Map.of("carriers", 1)));
        pipe.add(new BenchResult.Row("platform", "us_per_roundtrip", 5.9, "us", Map.of("carriers", 1)));
        pipe.writeJson(dir.resolve("pipe.json"));
        BenchResult ops = new BenchResult("ops").param("cores", 2).param("complete", false).param("stopped", "stopped part-way after 3.0 s");
        ops.add("skyloft:fifo", "yield_ns", 190, "ns");
        ops.writeJson(dir.resolve("ops.json"));
    }

    @Test
    void theReportComesBackFromTheJsonOfAStoppedRun(@TempDir Path dir) throws Exception {
        results(dir);
        Files.writeString(dir.resolve("notes.json"), "{\"mine\": true}"); // not a result: skipped, said so
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PolicyPathTest.Run r = report(dir, err);
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("pipe round trip, one carrier"), r.out());
        assertTrue(r.out().contains("report: " + dir.resolve("index.html")), r.out());
        assertTrue(said.contains("skipping " + dir.resolve("notes.json") + ": not a benchmark result"), said);
        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains("Skyloft-J report, rebuilt from " + dir), "the title");
        assertTrue(html.contains("Stopped part-way, with the rows measured until then: ops."), "the stopped run is named");
        assertTrue(html.contains("not the run (it left no machine.json)"), "without the run's facts, says whose they are");
        assertTrue(html.contains(skyloft.util.Xml.escape("Without the run's machine.json the report cannot tell whether the files come from one run."))
                && !html.contains(skyloft.util.Xml.escape(Demo.NOTE)), "nor claims the figures were measured in one run");
    }

    @Test
    void withoutTheRunsFactsEachFileNamesItsOwnRun(@TempDir Path dir) throws Exception {
        results(dir);
        // a file from another build, and one written before results carried their run
        Files.writeString(dir.resolve("pipe.json"), Files.readString(dir.resolve("pipe.json"))
                .replaceFirst("\"run\": \\{[^}]*\\}", "\"run\": {\"started_utc\": \"2026-01-02T03:04:05Z\", \"build\": \"abc123-dirty\", \"cpus\": 2}"));
        Files.writeString(dir.resolve("ops.json"), Files.readString(dir.resolve("ops.json")).replaceFirst(", \"run\": \\{[^}]*\\}", ""));
        PolicyPathTest.Run r = report(dir, new java.io.ByteArrayOutputStream());
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains(skyloft.util.Xml.escape("each file's own run follows")), "says the run facts follow");
        assertTrue(html.contains("run of pipe</th><td class=\"l\">started 2026-01-02T03:04:05Z, build abc123-dirty, 2 CPUs"), html);
        assertTrue(html.contains("run of ops</th><td class=\"l\">no run facts (written by an older version)"), html);
    }

    @Test
    void theRunsOwnMachineFactsAreUsedWhenItLeftThem(@TempDir Path dir) throws Exception {
        results(dir);
        Demo.writeMachine(Map.of("OS", "the OS line of the run itself"), dir);
        PolicyPathTest.Run r = PolicyPathTest.cli("report", dir.toString(), "--title", "again");
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains("the OS line of the run itself"), "the run's facts");
        assertTrue(html.contains("rebuilt by skyloft report at"), "and when it was rebuilt");
        assertTrue(html.contains(skyloft.util.Xml.escape(Demo.NOTE)), "the run's own note: its files are the run's");
    }

    @Test
    void twoFilesOfOneBenchmarkAreRefusedNamingBoth(@TempDir Path dir) throws Exception {
        results(dir);
        Files.copy(dir.resolve("pipe.json"), dir.resolve("pipe-again.json"));
        PolicyPathTest.Run r = PolicyPathTest.cli("report", dir.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("skyloft: report: " + dir.resolve("pipe-again.json") + " and " + dir.resolve("pipe.json") + " both hold results of pipe; "
                + "a report takes one result per benchmark, so move one of them out of " + dir + "\n", r.err());
        assertTrue(!Files.exists(dir.resolve("index.html")), "no report written");
    }

    @Test
    void aResultOfAnUnknownBenchmarkIsSkippedNamingTheKnownOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("z.json"), "{\"benchmark\": \"zzz\", \"rows\": []}");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PolicyPathTest.Run r = report(dir, err);
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.startsWith("skyloft: report: skipping " + dir.resolve("z.json") + ": benchmark 'zzz' is not one of Skyloft's; "
                + "allowed: schbench, lc, colocation, pipe, ops, pick, capacity, yield"), said);
        assertEquals(2, r.exit(), "nothing left to report: " + r);
        assertTrue(r.err().contains("no benchmark results (*.json) in " + dir), r.err());
    }


    /** Files the report cannot use, each for another reason, beside one it can: it shows what it
     *  can, and says (on stderr and in the page) which files it left out and why, never failing
     *  on one with a stack trace or a message that names no file. */
    @Test
    void filesItCannotUseAreLeftOutNamingEachAndWhy(@TempDir Path dir) throws Exception {
        results(dir);
        Files.delete(dir.resolve("ops.json"));
        // ops: a machine row without the min and max its note reads
        Files.writeString(dir.resolve("ops.json"), "{\"benchmark\": \"ops\", \"params\": {\"cores\": 2}, \"rows\": [\n"
                + " {\"system\": \"machine\", \"metric\": \"line_round_trip_ns\", \"value\": 80, \"unit\": \"ns\", \"params\": {\"cpus\": \"0,1\"}}]}\n");
        // schbench: a row without its worker count
        Files.writeString(dir.resolve("schbench.json"), "{\"benchmark\": \"schbench\", \"rows\": [\n"
                + " {\"system\": \"skyloft:cfs\", \"metric\": \"wakeup_p99_us\", \"value\": 80, \"unit\": \"us\"}]}\n");
        // lc: not UTF-8 (a file saved in another encoding)
        Files.write(dir.resolve("lc.json"), "{\"benchmark\": \"lc\", \"rows\": [], \"params\": {\"dist\": \"caf\u00e9\"}}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        // colocation: cut short
        Files.writeString(dir.resolve("colocation.json"), "{\"benchmark\": \"colocation\", \"rows\": [{\"system\": \"skyl");
        // pick: a system name that is no skyloft:<policy>[k=v]
        Files.writeString(dir.resolve("pick.json"), "{\"benchmark\": \"pick\", \"rows\": [\n"
                + " {\"system\": \"skyloft:fifo[\", \"metric\": \"ns_per_op\", \"value\": 80, \"unit\": \"ns\", \"params\": {\"runnable\": 10}}]}\n");
        // a directory that looks like a result
        Files.createDirectory(dir.resolve("capacity.json"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PolicyPathTest.Run r = report(dir, err);
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, r.exit(), r + "\n" + said);
        assertEquals("", r.err(), "no failure");
        String html = Files.readString(dir.resolve("index.html"));
        String[][] cases = {
                {"ops.json", "the ops row of machine line_round_trip_ns needs a number in its param 'min', and has none"},
                {"schbench.json", "the schbench row of skyloft:cfs wakeup_p99_us needs a number in its param 'workers', and has none"},
                {"lc.json", "it is not UTF-8 text"},
                {"colocation.json", "JSON: "},
                {"pick.json", "system 'skyloft:fifo[': expected skyloft:<policy>"},
                {"capacity.json", "it is a directory"},
        };
        for (String[] c : cases) {
            assertTrue(said.contains("skyloft: report: skipping " + dir.resolve(c[0]) + ": " + c[1]), c[0] + ": " + said);
            assertTrue(html.contains(skyloft.util.Xml.escape(c[0] + ": " + c[1])), c[0] + " named in the page");
        }
        assertEquals(cases.length, said.lines().count(), "one line per file left out: " + said);
        assertTrue(html.contains("Left out of this report: 6 file(s)"), "the page says what it left out");
        assertTrue(html.contains("<h2 id=\"pipe\">pipe</h2>") && r.out().contains("pipe round trip, one carrier"), "and shows what it could");
    }

    /** Results of runs on different core counts cannot have come from one run: the page says so
     *  instead of stating one core count for every system. */
    @Test
    void resultsOfRunsOnDifferentCoreCountsAreSaidToBe(@TempDir Path dir) throws Exception {
        results(dir);
        BenchResult pick = new BenchResult("schbench").param("cores", 1);
        pick.add(new BenchResult.Row("skyloft:cfs", "wakeup_p99_us", 80, "us", Map.of("workers", 2)));
        pick.writeJson(dir.resolve("schbench.json"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PolicyPathTest.Run r = report(dir, err);
        assertEquals(0, r.exit(), r.toString());
        String html = Files.readString(dir.resolve("index.html"));
        String mixed = "These results come from runs on different core counts (schbench on 1; pipe and ops on 2), so from more than one run";
        assertTrue(html.contains(mixed), html);
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains(mixed), "said on stderr too");
        assertTrue(!html.contains("cores used by every system"), "no one core count claimed for every system");
    }

    @Test
    void anEmptyDirectoryArgumentIsCalledADirectory() {
        PolicyPathTest.Run r = PolicyPathTest.cli("report", "");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("skyloft: DIR '': the path is empty; expected a directory to read\n", r.err());
    }

    @Test
    void aDirectoryWithoutResultsIsRefused(@TempDir Path dir) {
        PolicyPathTest.Run r = PolicyPathTest.cli("report", dir.resolve("none").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("is not a directory"), r.err());
        r = PolicyPathTest.cli("report", dir.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("no benchmark results (*.json) in " + dir), r.err());
    }
}
