package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * The POLL timer (the default): carriers read the clock in their polls only while a tick can
 * matter, tick the policy themselves, and leave no poll armed after close. One carrier, so a
 * second task can only run while the first is alive if the first was preempted: the checks are
 * about order and counters, not time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PollTimerTest {

    @Test
    void parseAcceptsEveryModeAndNamesTheAllowedOnes() {
        for (TimerMode m : TimerMode.values()) {
            assertSame(m, TimerMode.parse(m.label()));
            assertSame(m, TimerMode.parse(" " + m.name() + " "));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TimerMode.parse("fast"));
        assertEquals("'fast' is not a timer mode; allowed: sleep, spin, poll, off", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimerMode.parse(null));
    }

    @Test
    void theStrideFollowsTheGapBetweenClockReads() {
        long target = 1_250;
        // Polls every 10 ns: the stride doubles from 1 until reads come about every target.
        int s = 1;
        for (int i = 0; i < 20; i++) s = Carrier.adaptStride(s, 10L * s, target);
        assertTrue(10L * s >= target / 2 && 10L * s <= 2 * target, "stride " + s + " gives reads every " + 10L * s + " ns");
        // Polls then become 100x sparser: it halves back down.
        int before = s;
        for (int i = 0; i < 20; i++) s = Carrier.adaptStride(s, 1_000L * s, target);
        assertTrue(s < before && 1_000L * s <= 2 * target, "stride " + s);
        // Bounds: never below 1, never above MAX_STRIDE; inside the band it stays put.
        assertEquals(1, Carrier.adaptStride(1, 1_000_000, target));
        assertEquals(Carrier.MAX_STRIDE, Carrier.adaptStride(Carrier.MAX_STRIDE, 1, target));
        assertEquals(8, Carrier.adaptStride(8, target, target));
    }

    @Test
    void theDefaultTimerIsPollTickingEvery5us() {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").pin(false).build()) {
            String timer = rt.stats().preemption().timer();
            assertTrue(timer.startsWith("poll:") && timer.contains("tick every 5us"), timer);
        }
    }

    @Test
    void aLoneTaskLeavesPollsUnarmedAndAWaiterArmsThemAndGetsTheCpu() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong polls = new AtomicLong();
        long readsAlone;
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").param("slice", "50us").pin(false).build()) {
            Thread hog = rt.start("hog", SchedAttr.DEFAULT, () -> {
                while (!stop.get()) {
                    Skyloft.preemptionPoint();
                    polls.incrementAndGet();
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (polls.get() < 2_000_000 && System.nanoTime() < deadline) Thread.sleep(1);
                assertTrue(polls.get() >= 2_000_000, "the hog never got going");
                // Alone under rr (whose ticks only matter with waiters) the carrier is not armed.
                readsAlone = rt.stats().counters().get("poll_clock_reads");
                assertEquals(0, readsAlone, "clock reads while the hog ran alone");
                assertEquals(0, Poll.pending, "polls armed while nothing could be preempted");

                CountDownLatch otherRan = new CountDownLatch(1);
                AtomicBoolean hogAlive = new AtomicBoolean();
                rt.start("other", SchedAttr.DEFAULT, () -> {
                    hogAlive.set(hog.isAlive() && !stop.get());
                    otherRan.countDown();
                });
                assertTrue(otherRan.await(60, TimeUnit.SECONDS), "the waiter never ran: the hog was not preempted");
                assertTrue(hogAlive.get(), "the waiter ran only after the hog ended");
            } finally {
                stop.set(true);
            }
            assertTrue(hog.join(Duration.ofSeconds(30)));
            RuntimeStats s = rt.stats();
            assertTrue(s.counters().get("poll_clock_reads") > 0, s.format());
            assertTrue(s.preemption().delivered() >= 1, s.format());
        }
        assertEquals(0, Poll.pending, "a closed runtime left polls armed or a request pending");
    }

    /** A policy as the agent would leave it if its package were instrumented: it polls in its
     *  ops, which run under the scheduler lock, and it asks for preemptions all the time. */
    static final class PollingPolicy extends SchedPolicy {
        private final ArrayDeque<Task> queue = new ArrayDeque<>();

        @Override public String name() { return "polling-fifo"; }
        @Override public void admit(Task task, SchedAttr proposed) { Skyloft.preemptionPoint(); }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
            Skyloft.preemptionPoint();
            queue.addLast(task);
            for (int c = 0; c < ctx.cpuCount(); c++) if (!ctx.isIdle(c)) ctx.requestPreempt(c);
        }
        @Override public Task pickNext(int cpu, long nowNs) {
            Skyloft.preemptionPoint();
            return queue.pollFirst();
        }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
            Skyloft.preemptionPoint();
            return !queue.isEmpty();
        }
    }

    /** One queue in arrival order, every task to its tail, preempted ones too (fifo puts those
     *  back at the head), and no slicing, so the runtime never arms a carrier's clock for it. */
    static final class TailQueue extends SchedPolicy {
        private final ArrayDeque<Task> queue = new ArrayDeque<>();

        @Override public String name() { return "tail-queue"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public boolean usesTick() { return false; }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression hangs close() too
    void pollsInsidePolicyOpsNeverYieldUnderTheLock() throws Exception {
        // Spawning from a task runs admit under the lock on that task's own thread; with
        // preemptions requested at every enqueue, a poll there would otherwise find one pending
        // and yield while holding the lock, and every carrier would spin on it for good.
        int cores = Math.min(2, Runtime.getRuntime().availableProcessors());
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(cores).policy(new PollingPolicy()).pin(false).build()) {
            AtomicLong children = new AtomicLong();
            List<Thread> spawners = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                spawners.add(rt.start("spawner-" + s, SchedAttr.DEFAULT, () -> {
                    for (int i = 0; i < 3_000; i++) {
                        Thread c = rt.start(null, SchedAttr.DEFAULT, () -> {
                            for (int k = 0; k < 200; k++) Skyloft.preemptionPoint();
                            children.incrementAndGet();
                        });
                        if ((i & 15) == 0) {
                            try {
                                c.join();
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                        Skyloft.preemptionPoint();
                    }
                }));
            }
            for (Thread t : spawners) assertTrue(t.join(Duration.ofSeconds(60)), "spawners stuck: a poll yielded under the lock?");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (children.get() < 6_000 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(6_000, children.get());
            assertTrue(rt.stats().preemption().delivered() > 0, "the policy's requests were delivered somewhere");
        }
        assertEquals(0, Poll.pending);
    }

    @Test
    void aThrottledDeadlineServerIsReleasedUnderThePollTimer() throws Exception {
        // A CBS server throttled at its budget is released by a kick at its deadline. In POLL mode
        // the kick timer serves it; so would the idle carrier's 10 ms safety wakeup, so this checks
        // that throttling and release work with no ticking timer, not which of the two acted.
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("deadline").pin(false).build()) {
            SchedAttr attr = SchedAttr.DEFAULT.withDeadline(200_000, 1_000_000, 1_000_000);
            AtomicBoolean stop = new AtomicBoolean();
            // Works (polling) until told to stop, so that the throttle is waited for rather than
            // assumed to fall in a fixed span of wall time that an OS stall could swallow.
            Thread t = rt.start("server", attr, () -> {
                while (!stop.get()) Skyloft.preemptionPoint();
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (preemptionsOf(rt, "server") < 1 && System.nanoTime() < deadline) Thread.sleep(1);
                assertTrue(preemptionsOf(rt, "server") >= 1, "the server was never throttled at its 200us budget: " + rt.stats().format());
            } finally {
                stop.set(true);
            }
            // Throttled (or released since): it can only see the stop once it runs again.
            assertTrue(t.join(Duration.ofSeconds(60)), "the throttled server was never released");
        }
        assertEquals(0, Poll.pending);
    }

    private static long preemptionsOf(SkyloftRuntime rt, String task) {
        return rt.stats().tasks().stream().filter(r -> r.name().equals(task)).mapToLong(RuntimeStats.TaskRow::preemptions).max().orElse(0);
    }

    @Test
    void aRequestReachesAnAdoptedThreadAtItsNextPollWhateverTheBudget() throws Exception {
        // A thread created inside a task without the runtime's factory (as every thread of an
        // application under `skyloft run` is) names its creator's task as its scheduler; its
        // polls spend the budget of the carrier it runs on, which a request zeroes. The budget is
        // first set far out of reach, as an armed carrier's stride can leave it, so only the
        // request's zeroing can make the adopted thread check at its next poll. The policy never
        // arms the carrier, so no clock read resets the budget meanwhile, and it queues the
        // preempted thread behind the other one, so the other one runs once the request lands.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong polls = new AtomicLong();
        long[] seen = new long[1];
        CountDownLatch otherRan = new CountDownLatch(1);
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(new TailQueue()).pin(false).build()) {
            Carrier c = rt.carriers[0];
            Thread creator = rt.start("creator", SchedAttr.DEFAULT, () -> {
                Thread adopted = Thread.ofVirtual().name("adopted").start(() -> {
                    while (!stop.get()) {
                        Skyloft.preemptionPoint();
                        polls.incrementAndGet();
                    }
                });
                // Queued behind the adopted thread: it runs only if the adopted thread yields.
                rt.start("other", SchedAttr.DEFAULT, () -> {
                    seen[0] = polls.get();
                    otherRan.countDown();
                });
                try {
                    adopted.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (polls.get() < 100_000 && System.nanoTime() < deadline) Thread.sleep(1);
                assertTrue(polls.get() >= 100_000, "the adopted thread never got going");
                assertTrue(c.current != null && c.current.adopted, "the carrier runs " + c.current);
                long atRequest;
                rt.lock.lock();
                try {
                    c.pollBudget = Integer.MAX_VALUE;
                    rt.requestPreemptLocked(c, System.nanoTime(), 1);
                    atRequest = polls.get();
                } finally {
                    rt.unlockAndWake();
                }
                assertTrue(otherRan.await(60, TimeUnit.SECONDS), "the request never reached the adopted thread");
                assertTrue(seen[0] - atRequest <= 2, (seen[0] - atRequest) + " polls between the request and the yield");
            } finally {
                stop.set(true);
            }
            assertTrue(creator.join(Duration.ofSeconds(30)));
            RuntimeStats s = rt.stats();
            assertEquals(1, s.counters().get("adopted_threads"), s.format());
            assertEquals(1, s.preemption().delivered(), s.format());
        }
        assertEquals(0, Poll.pending);
    }

    @Test
    void aRequestToAnArmedCarrierLeavesTheGlobalCountToItsClock() {
        // The count every poll reads: an armed carrier holds one unit, and a request to it adds
        // none (its polls check already); disarming hands the request a unit of its own, which
        // its delivery returns. Driven by hand, under the lock, on the idle carrier of a runtime.
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build()) {
            Carrier c = rt.carriers[0];
            int base = Poll.pending;
            rt.lock.lock();
            try {
                long now = System.nanoTime();
                c.armClock(true, now);
                assertEquals(base + 1, Poll.pending, "arming counts the carrier");
                assertTrue(c.requestPreempt(now));
                assertEquals(base + 1, Poll.pending, "a request to an armed carrier counts nothing more");
                assertTrue(!c.requestPreempt(now) && c.preemptPending(), "a second request while one is pending");
                c.armClock(false, now);
                assertEquals(base + 1, Poll.pending, "disarmed, the pending request holds a unit of its own");
                assertTrue(c.clearPreempt());
                assertEquals(base, Poll.pending, "its delivery returns it");
                assertTrue(!c.clearPreempt() && !c.preemptPending());

                assertTrue(c.requestPreempt(now));
                assertEquals(base + 1, Poll.pending, "a request to an unarmed carrier counts itself");
                c.armClock(true, now);
                assertEquals(base + 2, Poll.pending);
                assertTrue(c.clearPreempt());
                assertEquals(base + 1, Poll.pending, "delivered while armed, a counted request returns its own unit");
                assertTrue(c.requestPreempt(now));
                c.disarmClock(); // as close() does: the clock's unit, and the request with it
                assertEquals(base, Poll.pending, "close's disarm left a request or the clock counted");
                assertTrue(!c.preemptPending());
            } finally {
                rt.unlockAndWake();
            }
        }
        assertEquals(0, Poll.pending);
    }

    @Test
    void aRequestAfterCloseLeavesNothingInTheCount() {
        // close() clears the requests once; a tick or a carrier still exiting may request again
        // after that. Such a request must not keep every poll in the process on the slow path.
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").pin(false).build();
        Carrier c = rt.carriers[0];
        rt.close();
        int base = Poll.pending;
        rt.lock.lock();
        try {
            long now = System.nanoTime();
            assertTrue(!c.requestPreempt(now), "a request after close is dropped");
            assertEquals(base, Poll.pending, "an unarmed carrier's request after close");
            assertTrue(!c.preemptPending());
            c.armClock(true, now); // arming after close disarms at once
            assertEquals(base, Poll.pending, "arming after close");
        } finally {
            rt.unlockAndWake();
        }
        assertEquals(0, Poll.pending);
    }

    @Test
    void primingTheProfileTakesTheSlowPathForItsWindowAndLeavesNothingPending() {
        int[] seen = {0};
        Poll.install(() -> seen[0]++);
        try {
            long t0 = System.nanoTime();
            long polls = Poll.primeProfile(2_000_000);
            long tookNs = System.nanoTime() - t0;
            assertTrue(tookNs >= 2_000_000, "it polled for its whole 2-ms window, not " + tookNs + "ns");
            assertEquals(polls, seen[0], "every poll in the window took the slow path (the hook counts them)");
        } finally {
            Poll.install(null);
        }
        assertEquals(0, Poll.pending, "the window's unit of the count is given back");
    }
}
