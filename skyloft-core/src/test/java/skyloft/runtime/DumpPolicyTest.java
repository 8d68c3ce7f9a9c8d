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
 * it does, or its carrier spins on the lock for good and the runtime with it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
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
            boolean free = rt.lock.tryLock();
            if (free) rt.lock.unlock();
            writerFree.countDown();
            assertTrue(free, "the scheduler lock is free while the dumping task waits in its write");
            assertTrue(dumped.await(20, TimeUnit.SECONDS), "the dump finished once the writer was free");
            assertTrue(got.toString().startsWith("fifo"), "the policy's dump was written: " + got);
            assertTrue(rt.start("after", SchedAttr.DEFAULT, () -> { }).join(java.time.Duration.ofSeconds(20)), "the runtime runs tasks after it");
        }
    }
}
