package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * The contract every registered policy passes, driven by the stepping host with a fake clock:
 * no task lost, none run twice at once, every runnable task eventually runs, attributes
 * validated. The random runs mix spawns, runs, yields, blocks, wakeups, exits, nice changes,
 * periodic balancing, rescues and the kicks the policy asks for; under deadline and rm a third
 * of the tasks have deadline parameters, and a deadline task never gets more than its runtime
 * per period. A new policy is covered as soon as it is in {@link PolicyRegistry}.
 */
class PolicyContractTest {

    /** Every registered policy with its defaults, plus the variants whose parameters change
     *  behaviour rather than a constant. */
    static Stream<String> policies() {
        return Stream.concat(PolicyRegistry.names().stream(),
                Stream.of("eevdf[sleeplag=decay]", "deadline[placement=partitioned]", "apps[lc=eevdf,be=ws]", "apps[lc=shinjuku,be=fifo]", "apps[be_apps=default]",
                        "apps[be_min=0.2,be_quantum=10us]", "apps[lc=fifo,be=fifo,be_min=0.5,be_quantum=5us]"));
    }

    /** {@code name} or {@code name[k=v,...]}. */
    private static SchedPolicy create(String spec) {
        int b = spec.indexOf('[');
        if (b < 0) return PolicyRegistry.create(spec);
        return PolicyRegistry.create(spec.substring(0, b), PolicyRegistry.parseParams(spec.substring(b + 1, spec.length() - 1)));
    }

    private static String baseName(String spec) {
        int b = spec.indexOf('[');
        return b < 0 ? spec : spec.substring(0, b);
    }

    private static StepHost host(String policy, int cpus, long seed) {
        return new StepHost(create(policy), cpus, seed);
    }

    /** Deadline parameters that a third of the random runs' tasks get under deadline and rm. */
    private static final long RT_RUNTIME_NS = 100_000, RT_PERIOD_NS = 1_000_000;
    /** The longest one random step lets a task run unticked (a runFor on another CPU) before the
     *  kicks due are honoured: what a deadline task can overrun its runtime by. */
    private static final long MAX_STEP_NS = 200_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void randomEventsNeverBreakOwnership(String policy) {
        boolean realtime = baseName(policy).equals("deadline") || baseName(policy).equals("rm");
        for (int cpus : new int[] {1, 2, 4}) {
            for (long seed = 1; seed <= 12; seed++) {
                StepHost h = host(policy, cpus, seed);
                SplittableRandom rnd = new SplittableRandom(seed * 31 + cpus);
                List<StepTask> blocked = new ArrayList<>();
                Map<StepTask, Long> serverStartNs = new LinkedHashMap<>();
                for (int step = 0; step < 600; step++) {
                    int cpu = rnd.nextInt(cpus);
                    switch (rnd.nextInt(11)) {
                        case 0 -> {
                            // a third of the tasks belong to app "batch" (best-effort under apps; the rest ignore the label)
                            SchedAttr attr = SchedAttr.DEFAULT.withNice(rnd.nextInt(-5, 6)).withApp(rnd.nextInt(3) == 0 ? "batch" : "web");
                            if (realtime && rnd.nextInt(3) == 0) attr = attr.withDeadline(RT_RUNTIME_NS, RT_PERIOD_NS, RT_PERIOD_NS);
                            if (h.tasks().size() < 40) {
                                try {
                                    StepTask t = h.spawn("t" + h.tasks().size(), attr, cpu);
                                    if (attr.hasDeadline()) serverStartNs.put(t, h.now());
                                } catch (AdmissionException full) {
                                    // Only a deadline server may be refused (no bandwidth left; the run goes on
                                    // without it): a policy that refuses plain attributes breaks the contract.
                                    if (!attr.hasDeadline()) throw new AssertionError(policy + " refused plain attributes " + attr, full);
                                }
                            }
                        }
                        case 1, 2 -> h.runFor(cpu, rnd.nextLong(1_000, MAX_STEP_NS), 4_000);
                        case 3 -> { if (h.running(cpu) != null) h.stop(cpu, StopReason.YIELD); }
                        case 4 -> { if (h.running(cpu) != null) blocked.add(h.stop(cpu, StopReason.BLOCK)); }
                        case 5 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                        case 6 -> { if (h.running(cpu) != null && rnd.nextInt(4) == 0) h.stop(cpu, StopReason.EXIT); }
                        case 7 -> {
                            if (!h.tasks().isEmpty()) {
                                StepTask t = h.tasks().get(rnd.nextInt(h.tasks().size()));
                                if (t.state() != StepHost.State.EXITED) h.setAttr(t, t.attr().withNice(rnd.nextInt(-10, 11)));
                            }
                        }
                        case 8 -> { if (h.running(cpu) != null && h.policy().balanceIntervalNs() > 0) h.balance(cpu); }
                        case 9 -> { if (cpus > 1) h.rescue(cpu, (cpu + 1 + rnd.nextInt(cpus - 1)) % cpus); }
                        default -> h.advance(rnd.nextLong(0, 50_000));
                    }
                    h.honourDueKicks();
                    if (baseName(policy).equals("deadline")) checkServerBudgets(h, serverStartNs, policy + " on " + cpus + " cpus, seed " + seed);
                }
                h.drainAndCheck();
            }
        }
    }

    /** A deadline server started at t0 has had at most Q x (now - t0) / P, plus the Q it starts
     *  with, plus one step's overrun (rm enforces no budget, so only deadline is checked). */
    private static void checkServerBudgets(StepHost h, Map<StepTask, Long> serverStartNs, String run) {
        serverStartNs.forEach((t, startNs) -> {
            long ranNs = t.runNs() + (t.state() == StepHost.State.RUNNING ? h.now() - t.runStartNs() : 0);
            long allowedNs = (h.now() - startNs) * RT_RUNTIME_NS / RT_PERIOD_NS + RT_RUNTIME_NS + MAX_STEP_NS;
            assertTrue(ranNs <= allowedNs, run + ": " + t + " ran " + ranNs + "ns in " + (h.now() - startNs) + "ns, over its " + allowedNs + "ns");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void everyRunnableTaskEventuallyRuns(String policy) {
        for (int cpus : new int[] {1, 2}) {
            StepHost h = host(policy, cpus, 7);
            for (int i = 0; i < 16; i++) h.spawn("t" + i, SchedAttr.DEFAULT, 0);
            for (int round = 0; round < 400; round++) {
                for (int c = 0; c < cpus; c++) {
                    StepTask t = h.runFor(c, 30_000, 5_000);
                    if (t != null && h.running(c) == t) h.stop(c, StopReason.YIELD);
                }
            }
            for (StepTask t : h.tasks()) {
                assertTrue(t.switches() > 0, policy + " on " + cpus + " cpus never ran " + t);
            }
            h.drainAndCheck();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void nothingQueuedIsStrandedOnAStalledCpuAfterARescue(String policy) {
        StepHost h = host(policy, 2, 5);
        h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("b", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        List<StepTask> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) queued.add(h.spawn("q" + i, SchedAttr.DEFAULT, 0)); // both CPUs busy: queued
        int moved = h.rescue(0, 1);
        assertTrue(moved <= queued.size(), policy + " moved " + moved + " of " + queued.size());
        // CPU 0 stays stalled (never scheduled again); CPU 1 alone must reach every queued task.
        for (int round = 0; round < 200; round++) {
            StepTask t = h.runFor(1, 30_000, 5_000);
            if (t != null && h.running(1) == t) h.stop(1, StopReason.YIELD);
        }
        for (StepTask t : queued) assertTrue(t.switches() > 0, policy + ": " + t + " was stranded on the stalled CPU (rescue moved " + moved + ")");
        h.drainAndCheck();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void yieldAfterRunningLetsAnEqualTaskRun(String policy) {
        StepHost h = host(policy, 1, 3);
        h.spawn("a");
        h.spawn("b");
        StepTask first = h.schedule(0);
        h.advance(100_000);
        h.stop(0, StopReason.YIELD);
        StepTask second = h.schedule(0);
        assertNotEquals(first, second, policy + " ran the yielding task again while an equal one waited");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void aTaskThatYieldedOnceStillRunsBesideTasksThatNeverYield(String policy) {
        StepHost h = host(policy, 1, 11);
        org.junit.jupiter.api.Assumptions.assumeTrue(h.policy().usesTick() && !policy.contains("lc=fifo"),
                policy + " never preempts these tasks: CPU-bound tasks keep the CPU by design");
        StepTask yielder = h.spawn("yielder");
        h.spawn("hog1");
        h.spawn("hog2");
        for (int i = 0; i < 100 && h.schedule(0) != yielder; i++) h.runFor(0, 1_000_000, 5_000);
        assertEquals(yielder, h.running(0), policy + " never ran the yielder");
        h.advance(5_000);
        h.stop(0, StopReason.YIELD);
        long before = yielder.switches();
        for (int round = 0; round < 400 && yielder.switches() == before; round++) {
            StepTask t = h.runFor(0, 1_000_000, 5_000); // the hogs never yield nor block: only ticks stop them
            if (t == yielder) break;
        }
        assertTrue(yielder.switches() > before, policy + ": a task that yielded once never ran again beside tasks that never yield");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void exitedAndBlockedTasksAreNotHandedOut(String policy) {
        StepHost h = host(policy, 2, 5);
        StepTask a = h.spawn("a");
        StepTask b = h.spawn("b");
        StepTask ran = h.schedule(0);
        h.stop(0, StopReason.BLOCK);
        StepTask other = ran == a ? b : a;
        // Only the other task may come out now, on either CPU, and then nothing.
        StepTask next = h.schedule(0) != null ? h.running(0) : h.schedule(1);
        assertEquals(other, next);
        h.stop(next.lastCpu(), StopReason.EXIT);
        assertEquals(null, h.schedule(0));
        assertEquals(null, h.schedule(1));
        h.wake(ran);
        StepTask again = h.schedule(ran.lastCpu());
        assertEquals(ran, again);
        h.drainAndCheck();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void defaultAttributesAreAdmittedAndDumpNamesThePolicy(String policy) {
        SchedPolicy p = create(policy);
        StepHost h = new StepHost(p, 2, 1);
        h.spawn("x");
        StringWriter sw = new StringWriter();
        p.dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains(p.name()), "dump should name the policy: " + sw);
        assertEquals(baseName(policy), p.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void unknownParameterIsRefusedWithTheKnownOnes(String policy) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PolicyRegistry.create(baseName(policy), Map.of("bogus", "1")));
        assertTrue(e.getMessage().contains("bogus") && e.getMessage().contains(baseName(policy)), e.getMessage());
    }
}
