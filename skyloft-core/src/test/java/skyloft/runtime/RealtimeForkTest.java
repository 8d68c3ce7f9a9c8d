package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thread raised to SCHED_FIFO (the timer, bench lc's dispatcher) does not pass it on to the threads it starts. */
class RealtimeForkTest {

    /** The calling thread's scheduling policy and real-time priority, from /proc (fields 41 and 40). */
    static int[] policyAndPriority() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3
        return new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])};
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void threadsStartedByARealtimeThreadStartAtTheOrdinaryPolicy() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "needs Linux's /proc");
        int[][] seen = new int[4][];
        Throwable[] failed = new Throwable[1];
        Thread raised = Thread.ofPlatform().start(() -> {
            try {
                String why = Affinity.setRealtimePriority(2);
                assumeTrue(why == null, "no real-time priority here: " + why);
                seen[0] = policyAndPriority();
                Thread child = Thread.ofPlatform().start(() -> {
                    try {
                        seen[1] = policyAndPriority();
                    } catch (Exception e) {
                        failed[0] = e;
                    }
                });
                child.join();
                ForkJoinPool pool = new ForkJoinPool(1); // its worker is created by the submitting thread
                try {
                    seen[2] = pool.submit(RealtimeForkTest::policyAndPriority).get();
                } finally {
                    pool.shutdownNow();
                }
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        raised.join();
        if (failed[0] instanceof org.opentest4j.TestAbortedException skipped) throw skipped;
        if (failed[0] != null) throw new AssertionError(failed[0]);
        assertEquals(1, seen[0][0], "the raised thread is SCHED_FIFO");
        assertEquals(2, seen[0][1]);
        assertEquals(0, seen[1][0], "a thread it starts is SCHED_OTHER");
        assertEquals(0, seen[1][1]);
        assertEquals(0, seen[2][0], "so is a pool worker its submission creates");
    }
}
