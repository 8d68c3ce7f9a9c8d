package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.policy.Fifo;
import skyloft.spi.SchedAttr;

/**
 * Two wakeups in a burst (a latch, a notifyAll, an I/O poller) of tasks that last ran on CPU 0,
 * while both carriers are parked. Both pushes see carrier 0 still parked and unpark it; it drains
 * both and queues both on its own CPU, free as it is. The pick of the first must wake the parked
 * peer to steal the second, or the second waits behind the first (under fifo, for as long as the
 * first runs) until the peer's park times out: here 60 s, against the first task's 30-s spin.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BurstWakeupTest {

    private static void await(java.util.function.BooleanSupplier c, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
            LockSupport.parkNanos(200_000);
        }
    }

    @Test
    void theSecondOfTwoWakeupsQueuedOnOneCpuIsStolenByTheParkedPeer() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        AtomicInteger aCpu = new AtomicInteger(-1), bCpu = new AtomicInteger(-1);
        AtomicBoolean bRan = new AtomicBoolean(), bRanWhileASpun = new AtomicBoolean();
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new Fifo()).timer(TimerMode.POLL).pin(false)
                .idleSpinNs(0).maxParkNs(60_000_000_000L).build()) {
            CountDownLatch aIn = new CountDownLatch(1), bIn = new CountDownLatch(1);
            Thread a = rt.start("A", SchedAttr.DEFAULT, () -> {
                aCpu.set(((Carrier) VThreads.currentCarrier()).cpu);
                aIn.countDown();
                LockSupport.park();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // fifo: A keeps CPU 0 while it spins
                while (!bRan.get() && System.nanoTime() < end) Thread.onSpinWait();
                bRanWhileASpun.set(bRan.get());
            });
            assertTrue(aIn.await(20, TimeUnit.SECONDS));
            await(() -> a.getState() == Thread.State.WAITING, "A blocks");
            Thread b = rt.start("B", SchedAttr.DEFAULT, () -> {
                bCpu.set(((Carrier) VThreads.currentCarrier()).cpu);
                bIn.countDown();
                LockSupport.park();
                bRan.set(true);
            });
            assertTrue(bIn.await(20, TimeUnit.SECONDS));
            await(() -> b.getState() == Thread.State.WAITING, "B blocks");
            assumeTrue(aCpu.get() == 0 && bCpu.get() == 0, "A and B first ran on CPU 0 (" + aCpu + ", " + bCpu + ")");
            await(() -> rt.carriers[0].parked && rt.carriers[1].parked, "both carriers park");
            LockSupport.unpark(a);
            LockSupport.unpark(b);
            a.join(60_000);
            b.join(60_000);
        }
        assertTrue(bRanWhileASpun.get(), "B ran on the peer while A held CPU 0 (bRan=" + bRan.get() + ")");
    }
}
