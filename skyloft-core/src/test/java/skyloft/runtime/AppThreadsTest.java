package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The factories the agent puts in place of the JDK's: with a runtime installed, a platform
 * thread's virtual threads run on its carriers and are adopted; with none, they are the JDK's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppThreadsTest {

    @AfterEach
    void uninstall() {
        AppThreads.install(null);
    }

    /** Where each thread made the three ways ran, from this (platform) thread. */
    private static List<String> spawnAll() throws Exception {
        List<String> where = new ArrayList<>();
        String[] seen = new String[2];
        Thread a = AppThreads.ofVirtual().name("built").start(() -> seen[0] = Thread.currentThread().toString());
        a.join();
        Thread b = AppThreads.startVirtualThread(() -> seen[1] = Thread.currentThread().toString());
        b.join();
        where.add(seen[0]);
        where.add(seen[1]);
        try (ExecutorService ex = AppThreads.newVirtualThreadPerTaskExecutor()) {
            where.add(ex.submit(() -> Thread.currentThread().toString()).get());
        }
        return where;
    }

    @Test
    void withARuntimeInstalledAPlatformThreadsVirtualThreadsRunUnderIt() throws Exception {
        assertTrue(!Thread.currentThread().isVirtual());
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build()) {
            AppThreads.install(rt);
            List<String> where = spawnAll();
            assertEquals(3, where.size());
            for (String w : where) assertTrue(w.contains("@skyloft-carrier-0"), w);
            assertTrue(where.get(0).contains(",built]"), "the builder keeps its name: " + where.get(0));
            RuntimeStats s = rt.stats();
            assertEquals(3L, s.counters().get("adopted_threads"), s.format());
            // (live_tasks may still count the executor's thread: its task completes before it exits)
            assertTrue(rt.close(java.time.Duration.ofSeconds(10)).clean(), "every adopted thread ended");
        }
    }

    @Test
    void aTaskOfAnotherRuntimeKeepsItsOwnRuntimesThreads() throws Exception {
        try (SkyloftRuntime installed = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build();
             SkyloftRuntime other = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build()) {
            AppThreads.install(installed);
            Thread t = other.start("spawner", skyloft.spi.SchedAttr.DEFAULT, () -> {
                try {
                    spawnAll();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(t.join(java.time.Duration.ofSeconds(30)));
            assertEquals(3L, other.stats().counters().get("adopted_threads"), "inherited from the spawning task");
            assertEquals(0L, installed.stats().counters().get("adopted_threads"), "none went to the installed runtime");
            assertEquals(0L, other.stats().counters().get("uncaught_exceptions"));
        }
    }

    @Test
    void withNoneInstalledTheyAreTheJdks() throws Exception {
        for (String w : spawnAll()) assertTrue(w.contains("@ForkJoinPool"), w);
        assertThrows(NullPointerException.class, () -> AppThreads.startVirtualThread(null));
    }
}
