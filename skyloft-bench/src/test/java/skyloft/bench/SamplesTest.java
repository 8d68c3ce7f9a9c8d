package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sample applications run as documented, each in a plain JVM of its own, briefly. */
class SamplesTest {

    private static String run(Path dir, String... mainAndArgs) throws Exception {
        String classes = Path.of(sample.HttpSpin.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classes));
        cmd.addAll(List.of(mainAndArgs));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String text = Files.readString(out);
        assertTrue(done, "did not finish in 60 s: " + text);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    @Test
    @Timeout(120)
    void httpSpinServesItsOwnLoadAndReportsTheShortRequests(@TempDir Path dir) throws Exception {
        String out = run(dir, "sample.HttpSpin", "1", "2000", "0.5");
        assertTrue(out.contains("listening on 127.0.0.1:"), out);
        var m = java.util.regex.Pattern.compile("short requests: (\\d+), p50 \\d+ us.*long requests served in the window: (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(1)) > 10 && Integer.parseInt(m.group(2)) > 10, "both kinds were served: " + out);
        assertTrue(out.contains("ran on VirtualThread["), "the handlers are virtual threads: " + out);
    }

    @Test
    @Timeout(60)
    void httpLoadRefusesBadArgumentsNamingThem(@TempDir Path dir) throws Exception {
        String classes = Path.of(sample.HttpLoad.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classes,
                "sample.HttpLoad", "80", "2", "-5").redirectErrorStream(true).start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String text = new String(p.getInputStream().readAllBytes());
        assertTrue(done, "did not end in 30 s: " + text);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("usage: HttpLoad PORT") && text.contains("got 80 2 -5"), text);
    }

    @Test
    @Timeout(120)
    void startCostPrintsEachPartAndVirtualIoExitEnds(@TempDir Path dir) throws Exception {
        String core = Path.of(skyloft.runtime.SkyloftRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String hdr = Path.of(org.HdrHistogram.Histogram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String bench = Path.of(sample.StartCost.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String sep = java.io.File.pathSeparator;
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-cp", bench + sep + core + sep + hdr,
                "sample.StartCost", "nojfr");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(done, "did not end in 60 s: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s)jfr events off: first FFM call \\d+ ms, build \\d+ ms, first task \\d+ ms, close \\d+ ms\\R"), out);
        run(dir, "sample.VirtualIoExit", "io");
    }

    @Test
    @Timeout(120)
    void pollMixPrintsTheSparseTasksSlicesBesideBothNeighbours() throws Exception {
        String core = Path.of(skyloft.runtime.SkyloftRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String hdr = Path.of(org.HdrHistogram.Histogram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String bench = Path.of(sample.PollMix.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String sep = java.io.File.pathSeparator;
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "-cp", bench + sep + core + sep + hdr,
                "sample.PollMix").redirectErrorStream(true).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(done, "did not end in 90 s: " + out);
        assertEquals(0, p.exitValue(), out);
        var m = java.util.regex.Pattern.compile("(?m)^sparse beside (dense|sparse \\(control\\)): (\\d+) slices, mean \\d+ us, max \\d+ us \\(slice 100 us\\)$").matcher(out);
        int lines = 0;
        while (m.find()) {
            lines++;
            assertTrue(Integer.parseInt(m.group(2)) > 10, "rr preempted the sparse task beside " + m.group(1) + ": " + out);
        }
        assertEquals(2, lines, out);
    }
}
