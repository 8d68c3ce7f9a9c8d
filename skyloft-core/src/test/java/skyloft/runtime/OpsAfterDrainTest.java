package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * close() gives up on the tasks that outlive its wait and drains the policy, and from that drain
 * on the policy hears nothing (its contract: drain hands back every task it owns, and is its last
 * op), whatever the carriers, the timers and the abandoned tasks still do: a stop is accounted
 * by the runtime alone, no inbox is drained into the policy, nothing ticks, attributes no longer
 * change, and a thread that a task starts once close() has begun is refused before the policy
 * is asked to admit it. The report lists every task once, with the state it is in: a task that
 * stopped runnable after the drain is reported runnable, never blocked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsAfterDrainTest {

    /**
     * A global FIFO that records every op it hears after its drain, except the taskExit of a task
     * it returned from the drain (the runtime ends those tasks there, as documented). Its drain
     * holds close() (and the scheduler lock) until {@code drainMayEnd} opens. It ticks, so that
     * POLL carriers arm and tick themselves and the SLEEP timer ticks busy CPUs.
     */
    static final class Recording extends SchedPolicy {
        private final ArrayDeque<Task> queue = new ArrayDeque<>();
        private final Set<Task> returned = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        final List<String> afterDrain = Collections.synchronizedList(new ArrayList<>());
        final List<String> initialized = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch draining = new CountDownLatch(1), drainMayEnd;
        private volatile boolean drained;

        Recording(boolean holdDrain) {
            drainMayEnd = new CountDownLatch(holdDrain ? 1 : 0);
        }

        private void heard(String op) {
            if (drained) afterDrain.add(op);
        }

        @Override public String name() { return "recording"; }
        @Override public boolean tickNeedsWaiters() { return true; }
        @Override public void admit(Task t, SchedAttr attr) { heard("admit(" + t + ")"); }
        @Override public void taskInit(Task t, long now) { heard("taskInit(" + t + ")"); initialized.add(t.name()); }
        @Override public void taskExit(Task t, long now) { if (!returned.contains(t)) heard("taskExit(" + t + ")"); }
        @Override public void attrChanged(Task t, SchedAttr old, long now) { heard("attrChanged(" + t + ")"); }
        @Override public int selectCpu(Task t, int prev, EnqueueReason r, long now) { heard("selectCpu(" + t + ")"); return Math.max(prev, 0); }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) { heard("enqueue(" + t + "," + r + ")"); queue.addLast(t); }
        @Override public Task pickNext(int cpu, long now) { heard("pickNext(" + cpu + ")"); return queue.pollFirst(); }
        @Override public void running(int cpu, Task t, long now) { heard("running(" + t + ")"); }
        @Override public void stopping(int cpu, Task t, StopReason r, long ran, long now) { heard("stopping(" + t + "," + r + ")"); }
        @Override public boolean tick(int cpu, Task t, long ran, long now) { heard("tick(" + cpu + ")"); return ran >= 20_000 && !queue.isEmpty(); }
        @Override public long tickHintNs(int cpu, Task t, long ran, long now) { heard("tickHintNs(" + cpu + ")"); return now; }
        @Override public int balance(int cpu, boolean idle, long now) { heard("balance(" + cpu + ")"); return 0; }
        @Override public int rescue(int from, int to, long now) { heard("rescue(" + from + ")"); return 0; }

        @Override
        public List<Task> drain(long now) {
            heard("drain again");
            List<Task> out = new ArrayList<>(queue);
            queue.clear();
            returned.addAll(out);
            drained = true;
            draining.countDown();
            try {
                if (!drainMayEnd.await(20, TimeUnit.SECONDS)) throw new AssertionError("the drain was never released");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out;
        }
    }

    private static SkyloftRuntime runtime(SchedPolicy p, int cores, TimerMode timer) {
        return SkyloftRuntime.builder().cores(cores).policy(p).timer(timer).pin(false).jfr(false).build();
    }

    /** The report's entries that name the task called {@code name}. */
    private static List<String> entriesOf(ShutdownReport report, String name) {
        return report.abandoned().stream().filter(e -> e.startsWith(name + "#")).toList();
    }

    @Test
    void aTaskThatYieldsAfterTheDrainIsReportedRunnableAndThePolicyHearsNothingMore() throws Exception {
        Recording p = new Recording(true);
        SkyloftRuntime rt = runtime(p, 1, TimerMode.POLL);
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<Throwable> setAttr = new AtomicReference<>();
        CountDownLatch resumed = new CountDownLatch(1);
        rt.start("spinner", SchedAttr.DEFAULT, () -> {
            running.countDown();
            while (p.draining.getCount() > 0) Thread.onSpinWait(); // close() gives up on it and drains
            p.drainMayEnd.countDown();
            try {
                rt.setAttr(Thread.currentThread(), SchedAttr.DEFAULT.withNice(1)); // waits for the lock close() holds
            } catch (Throwable e) {
                setAttr.set(e);
            }
            Thread.yield(); // its carrier processes this stop after the drain
            resumed.countDown(); // never: nothing is picked once close() has halted the runtime
        });
        assertTrue(running.await(20, TimeUnit.SECONDS), "the spinner started");
        ShutdownReport report = rt.close(Duration.ofMillis(100));
        assertEquals(List.of(), p.afterDrain, "policy ops after the drain");
        assertEquals(1, resumed.getCount(), "the spinner ran again after close() halted the runtime");
        assertTrue(setAttr.get() instanceof IllegalStateException, "setAttr after the drain was refused: " + setAttr.get());
        assertEquals(1, report.abandoned().size(), report.toString());
        // Its carrier processed the yield before close() joined it: the state it ends in.
        assertTrue(report.abandoned().get(0).matches("spinner#\\d+ \\(runnable, stopped after close began\\)"), report.toString());
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void tasksYieldingInALoopWhileCloseTimesOutAreReportedOnceEachAndNeverReachThePolicyAfterItsDrain(TimerMode timer)
            throws Exception {
        Recording p = new Recording(false);
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        SkyloftRuntime rt = runtime(p, cores, timer);
        int yielders = 6;
        CountDownLatch started = new CountDownLatch(yielders + 1);
        for (int i = 0; i < yielders; i++) {
            rt.start("yielder" + i, SchedAttr.DEFAULT, () -> {
                started.countDown();
                while (true) {
                    for (int k = 0; k < 100; k++) Skyloft.preemptionPoint();
                    Thread.yield();
                }
            });
        }
        rt.start("parker", SchedAttr.DEFAULT, () -> {
            started.countDown();
            while (true) LockSupport.park();
        });
        assertTrue(started.await(20, TimeUnit.SECONDS), "every task started");
        ShutdownReport report = rt.close(Duration.ofMillis(200));
        assertEquals(List.of(), p.afterDrain, "policy ops after the drain");
        assertEquals(yielders + 1, report.abandoned().size(), report.toString());
        for (int i = 0; i < yielders; i++) {
            List<String> e = entriesOf(report, "yielder" + i);
            assertEquals(1, e.size(), report.toString());
            // runnable (queued, or stopped after the drain); running only if its carrier took
            // more than close()'s join to come back from a yield
            assertTrue(e.get(0).contains("(runnable, ") || e.get(0).contains("(running on cpu "), e.get(0));
        }
        List<String> parker = entriesOf(report, "parker");
        assertEquals(1, parker.size(), report.toString());
        assertTrue(parker.get(0).endsWith("(blocked)"), parker.get(0));
    }

    @Test
    void aThreadThatATaskStartsOnceCloseBeganIsRefusedBeforeThePolicyHearsOfIt() throws Exception {
        Recording p = new Recording(false);
        SkyloftRuntime rt = runtime(p, 1, TimerMode.POLL);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> childStart = new AtomicReference<>();
        rt.start("parent", SchedAttr.DEFAULT, () -> {
            try {
                go.await();
                Thread.ofVirtual().name("child").start(() -> { }); // inherits the task: adopted at its start
            } catch (Throwable e) {
                childStart.set(e);
            }
        });
        AtomicReference<ShutdownReport> report = new AtomicReference<>();
        Thread closer = Thread.ofPlatform().start(() -> report.set(rt.close(Duration.ofSeconds(20))));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!rt.closing) {
            assertTrue(System.nanoTime() < end, "close() began");
            Thread.onSpinWait();
        }
        go.countDown(); // close() waits for the parent, which now starts a thread
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(childStart.get() instanceof RejectedExecutionException, "the child's start was refused: " + childStart.get());
        assertEquals(List.of("parent"), p.initialized, "tasks the policy was told of");
        assertTrue(report.get() != null && report.get().clean(), "close() ended cleanly: " + report.get());
        assertEquals(0, rt.adopted.size(), "a refused adoption left an entry");
    }
}
