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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * A task that never reaches a preemption point holds its CPU; what is queued for that CPU must
 * not wait for it while another CPU ticks. The runtime notices the stalled CPU (POLL timer: from
 * a peer's own tick, by the missing clock reads; SLEEP and SPIN: from the timer, by a preemption
 * request not taken) and asks the policy to rescue the queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RescueTest {

    /** A FIFO per CPU, no stealing; "polite" goes to CPU 1, everything else to CPU 0; slices end
     *  when the CPU's queue has waiters; rescue moves the queued "short*" tasks (the spinners stay
     *  where the test put them, should a CPU be slow to wake at their start). */
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
            int n = 0;
            for (var it = queues[stalledCpu].iterator(); it.hasNext(); ) {
                Task t = it.next();
                if (!t.name().startsWith("short")) continue;
                it.remove();
                queues[toCpu].addLast(t);
                n++;
            }
            return n;
        }
    }

    /** Starts "stuck" on CPU 0 (spins with no preemption point) and "polite" on CPU 1 (spins through
     *  polls), then four short tasks queued for CPU 0; returns how many of those finished in time. */
    private static long shortTasksDone(SkyloftRuntime rt, long waitMs) throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch stuckSpins = new CountDownLatch(1), politeSpins = new CountDownLatch(1);
        Thread stuck = rt.start("stuck", SchedAttr.DEFAULT, () -> {
            stuckSpins.countDown();
            while (!release.get()) Thread.onSpinWait();
        });
        // One after the other: started together, a CPU slow to wake could have its task rescued
        // to the other (and the stuck task would hold CPU 1 instead).
        assertTrue(stuckSpins.await(10, TimeUnit.SECONDS), "the stuck task started");
        Thread polite = rt.start("polite", SchedAttr.DEFAULT, () -> {
            politeSpins.countDown();
            while (!release.get()) Skyloft.preemptionPoint();
        });
        try {
            assertTrue(politeSpins.await(10, TimeUnit.SECONDS), "the polite task started");
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

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP", "SPIN"})
    void tasksQueuedBehindAStalledCpuRunOnTheTickingOne(TimerMode mode) throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new Pinned()).timer(mode).build()) {
            assertEquals(4, shortTasksDone(rt, 10_000));
            assertTrue(rt.stats().counters().get("rescued") >= 4, "the runtime counted the rescue");
        }
    }

    /** Everything named "short*" goes to CPU 1, the rest to CPU 0; slices end when the CPU's
     *  queue has waiters; rescue moves a whole queue. */
    static final class ShortsToOne extends SchedPolicy {
        final Pinned queues = new Pinned();

        @Override public String name() { return "shorts-to-one"; }
        @Override public boolean tickNeedsWaiters() { return true; }
        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
            return task.name().startsWith("short") ? 1 : 0;
        }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queues.enqueue(task, cpu, reason, nowNs); }
        @Override public Task pickNext(int cpu, long nowNs) { return queues.pickNext(cpu, nowNs); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { return queues.tick(cpu, task, ranNs, nowNs); }
        @Override public int rescue(int stalledCpu, int toCpu, long nowNs) { return queues.rescue(stalledCpu, toCpu, nowNs); }
    }

    /**
     * The idle CPU 1 is asked to take a short task started from outside the runtime, but its
     * carrier does not run (the test holds it where it leaves its idle wait, as the OS would by
     * running something else on that CPU). CPU 0 is busy with a task that polls. The wakeups must
     * still reach the policy, not only through the carrier that was unparked (POLL: CPU 0 drains
     * them at its next clock read, and the kick timer's periodic look at the inbox is pushed out
     * of the test's reach; SLEEP: the ticking timer drains them), and what was queued for CPU 1
     * must be rescued to CPU 0.
     */
    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void workQueuedForAnIdleCpuThatDoesNotWakeRunsOnTheBusyOne(TimerMode mode) throws Exception {
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1), letGo = new CountDownLatch(1);
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(new ShortsToOne()).timer(mode)
                .idleSpinNs(0).maxParkNs(60_000_000_000L)
                .idleExitHook(cpu -> {
                    if (cpu != 1 || !hold.get()) return;
                    held.countDown();
                    try {
                        letGo.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).build();
        AtomicBoolean release = new AtomicBoolean();
        try (rt) {
            try {
                CountDownLatch spinning = new CountDownLatch(1);
                rt.start("polite", SchedAttr.DEFAULT, () -> {
                    spinning.countDown();
                    while (!release.get()) Skyloft.preemptionPoint();
                });
                assertTrue(spinning.await(10, TimeUnit.SECONDS), "the spinner started");
                hold.set(true);
                for (int i = 0; i < 1000 && !rt.carriers[1].parked; i++) Thread.sleep(5); // from now on it can only wake into the hold
                assertTrue(rt.carriers[1].parked, "CPU 1's carrier parked idle");
                int n = 1; // one: a second start would find no carrier parked, and arm CPU 0 on that account
                CountDownLatch done = new CountDownLatch(n);
                int[] ranOn = new int[n];
                List<Thread> shorts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    shorts.add(rt.start("short" + i, SchedAttr.DEFAULT, () -> {
                        ranOn[k] = ((Carrier) VThreads.currentCarrier()).cpu;
                        done.countDown();
                    }));
                }
                assertTrue(done.await(10, TimeUnit.SECONDS), "the short task ran while CPU 1's carrier was held");
                assertTrue(held.await(10, TimeUnit.SECONDS), "CPU 1's carrier was woken, into the hold");
                for (int k = 0; k < n; k++) assertEquals(0, ranOn[k], "short" + k + " ran on CPU 0");
                assertTrue(rt.stats().counters().get("rescued") >= n, "the runtime counted the rescue");
                for (Thread t : shorts) assertTrue(t.join(Duration.ofSeconds(10)));
            } finally {
                letGo.countDown();
                release.set(true);
            }
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
