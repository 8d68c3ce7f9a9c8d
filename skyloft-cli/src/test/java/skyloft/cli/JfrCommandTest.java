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
    void aRecordingWithoutSkyloftEventsSaysHowToMakeOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("empty.jfr");
        try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            rec.enable("jdk.CPULoad");
            rec.start();
            rec.stop();
            rec.dump(file);
        }
        CommandLine cl = Main.commandLine();
        var saved = System.out;
        var bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true));
        try {
            assertEquals(0, cl.execute("jfr", file.toString()));
        } finally {
            System.setOut(saved);
        }
        assertTrue(bytes.toString().contains("no Skyloft scheduling events; record with")
                && bytes.toString().contains("settings=skyloft.jfc"), bytes.toString());
    }
}
