package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * A task that never reaches a preemption point holds its CPU; what is queued for that CPU must
 * not wait for it while another CPU ticks. The POLL timer notices the stalled CPU from a peer's
 * tick and asks the policy to rescue the queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RescueTest {

    /** A FIFO per CPU, no stealing; "polite" goes to CPU 1, everything else to CPU 0; slices end
     *  when the CPU's queue has waiters; rescue moves a whole queue. */
    static final class Pinned extends SchedPolicy {
        @SuppressWarnings("unchecked")
        final ArrayDeque<Task>[] queues = new ArrayDeque[] {new ArrayDeque<Task>(), new ArrayDeque<Task>()};

        @Override public String name() { return "pinned"; }
        @Override public boolean tickNeedsWaiters() { return true; }

        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
            return reason == EnqueueReason.NEW ? ("polite".equals(task.name()) ? 1 : 0) : Math.max(prevCpu, 0);
        }

        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queues[cpu].addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queues[cpu].pollFirst(); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { return !queues[cpu].isEmpty(); }

        @Override public int rescue(int stalledCpu, int toCpu, long nowNs) {
            int n = queues[stalledCpu].size();
            while (!queues[stalledCpu].isEmpty()) queues[toCpu].addLast(queues[stalledCpu].pollFirst());
            return n;
        }
    }

    /** Starts "stuck" on CPU 0 (spins with no preemption point) and "polite" on CPU 1 (spins through
     *  polls), then four short tasks queued for CPU 0; returns how many of those finished in time. */
    private static long shortTasksDone(SkyloftRuntime rt, long waitMs) throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch spinning = new CountDownLatch(2);
        Thread stuck = rt.start("stuck", SchedAttr.DEFAULT, () -> {
            spinning.countDown();
            while (!release.get()) Thread.onSpinWait();
        });
        Thread polite = rt.start("polite", SchedAttr.DEFAULT, () -> {
            spinning.countDown();
            while (!release.get()) Skyloft.preemptionPoint();
        });
        try {
            assertTrue(spinning.await(10, TimeUnit.SECONDS), "both spinners started");
            CountDownLatch done = new CountDownLatch(4);
            List<Thread> shorts = new ArrayList<>();
            for (int i = 0; i < 4; i++) shorts.add(rt.start("short" + i, SchedAttr.DEFAULT, done::countDown));
            done.await(waitMs, TimeUnit.MILLISECONDS);
            assertTrue(stuck.isAlive(), "the stuck task still held CPU 0 throughout");
            return 4 - done.getCount();
        } finally {
            release.set(true);
            assertTrue(stuck.join(Duration.ofSeconds(10)) && polite.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void tasksQueuedBehindAStalledCpuRunOnTheTickingOne() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new Pinned()).timer(TimerMode.POLL).build()) {
            assertEquals(4, shortTasksDone(rt, 10_000));
            assertTrue(rt.stats().counters().get("rescued") >= 4, "the runtime counted the rescue");
        }
    }

    @Test
    void withoutRescueTheyWaitForTheStalledCpu() throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new Pinned()).timer(TimerMode.POLL).rescueAfterNs(0).build()) {
            assertEquals(0, shortTasksDone(rt, 300));
            assertEquals(0L, rt.stats().counters().get("rescued"));
        }
    }
}
