package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code skyloft sim}'s output files, through the whole command line: where they may go, and what a failure prints. */
class SimOutputsTest {
    @TempDir
    Path tmp;

    /** What one command line printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    Path scenario() throws Exception {
        return Files.writeString(tmp.resolve("s.yaml"), """
                duration: 2ms
                tasks:
                  - {name: a, type: periodic, runtime: 100us, period: 1ms}
                """);
    }

    @Test
    void outputsGoIntoDirectoriesThatDoNotExistYet() throws Exception {
        Path json = tmp.resolve("new/sub/x.json"), svg = tmp.resolve("g/x.svg"), trace = tmp.resolve("t/a/b.json");
        Run r = run("sim", scenario().toString(), "--json", json.toString(), "--gantt", svg.toString(), "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(json).contains("\"tasks\""));
        assertTrue(Files.readString(svg).startsWith("<svg") || Files.readString(svg).startsWith("<?xml"));
        assertTrue(Files.readString(trace).contains("traceEvents"));
    }

    @Test
    void aBadOptionValuePrintsItsErrorAndWhereTheUsageIsNotTheUsage() throws Exception {
        Run r = run("sim", scenario().toString(), "--seed", "abc");
        assertEquals(2, r.code());
        assertEquals("skyloft: Invalid value for option '--seed': 'abc' is not a long\nsee 'skyloft sim --help'\n", r.err());
        Run typo = run("sim", scenario().toString(), "--sed", "3");
        assertEquals(2, typo.code());
        assertTrue(typo.err().startsWith("skyloft: Unknown options: '--sed', '3'\n"), typo.err());
        assertTrue(typo.err().endsWith("see 'skyloft sim --help'\n") && !typo.err().contains("Usage:"), typo.err());
    }

    @Test
    void aDeviceThatRefusesTheWriteFailsTheCommandAndStaysADevice() throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full) && !Files.isRegularFile(full), "a /dev/full device");
        Run r = run("sim", scenario().toString(), "--json", full.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("skyloft: cannot write /dev/full: No space left on device\n", r.err());
        assertFalse(r.out().contains("results:"), r.out());
        assertTrue(!Files.isRegularFile(full), "not replaced by a file");
    }

    @Test
    void aWriteThatFailsAfterTheRunIsOneLineNamingThePath() throws Exception {
        // passes the checks before the run (the directory is writable), fails at the write: no file system takes such a name
        Path json = tmp.resolve("x".repeat(300) + ".json");
        Run r = run("sim", scenario().toString(), "--json", json.toString());
        assertEquals(2, r.code());
        assertEquals("skyloft: cannot write " + json + ": File name too long\n", r.err());
        assertFalse(r.out().contains("results:"), r.out());
    }
}
