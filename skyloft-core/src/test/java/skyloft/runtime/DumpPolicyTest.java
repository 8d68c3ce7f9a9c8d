package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.SchedAttr;

/**
 * {@code dumpPolicy} from a task, to a writer that blocks (a contended stdout, a socket whose
 * send buffer is full): the task parks in the write, and must not hold the scheduler lock while
 * it does, or its carrier spins on the lock for good and the runtime with it. The timeout's thread
 * is a separate one: then close() spins on that lock too, where no interrupt ends it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DumpPolicyTest {

    @Test
    void aTaskWhoseDumpWriteBlocksHoldsNoLockMeanwhile() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1), writerFree = new CountDownLatch(1), dumped = new CountDownLatch(1);
        StringBuilder got = new StringBuilder();
        Writer slow = new Writer() {
            @Override
            public void write(char[] c, int off, int len) {
                inWrite.countDown();
                try {
                    writerFree.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                got.append(c, off, len);
            }

            @Override public void flush() {}
            @Override public void close() {}
        };
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").timer(TimerMode.POLL).pin(false).build()) {
            rt.start("dumper", SchedAttr.DEFAULT, () -> {
                rt.dumpPolicy(new PrintWriter(slow));
                dumped.countDown();
            });
            assertTrue(inWrite.await(20, TimeUnit.SECONDS), "the dump reached the writer");
            // The lock must come free while the write still waits (for 30 s), which it never would if
            // the dump held it. One look is not enough: the carrier takes the lock for moments of its
            // own (parking this very task, picking, its idle ticks), and one the OS stalls in such a
            // moment holds it that much longer.
            boolean free = false;
            long untilNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(free = rt.lock.tryLock()) && System.nanoTime() < untilNs) Thread.sleep(1);
            if (free) rt.lock.unlock();
            writerFree.countDown();
            assertTrue(free, "the scheduler lock is free while the dumping task waits in its write");
            assertTrue(dumped.await(20, TimeUnit.SECONDS), "the dump finished once the writer was free");
            assertTrue(got.toString().startsWith("fifo"), "the policy's dump was written: " + got);
            assertTrue(rt.start("after", SchedAttr.DEFAULT, () -> { }).join(java.time.Duration.ofSeconds(20)), "the runtime runs tasks after it");
        }
    }
}
