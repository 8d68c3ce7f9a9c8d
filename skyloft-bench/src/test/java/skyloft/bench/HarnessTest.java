package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HarnessTest {

    @Test
    void warmUpRunsBetweenTheMinimumAndTheMaximum() {
        AtomicInteger calls = new AtomicInteger();
        int n = Harness.warmUntilJitQuiet(2, 5, 1_000_000, calls::incrementAndGet); // a huge quiet threshold: every round is quiet
        assertEquals(2, n, "the minimum, whose last two rounds were quiet");
        assertEquals(2, calls.get());
        calls.set(0);
        var jitBean = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean timedJit = jitBean != null && jitBean.isCompilationTimeMonitoringSupported();
        n = Harness.warmUntilJitQuiet(0, 5, 1_000_000, calls::incrementAndGet);
        assertEquals(timedJit ? Harness.QUIET_ROUNDS : 1, n, "no minimum: two quiet rounds in a row end it");
        calls.set(0);
        // a negative threshold can never be met: the maximum bounds it where the JVM counts
        // compilation time; where it does not, there is nothing to wait for beyond the minimum
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        int expected = jit != null && jit.isCompilationTimeMonitoringSupported() ? 4 : 1;
        n = Harness.warmUntilJitQuiet(1, 4, -1, calls::incrementAndGet);
        assertEquals(expected, n);
        assertEquals(n, calls.get());
    }

    /** Where Linux lists this JVM's compiler threads, their CPU time is read (not -1); elsewhere
     *  the warm-up falls back on the JVM's compile-time counter. */
    @Test
    void theCompilerThreadsCpuTimeIsReadWhereLinuxListsThem() throws java.io.IOException {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        boolean listed = false;
        if (java.nio.file.Files.isDirectory(tasks)) {
            try (var ds = java.nio.file.Files.newDirectoryStream(tasks)) {
                for (java.nio.file.Path t : ds) {
                    try {
                        listed |= java.nio.file.Files.readString(t.resolve("comm")).matches("C[12] CompilerThre.*\\s*");
                    } catch (java.io.IOException gone) {
                        // ended while listed
                    }
                }
            }
        }
        long ms = Harness.compilerCpuMs();
        if (listed) org.junit.jupiter.api.Assertions.assertTrue(ms >= 0, "read " + ms);
        else assertEquals(-1, ms);
    }

    @Test
    void badRoundCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Harness.warmUntilJitQuiet(3, 2, 5, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> Harness.warmUntilJitQuiet(-1, 2, 5, () -> {}));
    }
}
