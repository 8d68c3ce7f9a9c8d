package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/** apps' CPU isolation ({@code be_cpus}, {@code lc_cpus}), driven step by step. */
class AppsIsolationTest {
    private static final SchedAttr LC = SchedAttr.DEFAULT.withApp("web");
    private static final SchedAttr BE = SchedAttr.DEFAULT.withApp("batch");

    private static StepHost host(int cpus, String params) {
        return new StepHost(PolicyRegistry.create("apps", PolicyRegistry.parseParams(params)), cpus, 1);
    }

    private static boolean isBe(StepTask t) {
        return t != null && t.attr().app().equals("batch");
    }

    @Test
    void aCpuOutsideBeCpusNeverRunsBestEffortWork() {
        for (String be : List.of("cfs", "rr", "ws", "shinjuku")) {
            StepHost h = host(2, "be=" + be + ",be_cpus=0");
            List<StepTask> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) batch.add(h.spawn("b" + i, BE, 1)); // spawned from CPU 1, idle
            assertNull(h.schedule(1), be + ": CPU 1 is not in be_cpus, so neither its queue nor its idle balance gives it BE work");
            for (int i = 0; i < batch.size(); i++) {
                assertTrue(batch.contains(h.schedule(0)), be);
                h.stop(0, StopReason.EXIT);
            }
            assertTrue(batch.stream().allMatch(b -> b.state() == StepHost.State.EXITED && b.lastCpu() == 0), be + ": all ran on CPU 0");
            h.drainAndCheck();
        }
    }

    @Test
    void anLcTaskTakesAnIdleCpuBeforeItPreemptsBestEffort() {
        StepHost h = host(2, "be_cpus=0");
        StepTask hold = h.spawn("hold", LC, 1);
        assertEquals(hold, h.schedule(1));
        StepTask web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0), "CPU 1 is busy: web runs on CPU 0");
        h.stop(0, StopReason.BLOCK);
        h.stop(1, StopReason.BLOCK);
        StepTask batch = h.spawn("batch", BE, 0);
        assertEquals(batch, h.schedule(0));
        h.wake(web); // rr prefers its previous CPU 0, which the LC side sees as idle; CPU 1 is idle indeed
        assertFalse(h.preemptPending(0), "no preemption of BE while CPU 1, kept from BE, is idle");
        assertEquals(web, h.schedule(1));
        assertEquals(batch, h.running(0));
        h.drainAndCheck();
    }

    @Test
    void anLcTaskTakesAnIdleCpuKeptFromBestEffortBeforeAnIdleOneOfBes() {
        StepHost h = host(3, "be_cpus=0-1");
        StepTask batch = h.spawn("batch", BE, 0);
        StepTask web = h.spawn("web", LC, 0); // rr prefers its spawner's CPU 0, idle; CPU 2, kept from BE, is idle too
        assertEquals(batch, h.schedule(0), "web went to CPU 2, so CPU 0 runs BE");
        assertEquals(web, h.schedule(2));
        StepTask other = h.spawn("other", LC, 1); // no CPU kept from BE is idle now: rr's choice, CPU 1, stands
        assertEquals(other, h.schedule(1));
        h.drainAndCheck();
    }

    @Test
    void anIdleBeCpusBalancePullsBestEffortWorkBeforeLcWorkAnIdleCpuKeptFromBeWillTake() {
        StepHost h = host(3, "be=rr,be_cpus=0-1");
        StepTask hold = h.spawn("hold", LC, 0);
        assertEquals(hold, h.schedule(0));
        StepTask b1 = h.spawn("b1", BE, 1);
        assertEquals(b1, h.schedule(1));
        StepTask b2 = h.spawn("b2", BE, 1); // both BE CPUs busy: queued on CPU 1
        h.stop(0, StopReason.BLOCK);
        StepTask web = h.spawn("web", LC, 2); // queued on idle CPU 2
        assertEquals(b2, h.schedule(0), "CPU 0 has nothing of its own; its idle balance steals b2, not web");
        assertEquals(web, h.schedule(2));
        h.drainAndCheck();
    }

    /** One FIFO that every CPU serves, whose placement always names its first CPU: a policy
     *  that queues an LC task behind a busy CPU's and relies on apps to find it another. */
    static class FirstCpu extends skyloft.spi.SchedPolicy {
        private final java.util.ArrayDeque<skyloft.spi.Task> queue = new java.util.ArrayDeque<>();
        @Override public String name() { return "first-cpu"; }
        @Override public int selectCpu(skyloft.spi.Task t, int prevCpu, skyloft.spi.EnqueueReason r, long nowNs) { return 0; }
        @Override public void enqueue(skyloft.spi.Task t, int cpu, skyloft.spi.EnqueueReason r, long nowNs) { queue.addLast(t); }
        @Override public skyloft.spi.Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
    }

    @Test
    void anIdleCpuOutsideLcCpusDoesNotCountAsOneThatWillTakeWaitingLcWork() {
        Apps apps = new Apps(new FirstCpu(), PolicyRegistry.create("cfs"), java.util.Set.of("batch"), 0, Apps.DEFAULT_BE_QUANTUM_NS,
                CpuList.parse("lc_cpus", "1-2"), CpuList.parse("be_cpus", "0+2"));
        StepHost h = new StepHost(apps, 3, 1);
        StepTask a = h.spawn("a", LC, 1);
        assertEquals(a, h.schedule(1));
        StepTask batch = h.spawn("batch", BE, 2);
        assertEquals(batch, h.schedule(2));
        StepTask b = h.spawn("b", LC, 1); // queued behind a; CPU 0 is idle but takes no LC work
        assertTrue(h.preemptPending(2), "CPU 2, which LC may use, is taken from BE for b");
        h.stop(2, StopReason.PREEMPT);
        assertEquals(b, h.schedule(2));
        h.drainAndCheck();
    }

    @Test
    void anIdleBeCpuLeavesLcWorkToAnIdleCpuKeptFromBestEffort() {
        StepHost h = host(2, "be_cpus=0");
        StepTask web = h.spawn("web", LC, 1);
        assertEquals(web, h.schedule(0), "with no BE work waiting, CPU 0 steals web from idle CPU 1's queue");
        h.stop(0, StopReason.BLOCK);
        StepTask batch = h.spawn("batch", BE, 0);
        StepTask web2 = h.spawn("web2", LC, 1);
        assertEquals(batch, h.schedule(0), "BE work waits: BE keeps CPU 0, and web2 is left to idle CPU 1");
        assertEquals(web2, h.schedule(1));
        h.drainAndCheck();
    }

    @Test
    void lcStillPreemptsBestEffortOnTheBeCpus() {
        StepHost h = host(2, "be_cpus=0");
        StepTask a = h.spawn("a", LC, 1);
        assertEquals(a, h.schedule(1));
        StepTask batch = h.spawn("batch", BE, 0);
        assertEquals(batch, h.schedule(0));
        StepTask b = h.spawn("b", LC, 1);
        assertTrue(h.preemptPending(0), "with lc_cpus=all, a second LC task takes CPU 0 from BE at once, as without be_cpus");
        h.stop(0, StopReason.PREEMPT);
        assertEquals(b, h.schedule(0));
        h.drainAndCheck();
    }

    @Test
    void aStrictPartitionKeepsEachClassOnItsOwnCpus() {
        StepHost h = host(2, "be_cpus=0,lc_cpus=1");
        StepTask a = h.spawn("a", LC, 0);
        assertNull(h.schedule(0), "CPU 0 is not in lc_cpus");
        assertEquals(a, h.schedule(1));
        StepTask batch = h.spawn("batch", BE, 1);
        assertEquals(batch, h.schedule(0));
        StepTask b = h.spawn("b", LC, 0);
        assertFalse(h.preemptPending(0), "LC may not use CPU 0: BE keeps it");
        h.stop(0, StopReason.BLOCK);
        assertNull(h.schedule(0), "idle, CPU 0 still takes no LC work: b waits for CPU 1");
        h.advance(60_000);
        assertTrue(h.tick(1), "rr slices a and b on CPU 1");
        h.stop(1, StopReason.PREEMPT);
        assertEquals(b, h.schedule(1));
        h.drainAndCheck();
    }

    @Test
    void aRescueMovesBestEffortOnlyToItsOwnCpusAndKicksAnIdleOne() {
        StepHost h = host(4, "be=rr,be_cpus=0-1");
        for (int c = 2; c < 4; c++) { // CPUs 2 and 3, kept from BE, busy with LC work
            StepTask t = h.spawn("lc" + c, LC, c);
            assertEquals(t, h.schedule(c));
        }
        StepTask x = h.spawn("x", LC, 1);
        assertEquals(x, h.schedule(1));
        StepTask running = h.spawn("b0", BE, 0);
        assertEquals(running, h.schedule(0));
        List<StepTask> queued = new ArrayList<>();
        for (int i = 1; i <= 3; i++) queued.add(h.spawn("b" + i, BE, 0)); // no idle BE CPU: all queued on CPU 0
        h.stop(1, StopReason.BLOCK); // CPU 1 is idle now, and not yet scheduled
        assertEquals(3, h.rescue(0, 3), "CPU 3 ticks and rescues stalled CPU 0; BE's queue goes to CPU 1 instead");
        assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 1 && k[1] == h.now()), "idle CPU 1 is kicked to run them");
        h.stop(3, StopReason.BLOCK);
        assertNull(h.schedule(3), "CPU 3 never runs BE work");
        h.honourDueKicks();
        assertTrue(queued.contains(h.running(1)), "CPU 1 runs a rescued task: " + h.running(1));
        h.drainAndCheck();
    }

    @Test
    void aClassWhoseOnlyCpuStallsWaitsTheStallOut() {
        StepHost h = host(2, "be=rr,be_cpus=0");
        h.spawn("b0", BE, 0);
        h.schedule(0);
        StepTask waiting = h.spawn("b1", BE, 0);
        assertEquals(0, h.rescue(0, 1), "BE has no other CPU: as under a cpuset, its task waits for CPU 0");
        assertNull(h.schedule(1));
        h.stop(0, StopReason.BLOCK);
        assertEquals(waiting, h.schedule(0));
        h.drainAndCheck();
    }

    @Test
    void noBalanceEverPullsBestEffortOutsideItsCpus() {
        StepHost h = host(4, "be=cfs,be_cpus=0-1");
        for (int i = 0; i < 6; i++) h.spawn("b" + i, BE, 0);
        h.schedule(0);
        h.schedule(1);
        StepTask web = h.spawn("web", LC, 2);
        assertEquals(web, h.schedule(2));
        assertEquals(0, h.balance(2), "the periodic balance of CPU 2, busy with LC work, moves no BE task there");
        assertNull(h.schedule(3), "nor does the idle balance of CPU 3");
        for (int round = 0; round < 50; round++) {
            for (int c = 0; c < 4; c++) {
                StepTask t = h.runFor(c, 30_000, 5_000);
                if (isBe(t)) assertTrue(c < 2, t + " ran on CPU " + c);
                if (c < 2 && h.running(c) != null) h.balance(c);
            }
        }
        h.drainAndCheck();
    }

    @Test
    void bestEffortsFloorTakesTurnsOnlyWhereBothClassesRun() {
        StepHost h = host(2, "be_cpus=0,be_min=0.5,be_quantum=20us");
        StepTask x = h.spawn("x", LC, 0);
        StepTask y = h.spawn("y", LC, 1);
        assertEquals(x, h.schedule(0));
        assertEquals(y, h.schedule(1));
        h.spawn("batch", BE, 0);
        h.advance(20_000);
        assertTrue(h.tick(0), "CPU 0 owes BE a turn after 20us of LC");
        assertFalse(h.tick(1), "CPU 1 runs no BE work, so it owes none");
        h.advance(1_000_000);
        assertFalse(h.tick(1), "and never will");
        h.drainAndCheck();
    }

    @Test
    void theWakersCpuReachesTheBestEffortPolicyInItsNumbering() {
        // be=fifo's handoff queues a wakee at the front of its waker's CPU: CPU 1 is BE's CPU 0.
        StepHost h = host(2, "be=fifo,be.handoff=true,be_cpus=1");
        StepTask wakee = h.spawn("wakee", BE, 1);
        assertEquals(wakee, h.schedule(1));
        h.stop(1, StopReason.BLOCK);
        StepTask waker = h.spawn("waker", BE, 1);
        assertEquals(waker, h.schedule(1));
        StepTask other = h.spawn("other", BE, 1);
        h.wakeBy(wakee, 1);
        h.stop(1, StopReason.BLOCK);
        assertEquals(wakee, h.schedule(1), "handed off ahead of " + other);
        h.drainAndCheck();
    }

    static Stream<Arguments> isolations() {
        List<Arguments> out = new ArrayList<>();
        for (String be : List.of("fifo", "rr", "cfs", "eevdf", "o1", "ws", "shinjuku", "goodness")) {
            for (String cpus : List.of("be_cpus=0-1", "be_cpus=1+3,lc=ws", "be_cpus=0,lc_cpus=1-3,lc=cfs",
                    "lc_cpus=0-1,be_cpus=1-3,be_min=0.3,be_quantum=5us", "be_cpus=2-3,lc_cpus=0-1,lc=shinjuku",
                    "be_cpus=0-1,lc_return=on", "be_cpus=2-3,lc=shinjuku,lc_return=on")) {
                out.add(Arguments.of("be=" + be + "," + cpus));
            }
        }
        return out.stream();
    }

    /** The contract suite's random events on 4 CPUs, plus: after every step no task runs on a CPU
     *  outside its class's list; at the end every task left runs to its exit (none stranded). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("isolations")
    void randomEventsKeepEachClassOnItsCpusAndStrandNothing(String params) {
        Map<String, String> p = PolicyRegistry.parseParams(params);
        boolean[] beOn = CpuList.parse("be_cpus", p.getOrDefault("be_cpus", "all")).resolve("be_cpus", 4);
        boolean[] lcOn = CpuList.parse("lc_cpus", p.getOrDefault("lc_cpus", "all")).resolve("lc_cpus", 4);
        for (long seed = 1; seed <= 4; seed++) {
            StepHost h = new StepHost(PolicyRegistry.create("apps", p), 4, seed);
            SplittableRandom rnd = new SplittableRandom(seed);
            List<StepTask> blocked = new ArrayList<>();
            String run = params + ", seed " + seed;
            for (int step = 0; step < 800; step++) {
                int cpu = rnd.nextInt(4);
                switch (rnd.nextInt(10)) {
                    case 0, 1 -> { if (h.tasks().size() < 40) h.spawn("t" + h.tasks().size(), rnd.nextBoolean() ? BE : LC, cpu); }
                    case 2, 3 -> h.runFor(cpu, rnd.nextLong(1_000, 200_000), 4_000);
                    case 4 -> { if (h.running(cpu) != null) h.stop(cpu, rnd.nextBoolean() ? StopReason.YIELD : StopReason.BLOCK); } // blocked here: woken at the end
                    case 5 -> { if (h.running(cpu) != null) blocked.add(h.stop(cpu, StopReason.BLOCK)); }
                    case 6 -> { if (!blocked.isEmpty()) h.wake(blocked.remove(rnd.nextInt(blocked.size()))); }
                    case 7 -> { if (h.running(cpu) != null) h.balance(cpu); }
                    case 8 -> h.rescue(cpu, (cpu + 1 + rnd.nextInt(3)) % 4);
                    default -> h.advance(rnd.nextLong(0, 50_000));
                }
                h.honourDueKicks();
                for (int c = 0; c < 4; c++) {
                    StepTask t = h.running(c);
                    if (t == null) continue;
                    assertTrue(isBe(t) ? beOn[c] : lcOn[c], run + ", step " + step + ": " + t + " (" + t.attr().app() + ") runs on CPU " + c);
                }
            }
            for (StepTask t : h.tasks()) if (t.state() == StepHost.State.BLOCKED) h.wake(t);
            blocked.clear();
            Map<StepTask, Integer> where = new HashMap<>();
            for (int round = 0; round < 2_000 && h.tasks().stream().anyMatch(t -> t.state() != StepHost.State.EXITED); round++) {
                for (int c = 0; c < 4; c++) {
                    StepTask t = h.schedule(c);
                    if (t == null) continue;
                    where.put(t, c);
                    h.advance(1_000);
                    h.stop(c, StopReason.EXIT);
                }
                h.honourDueKicks();
            }
            where.forEach((t, c) -> assertTrue(isBe(t) ? beOn[c] : lcOn[c], run + ": " + t + " ran on CPU " + c));
            List<StepTask> left = h.tasks().stream().filter(t -> t.state() != StepHost.State.EXITED).toList();
            assertTrue(left.isEmpty(), run + ": stranded " + left);
            h.drainAndCheck();
        }
    }

    @Test
    void theListsAreCheckedAndNamed() {
        assertMessage("be_cpus: '' names no CPU; allowed all, or CPU numbers (from 0) and ranges joined by +, e.g. 0, 0-3", Map.of("be_cpus", ""));
        assertMessage("be_cpus: 'x' has 'x', which is not a CPU number", Map.of("be_cpus", "x"));
        assertMessage("be_cpus: '0++2' has an empty entry", Map.of("be_cpus", "0++2"));
        assertMessage("be_cpus: '3-1' has the range 3-1, which runs backwards", Map.of("be_cpus", "3-1"));
        assertMessage("lc_cpus: '-1' has '', which is not a CPU number", Map.of("lc_cpus", "-1"));
        assertMessage("lc_cpus: '0,1'", Map.of("lc_cpus", "0,1"));
        // Known only when the host's CPUs are: at init.
        assertInit("be_cpus: '0-2' names CPU 2, but this host has 2 CPUs (0-1); allowed CPUs 0 to 1, or all", 2, "be_cpus=0-2");
        assertInit("lc_cpus: '1' names CPU 1, but this host has 1 CPU (0)", 1, "lc_cpus=1");
        assertInit("CPU 2 is in neither lc_cpus (0) nor be_cpus (1), so it would run nothing", 3, "lc_cpus=0,be_cpus=1");
        assertInit("be_min: 0.2 needs a CPU that both classes may use, but lc_cpus (1) and be_cpus (0) share none", 2, "lc_cpus=1,be_cpus=0,be_min=0.2");
        new StepHost(PolicyRegistry.create("apps", Map.of("be_cpus", "all", "lc_cpus", "0+1")), 2, 1); // fine
        assertEquals("0-3+8+10-11", CpuList.of(10, 0, 1, 2, 3, 8, 11).toString());
        assertEquals(CpuList.parse("x", "0-3+8+10-11"), CpuList.of(10, 0, 1, 2, 3, 8, 11));
    }

    private static void assertMessage(String expected, Map<String, String> params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("apps", params));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertInit(String expected, int cpus, String params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> host(cpus, params));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A CPU out of its range from an inner policy's selectCpu reaches the host as it is, which
     *  reports it (the runtime counts it and corrects it), instead of failing inside apps. */
    @Test
    void anInnerPolicysCpuOutOfRangeReachesTheHostAsItIs() {
        Apps apps = new Apps(new FirstCpu() {
            @Override public int selectCpu(skyloft.spi.Task t, int prevCpu, skyloft.spi.EnqueueReason r, long nowNs) { return 5; }
        }, PolicyRegistry.create("cfs"), java.util.Set.of("batch"), 0, Apps.DEFAULT_BE_QUANTUM_NS, CpuList.ALL, CpuList.of(0));
        StepHost h = new StepHost(apps, 2, 1);
        AssertionError e = assertThrows(AssertionError.class, () -> h.spawn("web", LC, 0));
        assertTrue(e.getMessage().contains("selectCpu returned 5"), e.getMessage());
    }

    /** The runtime puts a task whose policy's selectCpu gave a CPU out of range on CPU 0, which
     *  may not be its class's: apps queues it on the class's first CPU and counts it. */
    @Test
    void aTaskAHostQueuesOnACpuNotItsClasssGoesToTheClasssFirstAndIsCounted() {
        StepHost h = host(3, "be=rr,be_cpus=1-2");
        StepHost.StepTask batch = new StepHost.StepTask("batch", BE);
        h.policy().admit(batch, batch.attr());
        h.policy().taskInit(batch, 0);
        h.policy().enqueue(batch, 0, skyloft.spi.EnqueueReason.NEW, 0); // as the runtime does after a bad selectCpu
        assertNull(h.policy().pickNext(0, 0), "CPU 0 runs no BE work");
        assertEquals(batch, h.policy().pickNext(1, 0), "queued on BE's first CPU, 1");
        StringWriter sw = new StringWriter();
        h.policy().dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains("misplaced=1"), sw.toString());
    }

    @Test
    void anLcTaskOnABeCpuMovesToACpuKeptFromBeWhenThatFallsIdleAndBeWaits() {
        for (String lc : List.of("rr", "fifo", "cfs", "eevdf")) {
            StepHost h = host(2, "lc=" + lc + ",be_cpus=0,lc_return=on");
            StepTask hold = h.spawn("hold", LC, 1);
            assertEquals(hold, h.schedule(1));
            StepTask web = h.spawn("web", LC, 0);
            assertEquals(web, h.schedule(0), lc);
            StepTask batch = h.spawn("batch", BE, 0);
            h.stop(1, StopReason.BLOCK);
            assertNull(h.schedule(1), lc + ": nothing queued for CPU 1 yet");
            assertTrue(h.preemptPending(0), lc + ": web leaves BE's CPU");
            h.stop(0, StopReason.PREEMPT);
            assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 1), lc + ": CPU 1 is kicked");
            assertEquals(batch, h.schedule(0), lc + ": BE gets its CPU back");
            assertEquals(web, h.schedule(1), lc + ": web goes on where BE never runs");
            StringWriter sw = new StringWriter();
            h.policy().dump(new PrintWriter(sw, true));
            assertTrue(sw.toString().contains(" movesBack=1"), sw.toString());
            h.drainAndCheck();
        }
    }

    @Test
    void noMoveWhenOffWithoutBeWaitingOrWhenTheTaskLeavesFirst() {
        // off by default: web stays though BE waits
        StepHost h = host(2, "be_cpus=0");
        StepTask hold = h.spawn("hold", LC, 1);
        h.schedule(1);
        StepTask web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0));
        h.spawn("batch", BE, 0);
        h.stop(1, StopReason.BLOCK);
        assertNull(h.schedule(1));
        assertFalse(h.preemptPending(0), "lc_return is off");

        // no BE work waits: web stays
        h = host(2, "be_cpus=0,lc_return=on");
        hold = h.spawn("hold", LC, 1);
        h.schedule(1);
        web = h.spawn("web", LC, 0);
        assertEquals(web, h.schedule(0));
        h.stop(1, StopReason.BLOCK);
        assertNull(h.schedule(1));
        assertFalse(h.preemptPending(0), "nothing to give CPU 0 to");

        // web blocks before the preemption lands: nothing moves, and its next preemption is its own
        h = host(2, "be_cpus=0,lc_return=on");
        hold = h.spawn("hold", LC, 1);
        h.schedule(1);
        web = h.spawn("web", LC, 0);
        h.schedule(0);
        StepTask batch = h.spawn("batch", BE, 0);
        h.stop(1, StopReason.BLOCK);
        assertNull(h.schedule(1));
        assertTrue(h.preemptPending(0));
        h.stop(0, StopReason.BLOCK);
        assertEquals(batch, h.schedule(0));
        h.wake(hold);
        h.wake(web);
        StringWriter sw = new StringWriter();
        h.policy().dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains(" movesBack=0"), sw.toString());
        h.drainAndCheck();
    }

    @Test
    void theDumpNamesTheListsAndTheirCounters() {
        StepHost h = host(2, "be_cpus=0");
        h.spawn("batch", BE, 0);
        h.schedule(0);
        h.spawn("web", LC, 0);
        StringWriter sw = new StringWriter();
        h.policy().dump(new PrintWriter(sw, true));
        assertTrue(sw.toString().contains("be_cpus=0 ") && sw.toString().contains("lcToIdle=1 ") && !sw.toString().contains("lc_cpus"), sw.toString());
    }
}
