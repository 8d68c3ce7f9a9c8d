package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JfrCommandTest {

    @Test
    void aMissingFileOrOneThatIsNoRecordingIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.jfr"), "not a recording");
        String[][] cases = {
                {dir.resolve("none.jfr") + ": no such file", dir.resolve("none.jfr").toString()},
                {text + " is not a readable JFR recording", text.toString()},
        };
        for (String[] c : cases) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute("jfr", c[1]), c[1]);
            assertTrue(err.toString().startsWith("skyloft: jfr: ") && err.toString().contains(c[0]), err.toString());
        }
    }

    @Test
    void aDirectoryIsNamedAsOne(@TempDir Path dir) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("jfr", dir.toString()));
        assertEquals("skyloft: jfr: " + dir + " is a directory; expected a JFR recording (.jfr)\n", err.toString());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aTruncatedRecordingIsRefusedInASentenceNotAStackTrace(@TempDir Path dir) throws Exception {
        // a recording cut short (a disk that filled, a copy that stopped) trips the JDK's parser
        // in places that throw index errors rather than IOException
        Path whole = dir.resolve("whole.jfr");
        try (jdk.jfr.Recording rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            rec.start();
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(1);
                Thread.ofVirtual().start(() -> {}).join();
            }
            rec.stop();
            rec.dump(whole);
        }
        byte[] bytes = Files.readAllBytes(whole);
        int refused = 0;
        for (int i = 1; i < 40; i++) {
            int n = (int) ((long) bytes.length * i / 40);
            Path cut = Files.write(dir.resolve("cut-" + n + ".jfr"), java.util.Arrays.copyOf(bytes, n));
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            var saved = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            int code;
            try {
                code = cl.execute("jfr", cut.toString());
            } finally {
                System.setOut(saved);
            }
            // a cut at a chunk's end leaves a readable recording, of no Skyloft events
            if (err.toString().contains(" has no Skyloft scheduling events")) continue;
            assertEquals(2, code, n + " of " + bytes.length + " bytes: " + err);
            assertTrue(err.toString().startsWith("skyloft: jfr: " + cut + " is not a readable JFR recording (")
                    && err.toString().lines().count() == 1, n + " of " + bytes.length + " bytes: " + err);
            refused++;
        }
        assertTrue(refused > 0, "no cut of the " + bytes.length + " bytes was refused: the case above was never exercised");
    }

    @Test
    void aRecordingWithoutSkyloftEventsIsAnErrorThatSaysHowToMakeOneAndWritesNoJson(@TempDir Path dir) throws Exception {
        // nothing to summarize fails as report's directory without results does, --json or not
        Path file = dir.resolve("empty.jfr");
        try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            rec.enable("jdk.CPULoad");
            rec.start();
            rec.stop();
            rec.dump(file);
        }
        Path json = dir.resolve("out.json");
        for (String[] args : new String[][] {{"jfr", file.toString()}, {"jfr", file.toString(), "--json", json.toString()}}) {
            SimOutputsTest.Run r = SimOutputsTest.run(args);
            assertEquals(2, r.code(), r.toString());
            assertEquals("", r.out());
            assertTrue(r.err().startsWith("skyloft: jfr: " + file + " has no Skyloft scheduling events, so there is nothing to summarize")
                    && r.err().contains("settings=skyloft.jfc") && r.err().lines().count() == 1, r.err());
            assertEquals(args.length > 2, r.err().contains(json + " is not written"), r.err());
        }
        assertTrue(!Files.exists(json), "no JSON written");
    }


    /** skyloft.TaskRun as a recording of another version has it: no pickNs (it came with skyloft jfr). */
    @jdk.jfr.Name("skyloft.TaskRun")
    @jdk.jfr.StackTrace(false)
    static final class OldTaskRun extends jdk.jfr.Event {
        int cpu;
        String task;
        long taskId;
        String stopReason;
        @jdk.jfr.Timespan(jdk.jfr.Timespan.NANOSECONDS) long runTime;
    }

    /** A recording whose Skyloft events lack a field the summary reads is summarized without
     *  them, saying how many it left out and why, not refused with a message that names no file. */
    @Test
    void eventsOfAnotherVersionWithoutAFieldAreLeftOutAndCounted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.jfr");
        try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            rec.enable(OldTaskRun.class).withoutThreshold();
            rec.start();
            for (int i = 0; i < 3; i++) {
                OldTaskRun e = new OldTaskRun();
                e.begin();
                e.cpu = 0;
                e.task = "t";
                e.taskId = i;
                e.stopReason = "exit";
                e.runTime = 1_000;
                e.commit();
            }
            rec.stop();
            rec.dump(file);
        }
        skyloft.trace.JfrSummary.Summary s = skyloft.trace.JfrSummary.read(file);
        assertEquals(java.util.Map.of("skyloft.TaskRun", 3L), s.leftOut());
        assertTrue(s.format().contains("left out: 3 skyloft.TaskRun event(s) without the fields this version reads (pickNs)"), s.format());
        PolicyPathTest.Run r = PolicyPathTest.cli("jfr", file.toString());
        // nothing else in it: the one error that names the file, and says why there is nothing
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("skyloft: jfr: " + file + " has no Skyloft scheduling events")
                && r.err().contains("3 skyloft.TaskRun event(s) without the fields this version reads (pickNs)"), r.err());
    }

    @Test
    void theSummaryBecomesRowsWithTheirUnitsAndCounts() {
        var d = new skyloft.trace.JfrSummary.Dist(new long[] {1_000, 2_000, 3_000, 50_000});
        var empty = new skyloft.trace.JfrSummary.Dist(new long[0]);
        var s = new skyloft.trace.JfrSummary.Summary(2_000_000_000L, java.util.Map.of("preempt", d), java.util.Map.of("new", d), 3,
                empty, 0, 7, java.util.Map.of(0, 0.5), 4);
        skyloft.bench.BenchResult r = JfrCommand.rows(s);
        assertEquals(2.0, (Double) r.params().get("span_s"));
        assertEquals(3L, r.params().get("unmatched_enqueues"));
        var p99 = r.rows().stream().filter(x -> x.metric().equals("wait_us") && x.params().get("pct").equals("p99")).findFirst().orElseThrow();
        assertEquals(50.0, p99.value(), "nearest rank of four values: the fourth, in us");
        assertEquals(4, p99.params().get("count"));
        assertEquals(2.0, r.rows().stream().filter(x -> x.metric().equals("run_us") && x.params().get("pct").equals("p50")).findFirst().orElseThrow().value(),
                1e-9, "p50 of four by nearest rank: the second smallest");
        assertTrue(r.rows().stream().noneMatch(x -> x.metric().equals("preempt_delay_us")), "no delays, no rows");
        assertEquals(7.0, r.value("skyloft", "migrations"));
        assertEquals(0.5, r.value("skyloft", "carrier_busy"));
    }
}
