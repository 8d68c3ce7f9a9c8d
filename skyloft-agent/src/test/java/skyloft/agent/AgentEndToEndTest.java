package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The -javaagent path end to end: a forked JVM (the JDK these tests run on) with the agent jar,
 * running agenttest.app.AgentMain. The test phase runs before Maven packages the real jar, so
 * this test writes an equivalent jar (same manifest attributes as the module pom) from the
 * compiled agent classes.
 */
class AgentEndToEndTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theAgentInstrumentsTheApplicationAndNothingElse(@TempDir Path dir) throws Exception {
        Path agentClasses = codeSource(PollAgent.class);
        Path jar = dir.resolve("skyloft-agent.jar");
        writeAgentJar(agentClasses, jar);
        String cp = codeSource(agenttest.app.AgentMain.class) + java.io.File.pathSeparator + codeSource(skyloft.runtime.Poll.class);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-javaagent:" + jar + "=include=agenttest.;exclude=agenttest.excluded.;verbose",
                "-cp", cp, "agenttest.app.AgentMain"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String stdout = Files.readString(out), stderr = Files.readString(err);
        assertTrue(done, "forked JVM did not finish in 90 s; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertEquals(0, p.exitValue(), "stdout:\n" + stdout + "\nstderr:\n" + stderr);

        assertEquals(1001, value(stdout, "app.polls"), "1000 back-edges + one entry poll; stdout:\n" + stdout);
        assertTrue(value(stdout, "samples.polls") > 100, stdout);
        assertEquals(21, value(stdout, "samples"));
        assertEquals(0, value(stdout, "jdk.polls"), "the JDK must not be instrumented");
        assertEquals(0, value(stdout, "skyloft.polls"), "Skyloft must not be instrumented");
        assertEquals(0, value(stdout, "excluded.polls"), "exclude= must hold");
        assertTrue(stderr.contains("skyloft-agent: active"), stderr);
        Matcher m = Pattern.compile("classes transformed=(\\d+) unchanged=\\d+ excluded=\\d+ failed=(\\d+)").matcher(stderr);
        assertTrue(m.find(), "verbose summary at exit; stderr:\n" + stderr);
        assertTrue(Integer.parseInt(m.group(1)) >= 5, stderr);
        assertEquals("0", m.group(2), stderr);
        assertTrue(stdout.contains("stats=Snapshot[transformed="), stdout);
    }

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void aProgramWithItsOwnPinnedRuntimeGetsTheStartHookWithTheThreadRulesProperty(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(skyloft.runtime.Affinity.unavailableReason() == null
                && skyloft.runtime.Affinity.allowedCpus().size() > 1, "needs CPU affinity and two CPUs");
        int cpus = skyloft.runtime.Affinity.allowedCpus().size();
        Path jar = dir.resolve("skyloft-agent.jar");
        writeAgentJar(codeSource(PollAgent.class), jar);
        String cp = String.join(java.io.File.pathSeparator, codeSource(agenttest.app.EmbeddedPinned.class).toString(),
                codeSource(skyloft.runtime.Poll.class).toString(), codeSource(org.HdrHistogram.Histogram.class).toString());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (boolean rules : new boolean[] {true, false}) {
            List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "--enable-native-access=ALL-UNNAMED", "-javaagent:" + jar + "=include=agenttest."));
            if (rules) cmd.add("-Dskyloft.launcher.threadRules=true");
            cmd.addAll(List.of("-cp", cp, "agenttest.app.EmbeddedPinned"));
            Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly();
            String stdout = Files.readString(out), stderr = Files.readString(err);
            assertTrue(done && p.exitValue() == 0, "rules=" + rules + "; stdout:\n" + stdout + "\nstderr:\n" + stderr);
            assertEquals("child.cpus=" + (rules ? cpus : 1) + " process.cpus=" + cpus, stdout.strip(),
                    (rules ? "the start hook gives the task's thread every CPU" : "without it the thread keeps its carrier's one CPU")
                            + "; stderr:\n" + stderr);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void attachingToARunningJvmRetransformsLoadedClasses(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("skyloft-agent.jar");
        writeAgentJar(codeSource(PollAgent.class), jar);
        String cp = codeSource(agenttest.app.AttachMain.class) + java.io.File.pathSeparator + codeSource(skyloft.runtime.Poll.class);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Djdk.attach.allowAttachSelf=true",
                "-XX:+EnableDynamicAgentLoading", "-cp", cp, "agenttest.app.AttachMain", jar.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String stdout = Files.readString(out), stderr = Files.readString(err);
        assertTrue(done, "forked JVM did not finish in 90 s; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertEquals(0, p.exitValue(), "stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertEquals(0, value(stdout, "before.polls"), "no agent yet");
        assertEquals(101, value(stdout, "after.polls"), "100 back-edges + one entry poll after retransformation; stderr:\n" + stderr);
    }

    private static long value(String text, String key) {
        Matcher m = Pattern.compile("(?m)(?:^|\\s)" + Pattern.quote(key) + "=(-?\\d+)").matcher(text);
        if (!m.find()) throw new AssertionError("no " + key + "= in:\n" + text);
        return Long.parseLong(m.group(1));
    }

    private static Path codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A jar of the agent's classes with the manifest the module pom writes. */
    static void writeAgentJar(Path classesDir, Path jar) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Premain-Class", PollAgent.class.getName());
        a.putValue("Agent-Class", PollAgent.class.getName());
        a.putValue("Launcher-Agent-Class", PollAgent.class.getName());
        a.putValue("Can-Retransform-Classes", "true");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf);
             Stream<Path> files = Files.walk(classesDir.resolve("skyloft/agent"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                jos.putNextEntry(new JarEntry(classesDir.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
        assertTrue(Files.size(jar) > 1000, "agent jar written from " + classesDir + " " + StandardCharsets.UTF_8);
    }
}
