package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/** The runtime tells a policy which CPU's task woke the task it places (SchedContext.wakerCpu). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WakerCpuTest {

    /** One FIFO queue that notes, per task name, what wakerCpu said at its WAKEUP's selectCpu and enqueue. */
    static final class Noting extends SchedPolicy {
        private final ArrayDeque<Task> q = new ArrayDeque<>();
        final Map<String, String> seen = new ConcurrentHashMap<>();
        /** wakerCpu during any other op: must be -1. */
        volatile int outside = -1;

        @Override public String name() { return "noting"; }
        @Override public int selectCpu(Task t, int prev, EnqueueReason r, long now) {
            if (r == EnqueueReason.WAKEUP) seen.merge(t.givenName(), "select " + ctx.wakerCpu(), (a, b) -> a + ", " + b);
            return 0;
        }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) {
            if (r == EnqueueReason.WAKEUP) seen.merge(t.givenName(), "enqueue " + ctx.wakerCpu(), (a, b) -> a + ", " + b);
            else if (ctx.wakerCpu() != -1) outside = ctx.wakerCpu();
            q.add(t);
        }
        @Override public Task pickNext(int cpu, long now) {
            if (ctx.wakerCpu() != -1) outside = ctx.wakerCpu();
            return q.poll();
        }
    }

    @Test
    void aWakeupByATaskNamesItsCpuAndOneFromAPlatformThreadNone() throws Exception {
        Noting p = new Noting();
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(p).timer(TimerMode.OFF).pin(false).jfr(false).build()) {
            Thread byTask = rt.start("by-task", skyloft.spi.SchedAttr.DEFAULT, () -> LockSupport.park());
            Thread byPlatform = rt.start("by-platform", skyloft.spi.SchedAttr.DEFAULT, () -> LockSupport.park());
            await(() -> byTask.getState() == Thread.State.WAITING && byPlatform.getState() == Thread.State.WAITING, "both tasks park");
            rt.start(() -> LockSupport.unpark(byTask)).join(); // a task on carrier 0 wakes it
            LockSupport.unpark(byPlatform);                   // this platform thread wakes it
            byTask.join();
            byPlatform.join();
        }
        assertEquals("select 0, enqueue 0", p.seen.get("by-task"), p.seen.toString());
        assertEquals("select -1, enqueue -1", p.seen.get("by-platform"), p.seen.toString());
        assertEquals(-1, p.outside, "-1 in every other op");
        assertTrue(p.seen.size() == 2, p.seen.toString());
    }

    private static void await(java.util.function.BooleanSupplier c, String what) {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            LockSupport.parkNanos(200_000);
        }
    }
}
