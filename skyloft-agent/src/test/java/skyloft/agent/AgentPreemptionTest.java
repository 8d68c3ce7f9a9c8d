package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agenttest.RtShared;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skyloft.runtime.RuntimeStats;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;
import skyloft.spi.SchedAttr;

/**
 * Agent-inserted polls against the real runtime, with real threads: one carrier, RR with a
 * 100us slice, under both no-dedicated-core timers: POLL (the default: the carrier reads the
 * clock in the polls) and SLEEP (a sleeping timer thread). Code under test comes from {@code agenttest.rt},
 * loaded through {@link InstrumentingClassLoader} (the agent's transformation) and never calls
 * the runtime. With a single carrier, a second thread can only run while the first is alive if
 * the first was preempted, so the checks are about order, not time; timeouts are long because
 * the build machine may be loaded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentPreemptionTest {

    private static SkyloftRuntime runtime(TimerMode timer) {
        return SkyloftRuntime.builder().cores(1).policy("rr").param("slice", "100us").timer(timer).pin(false).build();
    }

    private static ClassLoader instrumenting() {
        return new InstrumentingClassLoader(AgentPreemptionTest.class.getClassLoader(),
                n -> n.startsWith("agenttest.rt."), PollInserter.Options.DEFAULT);
    }

    private static Runnable newInstance(ClassLoader loader, String name, Object... args) throws Exception {
        Class<?> c = Class.forName(name, true, loader);
        assertTrue(c.getClassLoader() instanceof InstrumentingClassLoader, name + " must be the instrumented copy");
        for (var ctor : c.getConstructors()) {
            if (ctor.getParameterCount() == args.length) return (Runnable) ctor.newInstance(args);
        }
        throw new AssertionError("no constructor with " + args.length + " parameters in " + name);
    }

    private static RuntimeStats.TaskRow task(RuntimeStats s, String name) {
        return s.tasks().stream().filter(t -> name.equals(t.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + name + " in " + s.tasks()));
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void anInstrumentedHogIsPreemptedAndAnotherThreadGetsTheCpu(TimerMode timer) throws Exception {
        try (SkyloftRuntime rt = runtime(timer)) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread hog = rt.start("hog", SchedAttr.DEFAULT, newInstance(instrumenting(), "agenttest.rt.Hog", started, stop));
            try {
                assertTrue(started.await(60, TimeUnit.SECONDS), "hog never started");
                CountDownLatch otherRan = new CountDownLatch(1);
                AtomicBoolean hogWasRunning = new AtomicBoolean();
                rt.start("other", SchedAttr.DEFAULT, () -> {
                    hogWasRunning.set(!stop.get() && hog.isAlive());
                    otherRan.countDown();
                });
                assertTrue(otherRan.await(60, TimeUnit.SECONDS), "the other thread never ran: the hog was not preempted");
                assertTrue(hogWasRunning.get(), "the other thread ran while the hog was still spinning");
            } finally {
                stop.set(true);
            }
            assertTrue(hog.join(Duration.ofSeconds(30)));
            assertTrue(task(rt.stats(), "hog").preemptions() >= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void withoutPollsTheSameHogKeepsTheCarrier(TimerMode timer) throws Exception {
        // Control: the plain class (no polls) cannot be preempted, so the other thread waits.
        try (SkyloftRuntime rt = runtime(timer)) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread hog = rt.start("plain-hog", SchedAttr.DEFAULT, new agenttest.rt.Hog(started, stop));
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicBoolean hogWasRunning = new AtomicBoolean(true);
            try {
                assertTrue(started.await(60, TimeUnit.SECONDS));
                rt.start("other", SchedAttr.DEFAULT, () -> {
                    hogWasRunning.set(hog.isAlive() && !stop.get());
                    otherRan.countDown();
                });
                assertFalse(otherRan.await(300, TimeUnit.MILLISECONDS), "nothing can preempt code without polls");
            } finally {
                stop.set(true);
            }
            assertTrue(otherRan.await(60, TimeUnit.SECONDS));
            assertFalse(hogWasRunning.get());
            assertTrue(hog.join(Duration.ofSeconds(30)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void threeHogsUnderRoundRobinEachGetAShare(TimerMode timer) throws Exception {
        int n = 3;
        long units = 8_000_000; // long enough that a briefly starved timer cannot let one finish alone
        AtomicLongArray progress = new AtomicLongArray(n), snapshot = new AtomicLongArray(n);
        AtomicBoolean firstDone = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(n);
        ClassLoader loader = instrumenting();
        try (SkyloftRuntime rt = runtime(timer)) {
            // One worker alone first, so that the JIT has compiled the loop before the three
            // share the CPU: otherwise one of them may run compiled code while the others are
            // still interpreted, and equal time is far from equal work.
            AtomicLongArray warm = new AtomicLongArray(1);
            assertTrue(rt.start("warm-up", SchedAttr.DEFAULT, newInstance(loader, "agenttest.rt.Worker", units / 2, warm, 0,
                    new CountDownLatch(1), new AtomicBoolean(), new AtomicLongArray(1))).join(Duration.ofSeconds(90)));
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ts.add(rt.start("worker-" + i, SchedAttr.DEFAULT,
                        newInstance(loader, "agenttest.rt.Worker", units, progress, i, started, firstDone, snapshot)));
            }
            for (Thread t : ts) assertTrue(t.join(Duration.ofSeconds(90)), t + " did not finish");
            RuntimeStats s = rt.stats();
            for (int i = 0; i < n; i++) {
                assertEquals(units, progress.get(i));
                // When the first worker finished, every other one had done a part of its work: on
                // one carrier without preemption the other two would not have started (0). RR
                // gives equal time, but equal time is equal work only at equal JIT tiers: a worker
                // that runs deoptimized code for a while does many times less (runs saw 11% at
                // 18:21 UTC and 1.3% in a full suite at 21:55 UTC), so the test asks for some work.
                assertTrue(snapshot.get(i) > 0, "worker " + i + " had done " + snapshot.get(i) + " of " + units
                        + " when the first finished; snapshot " + snapshot);
                assertTrue(task(s, "worker-" + i).preemptions() >= 1, s.format());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void aPollInsideSynchronizedYieldsAndTheMonitorStillExcludes(TimerMode timer) throws Exception {
        long iterations = 200_000, cap = 500_000_000;
        Object lock = new Object();
        AtomicReference<Thread> owner = new AtomicReference<>();
        AtomicLong counter = new AtomicLong(), aDone = new AtomicLong(), bDone = new AtomicLong();
        AtomicInteger violations = new AtomicInteger();
        CountDownLatch aInside = new CountDownLatch(1), bInside = new CountDownLatch(1);
        AtomicBoolean aSawBusy = new AtomicBoolean(), bSawBusy = new AtomicBoolean();
        AtomicBoolean aStarted = new AtomicBoolean(), bStarted = new AtomicBoolean(), always = new AtomicBoolean(true);
        ClassLoader loader = instrumenting();
        try (SkyloftRuntime rt = runtime(timer)) {
            // a holds the monitor until b has started (b can only start if a is preempted inside it).
            Thread a = rt.start("a", SchedAttr.DEFAULT, newInstance(loader, "agenttest.rt.Locked", lock, iterations, cap,
                    owner, counter, aDone, violations, aInside, aSawBusy, aStarted, bStarted));
            assertTrue(aInside.await(60, TimeUnit.SECONDS));
            Thread b = rt.start("b", SchedAttr.DEFAULT, newInstance(loader, "agenttest.rt.Locked", lock, iterations, cap,
                    owner, counter, bDone, violations, bInside, bSawBusy, bStarted, always));
            assertTrue(a.join(Duration.ofSeconds(90)) && b.join(Duration.ofSeconds(90)));
            assertTrue(bSawBusy.get(), "b started while a held the monitor: a was preempted inside synchronized");
            assertTrue(aDone.get() < cap, "a stopped waiting because b started, not at its cap");
            assertEquals(0, violations.get(), "two threads inside one monitor");
            assertEquals(iterations, bDone.get());
            assertEquals(aDone.get() + bDone.get(), counter.get());
            assertTrue(task(rt.stats(), "a").preemptions() >= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TimerMode.class, names = {"POLL", "SLEEP"})
    void pollsUnderAClassInitializerBreakNothingAndPreemptionResumesAfterIt(TimerMode timer) throws Exception {
        RtShared.initEntered = new CountDownLatch(1);
        RtShared.initFinished = false;
        AtomicLong value = new AtomicLong();
        AtomicBoolean otherRan = new AtomicBoolean(), otherSawInitDone = new AtomicBoolean();
        ClassLoader loader = instrumenting();
        try (SkyloftRuntime rt = runtime(timer)) {
            Thread user = rt.start("init-user", SchedAttr.DEFAULT, newInstance(loader, "agenttest.rt.InitUser", value, otherRan));
            try {
                assertTrue(RtShared.initEntered.await(60, TimeUnit.SECONDS), "initializer never started");
                Thread other = rt.start("other", SchedAttr.DEFAULT, () -> {
                    otherSawInitDone.set(RtShared.initFinished);
                    otherRan.set(true);
                });
                // init-user only ends after the other thread ran, which needs a preemption after the initializer.
                assertTrue(user.join(Duration.ofSeconds(90)), "init-user was never preempted after the initializer");
                assertTrue(other.join(Duration.ofSeconds(30)));
            } finally {
                otherRan.set(true); // lets init-user end if an assertion above failed
            }
            assertEquals(agenttest.rt.Spin.work(3_000_000), value.get(), "the initializer computed the right value");
            assertTrue(otherSawInitDone.get(), "a poll inside a class initializer cannot yield (pinned): the other thread ran after it");
            RuntimeStats s = rt.stats();
            assertEquals(0L, s.counters().get("carrier_errors"), s.format());
            assertEquals(0L, s.counters().get("uncaught_exceptions"), s.format());
            assertTrue(task(s, "init-user").preemptions() >= 1, s.format());
        }
    }
}
