package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RewriteBenchTest {

    @Test
    @Timeout(120)
    void rewritesAndLoadsEveryClassOfTheJarsAndReportsBoth() throws Exception {
        Path hdr = Path.of(org.HdrHistogram.Histogram.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchResult r = RewriteBench.run(new RewriteBench.Config(List.of(hdr), 2), new PrintStream(progress, true));
        Map<String, Object> counts = r.rows().stream().filter(x -> x.metric().equals("rewrite_us_per_class")).findFirst().orElseThrow().params();
        int classes = (Integer) counts.get("classes");
        assertTrue(classes > 20, "HdrHistogram has dozens of classes: " + counts);
        assertTrue((Integer) counts.get("changed") > 0 && (Integer) counts.get("failed") == 0, counts.toString());
        Map<String, Object> loads = r.rows().stream().filter(x -> x.metric().equals("load_us_per_class")).findFirst().orElseThrow().params();
        assertEquals(classes, (Integer) loads.get("loaded") + (Integer) loads.get("not_loaded"), loads.toString());
        for (String m : List.of("rewrite_first_us_per_class", "rewrite_us_per_class")) assertTrue(r.value("skyloft:agent", m) > 0, m);
        for (String m : List.of("load_first_us_per_class", "load_us_per_class")) assertTrue(r.value("jvm", m) > 0, m);
        assertEquals(r.value("skyloft:agent", "rewrite_us_per_class") / r.value("jvm", "load_us_per_class"),
                r.value("skyloft:agent", "rewrite_vs_load"), 1e-9);
        assertEquals(3, progress.toString().lines().count(), "a line at the start and one per pass: " + progress);
    }

    /** A class that makes a virtual thread as an application would: the agent redirects the call. */
    static final class StartsVirtual {
        static Thread make() {
            return Thread.ofVirtual().unstarted(() -> {});
        }
    }

    @Test
    @Timeout(120)
    void timesTheThreadFactoryRedirectAsTheAgentRunsIt(@TempDir Path dir) throws Exception {
        String entry = StartsVirtual.class.getName().replace('.', '/') + ".class";
        Path jar = dir.resolve("app.jar");
        try (var in = StartsVirtual.class.getClassLoader().getResourceAsStream(entry);
             var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        BenchResult r = RewriteBench.run(new RewriteBench.Config(List.of(jar), 2), new PrintStream(new ByteArrayOutputStream(), true));
        Map<String, Object> counts = r.rows().stream().filter(x -> x.metric().equals("rewrite_us_per_class")).findFirst().orElseThrow().params();
        assertEquals(Map.of("classes", 1, "changed", 1, "redirected", 1, "failed", 0), counts);
    }

    @Test
    void badInputIsRefusedNamingTheValue(@TempDir Path dir) throws Exception {
        Path notJar = Files.writeString(dir.resolve("x.txt"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new RewriteBench.Config(List.of(notJar), 3));
        assertTrue(e.getMessage().contains("'" + notJar + "' is not a jar file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RewriteBench.Config(List.of(dir.resolve("none.jar")), 3));
        assertTrue(e.getMessage().contains("none.jar"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RewriteBench.Config(List.of(), 3));
        assertTrue(e.getMessage().contains("--jars: none given"), e.getMessage());
        Path hdr = Path.of(org.HdrHistogram.Histogram.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        e = assertThrows(IllegalArgumentException.class, () -> new RewriteBench.Config(List.of(hdr), 1));
        assertTrue(e.getMessage().contains("--passes 1 out of range; allowed 2..50"), e.getMessage());
    }
}
