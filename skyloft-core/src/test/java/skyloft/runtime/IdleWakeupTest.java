package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * Waking a task of an idle runtime from outside: the carrier pinned to the waker's own CPU is
 * unparked (its CPU is running; the task's last CPU may be halted), and when it drains the
 * wakeup while free, the policy is offered that CPU in place of the parked last one. No timer
 * thread (it would drain the inbox now and then) and no safety wakeups of parked carriers, so
 * only the waker decides which carrier drains the wakeup.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleWakeupTest {

    /** A FIFO per CPU, no stealing; new tasks go to CPU 1; records the prevCpu hint of the last wakeup. */
    static final class Recording extends SchedPolicy {
        final ArrayDeque<Task>[] queues = newQueues();
        volatile int wakeHint = -2;

        @SuppressWarnings("unchecked")
        private static ArrayDeque<Task>[] newQueues() {
            return new ArrayDeque[] {new ArrayDeque<Task>(), new ArrayDeque<Task>()};
        }

        @Override public String name() { return "recording"; }

        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
            if (reason == EnqueueReason.NEW) return 1;
            wakeHint = prevCpu;
            return super.selectCpu(task, prevCpu, reason, nowNs);
        }

        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queues[cpu].addLast(task); }

        @Override public Task pickNext(int cpu, long nowNs) { return queues[cpu].pollFirst(); }
    }

    private static void await(java.util.function.BooleanSupplier c, String what) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            LockSupport.parkNanos(200_000);
        }
    }

    @Test
    void aWakeupFromOutsideRunsOnTheWakersCpuWhenTheLastOneIsParked() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        Recording policy = new Recording();
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(2).policy(policy).timer(TimerMode.OFF)
                .idleSpinNs(0).maxParkNs(60_000_000_000L).build()) {
            AtomicInteger ranOn = new AtomicInteger(-1);
            CountDownLatch parkedOnce = new CountDownLatch(1);
            CountDownLatch woke = new CountDownLatch(1);
            Thread t = rt.start("sleeper", SchedAttr.DEFAULT, () -> {
                parkedOnce.countDown();
                LockSupport.park();
                ranOn.set(((Carrier) VThreads.currentCarrier()).cpu);
                woke.countDown();
            });
            assertTrue(parkedOnce.await(10, TimeUnit.SECONDS));
            await(() -> t.getState() == Thread.State.WAITING, "the task blocks");
            await(() -> rt.carriers[0].parked && rt.carriers[1].parked, "both carriers park");
            // a carrier pins itself before its first pick, so by now it has or it cannot
            assumeTrue(rt.carriers[0].osCpu >= 0 && rt.carriers[1].osCpu >= 0, "carriers not pinned here");
            int os0 = rt.carriers[0].osCpu;
            // the pin's outcome is checked here: an assertion in the waker would only kill the waker
            String[] pinError = {"not run"};
            Thread waker = Thread.ofPlatform().start(() -> {
                pinError[0] = Affinity.pinCurrentThread(os0);
                if (pinError[0] == null) LockSupport.unpark(t);
            });
            assertTrue(waker.join(Duration.ofSeconds(10)));
            if (pinError[0] != null) LockSupport.unpark(t); // let the task end before failing
            assertEquals(null, pinError[0], "the waker could not pin itself to CPU " + os0);
            assertTrue(woke.await(10, TimeUnit.SECONDS), "the woken task ran");
            assertEquals(0, policy.wakeHint, "the policy was offered the waker's awake CPU, not the parked last one");
            assertEquals(0, ranOn.get());
            assertTrue(t.join(Duration.ofSeconds(10)));
        }
    }
}
