package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** An output path that cannot be written stops the command before it runs, naming the path. */
class OutputPathsTest {
    @TempDir
    Path tmp;

    @Test
    void aFileOptionMustNotBeADirectoryOrLieUnderAFile() throws Exception {
        IllegalArgumentException dir = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkFile("--json", tmp));
        assertTrue(dir.getMessage().contains("--json " + tmp + " is a directory"), dir.getMessage());

        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        Path under = file.resolve("sub/out.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkFile("--trace", under));
        assertTrue(e.getMessage().contains(file + " is a file"), e.getMessage());

        Path fresh = tmp.resolve("new/deeper/out.json");
        assertDoesNotThrow(() -> OutputPaths.checkFile("--json", fresh));
        assertFalse(Files.exists(tmp.resolve("new")), "checking a file path creates nothing");
    }

    @Test
    void aReportDirectoryIsCreatedAndMustNotBeAFile() throws Exception {
        Path out = tmp.resolve("report/one");
        OutputPaths.checkDir("--out", out);
        assertTrue(Files.isDirectory(out));

        Path file = Files.writeString(tmp.resolve("taken"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkDir("--out", file));
        assertTrue(e.getMessage().contains("--out " + file + " is a file"), e.getMessage());
        IllegalArgumentException under = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkDir("--out", file.resolve("r")));
        assertTrue(under.getMessage().contains(file + " is a file"), under.getMessage());
    }

    @Test
    void aReportDirectoryThatCannotBeCreatedIsASentenceWithTheReason() {
        // the parent may be written in, but no file system takes such a name
        Path out = tmp.resolve("r".repeat(300));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkDir("--out", out));
        assertEquals("--out " + out + ": cannot create the directory: File name too long", e.getMessage());
    }

    @Test
    void theCommandLineRefusesBeforeRunning() throws Exception {
        // Were the check missing, this would run a 10 s benchmark per configuration and fail at its end.
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        String[][] cases = {
                {"bench", "schbench", "--duration", "10s", "--json", tmp.toString()},
                {"bench", "lc", "--json", file.resolve("x.json").toString()},
                {"trace", "--gantt", tmp.toString()},
                {"sim", "examples/none.yaml", "--trace", tmp.toString()},
                {"demo", "--out", file.toString()},
                {"bench", "all", "--out", file.resolve("r").toString()},
        };
        for (String[] args : cases) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(args), String.join(" ", args));
            assertTrue(err.toString().startsWith("skyloft: --"), String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains(tmp.toString()), err.toString());
        }
    }

    @Test
    void anOutputMayNeitherOverwriteTheInputNorAnotherOutput() throws Exception {
        Path sc = Files.writeString(tmp.resolve("mine.yaml"), "duration: 1ms\ntasks: [{name: a, type: hog}]\n");
        Path same = tmp.resolve("same.json");
        String[][] cases = {
                {"--json " + tmp.resolve("./mine.yaml") + " is the input FILE", "sim", sc.toString(), "--json", tmp.resolve("./mine.yaml").toString()},
                {"--json " + same + " and --trace " + same + " are the same file", "sim", sc.toString(), "--json", same.toString(), "--trace", same.toString()},
                {"--json " + same + " and --gantt", "sim", sc.toString(), "--json", same.toString(), "--gantt", tmp.resolve("x/../same.json").toString()},
        };
        for (String[] c : cases) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(java.util.Arrays.copyOfRange(c, 1, c.length)), String.join(" ", c));
            assertTrue(err.toString().startsWith("skyloft: " + c[0]), err.toString());
        }
        assertEquals("duration: 1ms\ntasks: [{name: a, type: hog}]\n", Files.readString(sc));
        assertFalse(Files.exists(same));
    }

    @Test
    void noOutputReplacesAFileTheApplicationOrThePolicyPathNamesOrJavaCode() throws Exception {
        Path src = Files.writeString(tmp.resolve("Hello.java"), "class Hello { public static void main(String[] a) {} }\n");
        Path args = Files.writeString(tmp.resolve("args.txt"), "-cp " + tmp + " Hello\n");
        Path jar = Files.writeString(tmp.resolve("app.jar"), "not really a jar");
        Path data = Files.writeString(tmp.resolve("data.csv"), "1,2\n");
        Path cls = Files.writeString(tmp.resolve("Old.class"), "bytes");
        Path lottery = PolicyPathTest.lotterySource();
        String sc = PolicyPathTest.repoRoot().resolve("examples/cfs-nice.yaml").toString();
        String[][] cases = {
                {"--jfr " + src + " is a file the application's command line names", "run", "--jfr", src.toString(), src.toString()},
                {"--jfr " + args + " is a file the application's command line names", "run", "--jfr", args.toString(), "@" + args},
                {"--jfr " + jar + " is a file the application's command line names", "run", "--jfr", jar.toString(), "--", "-cp", tmp + ":" + jar, "Hello"},
                {"--jfr " + data + " is a file the application's command line names", "run", "--jfr", data.toString(), "--", "-cp", tmp.toString(), "Hello", "--in=" + data},
                {"--jfr " + cls + " is Java code", "run", "--jfr", cls.toString(), "--", "-cp", tmp.toString(), "Hello"},
                {"--json " + lottery + " is an entry of --policy-path", "sim", sc, "--policy-path", lottery.toString(), "--policy", "lottery", "--json", lottery.toString()},
        };
        for (String[] c : cases) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(java.util.Arrays.copyOfRange(c, 1, c.length)), String.join(" ", c));
            assertTrue(err.toString().startsWith("skyloft: " + c[0]) && err.toString().contains("give another path"), err.toString());
        }
        assertEquals("-cp " + tmp + " Hello\n", Files.readString(args));
        assertEquals("bytes", Files.readString(cls));
        assertTrue(Files.readString(lottery).contains("class Lottery"), "the example policy is still its source");
    }

    @Test
    void aDirectoryWhereNothingCanBeCreatedIsRefusedBeforeAnyOutputIsWritten() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux's /proc");
        // root may write in /proc by its permission bits; creating a file there fails all the same
        Path ok = tmp.resolve("ok.json");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        String sc = PolicyPathTest.repoRoot().resolve("examples/cfs-nice.yaml").toString();
        assertEquals(2, cl.execute("sim", sc, "--json", ok.toString(), "--gantt", "/proc/x.svg"));
        assertTrue(err.toString().startsWith("skyloft: --gantt /proc/x.svg: nothing can be created in the directory /proc ("), err.toString());
        assertFalse(Files.exists(ok), "refused before the simulation ran and wrote --json");
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "the checks' probe files are gone");
        }
    }

    @Test
    void anEmptyPathIsRefusedAsEmptyNotTakenForTheCurrentDirectory() throws Exception {
        // '' would be the current directory: a report written into it, or "--json  is a directory"
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkDir("--out", Path.of("")));
        assertEquals("--out '': the path is empty; expected a directory for the report", out.getMessage());
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class, () -> OutputPaths.checkFile("--json", Path.of("")));
        assertEquals("--json '': the path is empty; expected a file to write", json.getMessage());
        for (String[] args : new String[][] {{"sim", "", "--json", tmp.resolve("x.json").toString()}, {"jfr", ""}}) {
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(args), String.join(" ", args));
            assertEquals("skyloft: FILE '': the path is empty; expected a file to read\n", err.toString());
        }
    }

    @Test
    void helpIsNotChecked() {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("demo", "--out", tmp.resolve("never").toString(), "--help"));
        assertFalse(Files.exists(tmp.resolve("never")), "help neither runs nor creates the report directory");
    }
}
