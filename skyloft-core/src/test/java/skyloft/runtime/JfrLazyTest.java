package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Building a runtime does not initialize JFR (about 0.1 s), and a recording started later still
 *  gets the runtime's events: in a JVM of its own, since this one's JFR may be initialized already. */
class JfrLazyTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRuntimeLeavesJfrAloneUntilSomethingInitializesItThenReportsToIt() throws Exception {
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, JfrLateMain.class.getName())).redirectErrorStream(true).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(done, "did not finish in 90 s: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("initialized.after.build=false registered.after.build=false"),
                "building and running a runtime registered the events (about 0.1 s) or initialized JFR: " + out);
        assertTrue(out.contains("registered.after.start=true"), "a recording registers them: " + out);
        assertTrue(out.contains("late.runs=11"), "a recording started after the build sees every run (10 yields, 1 exit): " + out);
    }
}
