package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * The idle carrier's adaptive spin: the arithmetic of one adaptation; a one-carrier runtime whose
 * window grows while its idle periods are short and shrinks after long ones; and a carrier that
 * is only ever woken for its peer's work, whose window stays at the minimum. The runtime cases
 * assert only the direction of the adaptation, with a 10-ms maximum: their 200-us idle periods
 * count as short unless the OS stalls a carrier for that long, which a loaded machine does now
 * and then, not at every period.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleSpinTest {

    @Test
    void aParkedPeriodWithinTheMaximumDoublesTheWindowAndALongerOneHalvesIt() {
        // 20us..1ms: a 300us period that parked doubles 20us to 40us, and 40us to 80us
        assertEquals(40_000, IdleSpin.next(20_000, 300_000, 20_000, 1_000_000));
        assertEquals(80_000, IdleSpin.next(40_000, 300_000, 20_000, 1_000_000));
        // capped at the maximum; a period of exactly the maximum still counts as short
        assertEquals(1_000_000, IdleSpin.next(640_000, 1_000_000, 20_000, 1_000_000));
        // a 3ms period halves 640us to 320us, and never goes below the minimum
        assertEquals(320_000, IdleSpin.next(640_000, 3_000_000, 20_000, 1_000_000));
        assertEquals(20_000, IdleSpin.next(30_000, 3_000_000, 20_000, 1_000_000));
        // from a window of 0, growth starts at 10us
        assertEquals(10_000, IdleSpin.next(0, 50_000, 0, 1_000_000));
        // a fixed spin (min == max) never moves
        assertEquals(2_000_000, IdleSpin.next(2_000_000, 100_000, 2_000_000, 2_000_000));
        assertEquals(2_000_000, IdleSpin.next(2_000_000, 50_000_000, 2_000_000, 2_000_000));
    }

    @Test
    void theBuilderRefusesAMaximumBelowTheMinimumOrPastTenMilliseconds() {
        var e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().idleSpinNs(50_000, 20_000));
        assertTrue(e.getMessage().contains("20000ns") && e.getMessage().contains("50000ns (the minimum) to 10ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().idleSpinNs(0, 20_000_000));
        assertTrue(e.getMessage().contains("20000000ns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SkyloftRuntime.builder().idleSpinNs(-1, 1_000));
        assertTrue(e.getMessage().contains("-1ns") && e.getMessage().contains("0 to 10ms"), e.getMessage());
    }

    @Test
    void shortIdlePeriodsGrowTheWindowAndALongOneShrinksIt() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false)
                .idleSpinNs(20_000, 10_000_000).build()) {
            Carrier c = rt.carriers[0];
            assertEquals(20_000, c.spinNs, "a carrier starts at the minimum");
            // 30 sleeps of 200us: each leaves the carrier idle about that long. A period that
            // parks ends within 10ms unless the OS stalls for longer, and then it only halves;
            // once the window passes the period the sleeps end while it spins and it stays.
            Thread t = rt.start(() -> {
                for (int i = 0; i < 30; i++) LockSupport.parkNanos(200_000);
            });
            t.join();
            long grown = spinOf(rt);
            assertTrue(grown > 20_000, "window after short idle periods: " + grown + "ns");
            // now idle for 30ms, past the 10ms maximum, and parked (the window is shorter than
            // that, but a stalled carrier may not have got to its park yet): the next task ends
            // that period
            Thread.sleep(30);
            awaitParked(c);
            rt.start(() -> {}).join();
            long shrunk = spinOf(rt);
            assertTrue(shrunk < grown, "window after a 30ms idle period: " + shrunk + "ns, before " + grown + "ns");
        }
    }

    @Test
    void whileAnotherRuntimeIsOpenCarriersSpinOnlyTheMinimum() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false)
                .idleSpinNs(20_000, 10_000_000).build()) {
            assertEquals(1, SkyloftRuntime.openRuntimes(), "no other runtime is open (a test left one open?)");
            rt.start(() -> {
                for (int i = 0; i < 30; i++) LockSupport.parkNanos(200_000);
            }).join();
            long grown = spinOf(rt);
            assertTrue(grown > 20_000, "window " + grown + "ns");
            assertEquals(grown, rt.carriers[0].spinWindowNs(), "alone, the carrier spins its window");
            try (SkyloftRuntime other = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build()) {
                assertEquals(2, SkyloftRuntime.openRuntimes());
                assertEquals(20_000, rt.carriers[0].spinWindowNs(), "beside another runtime, only the minimum");
                assertEquals(grown, rt.carriers[0].spinNs, "the window itself is kept");
            }
            assertEquals(1, SkyloftRuntime.openRuntimes());
            assertEquals(grown, rt.carriers[0].spinWindowNs(), "alone again");
        }
        assertEquals(0, SkyloftRuntime.openRuntimes());
    }

    /** Every task runs on CPU 0, and nothing is ever stolen. */
    static final class AllOnCpu0 extends SchedPolicy {
        final ArrayDeque<Task> queue = new ArrayDeque<>();
        @Override public String name() { return "all-on-0"; }
        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) { return 0; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return cpu == 0 ? queue.pollFirst() : null; }
    }

    @Test
    void aCarrierWokenOnlyForItsPeersWorkKeepsTheMinimum() throws Exception {
        // Each of the task's wakeups is enqueued for CPU 0 while carrier 1 is idle, so carrier 1
        // is woken to look each time and finds nothing: its idle period never ends, and its
        // window must not grow with carrier 0's.
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new AllOnCpu0()).pin(false)
                .idleSpinNs(20_000, 10_000_000).build()) {
            rt.start(() -> {
                for (int i = 0; i < 30; i++) LockSupport.parkNanos(200_000);
            }).join();
            long zero = spinOf(rt, 0);
            assertTrue(zero > 20_000, "carrier 0's window: " + zero + "ns");
            assertTrue(rt.carriers[1].idleParks > 0, "carrier 1 never parked, so the case did not arise");
            assertEquals(20_000, spinOf(rt, 1), "carrier 1's window");
        }
    }

    private static void awaitParked(Carrier c) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!c.parked) {
            if (System.nanoTime() > end) throw new AssertionError("the carrier did not park");
            Thread.sleep(1);
        }
    }

    private static long spinOf(SkyloftRuntime rt) throws InterruptedException {
        return spinOf(rt, 0);
    }

    /** A carrier's window as the stats report it, once that carrier is idle again. */
    private static long spinOf(SkyloftRuntime rt, int cpu) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!rt.carriers[cpu].idle) {
            if (System.nanoTime() > end) throw new AssertionError("the carrier did not go idle");
            Thread.sleep(1);
        }
        return rt.stats().cpus().get(cpu).idleSpinNs();
    }
}
