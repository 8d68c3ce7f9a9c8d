package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * The time a policy is given never goes back. The timer's and a carrier's ticks read the clock
 * before they try the lock; the OS may take the thread between the two while other CPUs call
 * the policy with later times. Here the test thread plays such a late tick: it calls the tick
 * paths as the OS would have left them, long after the clock read that a stale reading stands
 * for, while the policy has already seen a later time. Each path must read the clock again under
 * the lock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockedClockTest {

    /** A global FIFO that records the latest time any op was given, and each time it went back. */
    static final class Watch extends SchedPolicy {
        private final ArrayDeque<Task> queue = new ArrayDeque<>();
        long latestNs = Long.MIN_VALUE;
        int wentBack;
        int ticks;

        private void saw(long nowNs) {
            if (nowNs < latestNs) wentBack++;
            latestNs = Math.max(latestNs, nowNs);
        }

        @Override public String name() { return "watch"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { saw(nowNs); queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { saw(nowNs); return queue.pollFirst(); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { saw(nowNs); ticks++; return false; }
        @Override public void running(int cpu, Task task, long nowNs) { saw(nowNs); }
        @Override public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) { saw(nowNs); }
    }

    @Test
    void lateTicksGiveThePolicyATimeUnderTheLock() throws Exception {
        Watch policy = new Watch();
        AtomicBoolean stop = new AtomicBoolean();
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(policy).timer(TimerMode.POLL).pin(false).build()) {
            CountDownLatch running = new CountDownLatch(1);
            Thread spinner = rt.start("spinner", SchedAttr.DEFAULT, () -> {
                running.countDown();
                while (!stop.get()) Thread.onSpinWait(); // no polls: this carrier ticks nothing itself
            });
            assertTrue(running.await(20, TimeUnit.SECONDS), "the spinner ran");
            Carrier c = rt.carriers[0];
            RtTask t = c.current;
            assertTrue(t != null && t.thread == spinner, "the spinner is the carrier's task");
            int ticksBefore;
            rt.lock.lock();
            try {
                ticksBefore = policy.ticks;
            } finally {
                rt.lock.unlock();
            }
            // Stand-ins for the reading these paths took before: the policy has seen later times.
            // The carrier's own tick, as the spinner's poll would call it (the test thread is not
            // the carrier, but the tick only reads and writes under the lock).
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!rt.carrierTick(c, t)) assertTrue(System.nanoTime() < end, "the lock came free");
            while (!rt.timerTick()) assertTrue(System.nanoTime() < end, "the lock came free");
            while (rt.kickTimerTick() == 0) assertTrue(System.nanoTime() < end, "the lock came free");
            stop.set(true);
            spinner.join(TimeUnit.SECONDS.toMillis(20));
            rt.lock.lock();
            try {
                assertEquals(ticksBefore + 2, policy.ticks, "both ticks reached the policy's tick");
                assertEquals(0, policy.wentBack, "times given to the policy went back");
            } finally {
                rt.lock.unlock();
            }
        }
    }
}
