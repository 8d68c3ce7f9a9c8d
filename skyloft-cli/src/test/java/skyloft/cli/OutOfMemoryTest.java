package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sizes too large for the heap end in a sentence naming them, not in OutOfMemoryError's stack trace. */
class OutOfMemoryTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** {@code skyloft ARGS} in a JVM with a 64 MB heap: exit code and stderr. */
    private static String[] small(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx64m", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not end in 90 s: " + cmd);
        }
        return new String[] {Integer.toString(p.exitValue()), Files.readString(err)};
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tooManyRunnableTasksForPickNamesTheCountAndTheHeap(@TempDir Path dir) throws Exception {
        String[] r = small(dir, "bench", "pick", "--policies", "fifo", "--runnable", "10,20000000");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("skyloft: --runnable 20000000: ") && r[1].contains("-Xmx"), r[1]);
        assertFalse(r[1].contains("\tat ") || r[1].contains("OutOfMemoryError"), "a sentence, not a stack trace: " + r[1]);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void schbenchMatricesLargerThanTheHeapAreRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        String[] r = small(dir, "bench", "schbench", "--systems", "platform", "--footprint", "65536", "--workers", "8", "--duration", "100ms");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("skyloft: --footprint 65536KB x --workers 8: "), r[1]);
        assertFalse(r[1].contains("[schbench]"), "refused before the run: " + r[1]);
    }
}
