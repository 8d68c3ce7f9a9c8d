package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/** SCHED_DEADLINE: CBS worked example H and admission example I of realtime-cases.md (1 unit = 1 ms). */
class DeadlineTest {
    static final long MS = 1_000_000;
    static final long US = 1_000;

    static SchedAttr dl(long c, long d, long t) {
        return SchedAttr.DEFAULT.withDeadline(c * MS, d * MS, t * MS);
    }

    /** Runs the task of example H for 4 units, blocks it, and wakes it at {@code wakeAt}. */
    private static StepTask blockAtFourAndWake(long wakeAt, StepHost h) {
        StepTask t = h.spawn("h", dl(10, 100, 100), 0);
        assertEquals(t, h.schedule(0));
        h.advance(4 * MS);
        h.stop(0, StopReason.BLOCK);
        assertEquals(6 * MS, Deadline.runtimeLeftNs(t));
        assertEquals(100 * MS, Deadline.deadlineNs(t));
        h.advance((wakeAt - 4) * MS);
        h.wake(t);
        return t;
    }

    @Test
    void wakeupRuleResetsWhenTheRemainingDensityIsTooHigh() {
        StepHost h = new StepHost(new Deadline(), 1, 1);
        StepTask t = blockAtFourAndWake(50, h); // 6/50 = 0.12 > 0.1
        assertEquals(150 * MS, Deadline.deadlineNs(t));
        assertEquals(10 * MS, Deadline.runtimeLeftNs(t));
    }

    @Test
    void wakeupRuleKeepsTheServerWhenTheDensityFits() {
        StepHost h = new StepHost(new Deadline(), 1, 1);
        StepTask t = blockAtFourAndWake(30, h); // 6/70 = 0.086 <= 0.1
        assertEquals(100 * MS, Deadline.deadlineNs(t));
        assertEquals(6 * MS, Deadline.runtimeLeftNs(t));
    }

    /** A second-scale server (Q = D = P = 4s): runtime x D is 3s x 4s in ns, past 64 bits. Run 1s,
     *  block, wake at 3.9s: 3s left for 0.1s to the deadline is far over Q / D, so it resets. */
    @Test
    void wakeupRuleHoldsForSecondScaleServers() {
        long s = 1_000 * MS;
        StepHost h = new StepHost(PolicyRegistry.create("deadline", Map.of("cap", "1.0")), 1, 1);
        StepTask t = h.spawn("slow", SchedAttr.DEFAULT.withDeadline(4 * s, 4 * s, 4 * s), 0);
        assertEquals(t, h.schedule(0));
        h.advance(s);
        h.stop(0, StopReason.BLOCK);
        assertEquals(3 * s, Deadline.runtimeLeftNs(t));
        h.advance(2_900 * MS);
        h.wake(t);
        assertEquals(7_900 * MS, Deadline.deadlineNs(t), "reset to now + D");
        assertEquals(4 * s, Deadline.runtimeLeftNs(t));
    }

    /** A CPU hog under Q=10, P=100 next to a background hog, ticked every 1 unit for 10 periods. */
    @Test
    void hogGetsExactlyQPerPWithThrottlingAndReplenishment() {
        Deadline p = new Deadline();
        StepHost h = new StepHost(p, 1, 1);
        StepTask bg = h.spawn("background", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", dl(10, 100, 100), 0);
        long[] perPeriod = new long[10];
        for (long ms = 0; ms < 1000; ms++) {
            StepTask ran = h.runFor(0, MS, MS);
            if (ran == hog) perPeriod[(int) (ms / 100)] += MS;
            if (ms == 10) {
                assertTrue(p.isThrottled(hog), "throttled once its 10 units are used");
                assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 0 && k[1] == 100 * MS), "asks for a look at its deadline");
            }
            if (ms == 100) assertEquals(200 * MS, Deadline.deadlineNs(hog), "replenished: deadline += P");
        }
        for (int i = 0; i < 10; i++) assertEquals(10 * MS, perPeriod[i], "period " + i);
        assertEquals(100 * MS, hog.runNs());
        assertTrue(bg.runNs() >= 880 * MS, "the background task gets the rest: " + bg.runNs());
    }

    /** A hog with a deadline shorter than its period (Q=1, D=2, P=10): throttled until its next
     *  period, not its deadline, so it gets Q per P from the first period on (refilled at the
     *  deadline, it got 2 units in the first 10). */
    @Test
    void aConstrainedDeadlineHogGetsQPerPAndWaitsForItsNextPeriod() {
        Deadline p = new Deadline();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("background", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", dl(1, 2, 10), 0);
        long[] perPeriod = new long[5];
        for (long us = 0; us < 50_000; us += 100) {
            StepTask ran = h.runFor(0, 100_000, 100_000);
            if (ran == hog) perPeriod[(int) (us / 10_000)] += 100_000;
            if (us == 1_000) {
                assertTrue(p.isThrottled(hog));
                assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 0 && k[1] == 10 * MS), "a look at its next period, not at its deadline (2)");
            }
            if (us == 10_000) assertEquals(12 * MS, Deadline.deadlineNs(hog), "refilled as its next period began: deadline 10 + 2");
        }
        for (int i = 0; i < 5; i++) assertEquals(MS, perPeriod[i], "period " + i);
    }

    /** Linux's dl_check_constrained_dl: a task (Q=1, D=2, P=10) that runs 0.9, blocks and wakes
     *  just after its deadline is throttled until its next period; reset at that wakeup as an
     *  implicit-deadline server would be, it got 0.9 of every 2 units, 45% against 10% admitted. */
    @Test
    void aConstrainedDeadlineTaskWokenAfterItsDeadlineWaitsForItsNextPeriod() {
        Deadline p = new Deadline();
        StepHost h = new StepHost(p, 1, 1);
        StepTask bg = h.spawn("background", SchedAttr.DEFAULT, 0);
        StepTask t = h.spawn("sleeper", dl(1, 2, 10), 0);
        long ran = 0;
        for (int round = 0; round < 8; round++) {
            while (h.running(0) != t) { // the background task runs until the sleeper is ready and preempts it
                if (h.running(0) == null) {
                    h.schedule(0);
                    continue;
                }
                h.advance(100_000);
                h.honourDueKicks(); // a due replenishment preempts the background task here
                if (h.running(0) == bg && (h.tick(0) || h.preemptPending(0))) h.stop(0, StopReason.PREEMPT);
            }
            h.advance(900_000);
            ran += 900_000;
            h.stop(0, StopReason.BLOCK);
            long deadline = Deadline.deadlineNs(t);
            h.schedule(0);
            h.advance(deadline + 1 - h.now());
            h.wake(t);
            if (round == 0) {
                assertTrue(p.isThrottled(t), "woken between its deadline (2) and its next period (10): throttled");
                assertEquals(0, Deadline.runtimeLeftNs(t));
            }
        }
        assertTrue(ran <= 9 * MS && h.now() >= 70 * MS, "at most Q per P: " + ran + " ns in " + h.now() + " ns");
        assertTrue(bg.runNs() > 0);
    }

    /** The revised wakeup rule for D &lt; P (Linux's update_dl_revised_wakeup): woken before its
     *  deadline with more runtime than the density Q/D allows until then, the server keeps its
     *  deadline and gets (deadline - now) x Q / D. */
    @Test
    void aConstrainedDeadlineTaskWokenBeforeItsDeadlineKeepsItWithTheRuntimeTheDensityAllows() {
        StepHost h = new StepHost(new Deadline(), 1, 1);
        StepTask t = h.spawn("t", dl(4, 8, 20), 0); // density 0.5
        assertEquals(t, h.schedule(0));
        h.advance(MS);
        h.stop(0, StopReason.BLOCK); // 3 left, deadline 8
        h.advance(3 * MS);
        h.wake(t); // at 4: 3 left for 4 to the deadline, over 0.5
        assertEquals(8 * MS, Deadline.deadlineNs(t), "the deadline is kept");
        assertEquals(2 * MS, Deadline.runtimeLeftNs(t), "(8 - 4) x 4 / 8");
    }

    /** The hog of the test above, its nice toggled every time it is throttled: a change that
     *  leaves Q, D and P alone (sched_setattr with the same deadline parameters) must not hand
     *  the server a fresh runtime and deadline, so the hog still gets exactly Q per P. */
    @Test
    void aThrottledHogGainsNoRuntimeFromAChangeOfNice() {
        Deadline p = new Deadline();
        StepHost h = new StepHost(p, 1, 1);
        h.spawn("background", SchedAttr.DEFAULT, 0);
        StepTask hog = h.spawn("hog", dl(10, 100, 100), 0);
        long[] perPeriod = new long[10];
        int changes = 0;
        for (long ms = 0; ms < 1000; ms++) {
            if (h.runFor(0, MS, MS) == hog) perPeriod[(int) (ms / 100)] += MS;
            if (p.isThrottled(hog)) {
                h.setAttr(hog, hog.attr().withNice(hog.attr().nice() == 0 ? 5 : 0));
                changes++;
                assertTrue(p.isThrottled(hog), "still throttled after the nice change at " + ms + "ms");
            }
        }
        assertTrue(changes >= 10, "changes while throttled: " + changes);
        for (int i = 0; i < 10; i++) assertEquals(10 * MS, perPeriod[i], "period " + i);
    }

    @Test
    void throttledServerIsReplenishedWhenAnIdleCpuIsKicked() {
        Deadline p = new Deadline();
        StepHost h = new StepHost(p, 1, 1);
        StepTask hog = h.spawn("hog", dl(10, 100, 100), 0);
        h.runFor(0, 20 * MS, MS);
        assertEquals(10 * MS, hog.runNs());
        assertNull(h.schedule(0), "throttled: nothing to run");
        h.advance(90 * MS); // t = 100: the kick time
        assertEquals(hog, h.schedule(0));
        assertEquals(10 * MS, Deadline.runtimeLeftNs(hog));
        assertEquals(200 * MS, Deadline.deadlineNs(hog));
    }

    @Test
    void earliestDeadlineRunsAndPreemptsBackground() {
        StepHost h = new StepHost(new Deadline(), 1, 1);
        StepTask plain = h.spawn("plain", SchedAttr.DEFAULT, 0);
        assertEquals(plain, h.schedule(0));
        StepTask late = h.spawn("late", dl(1, 50, 50), 0);
        assertTrue(h.preemptPending(0), "a deadline task preempts background work");
        StepTask early = h.spawn("early", dl(1, 20, 50), 0);
        h.stop(0, StopReason.PREEMPT);
        assertEquals(early, h.schedule(0));
        h.advance(MS);
        h.stop(0, StopReason.BLOCK);
        assertEquals(late, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        assertEquals(plain, h.schedule(0));
    }

    @Test
    void globalEdfShowsDhallsEffectAtTimeZero() {
        StepHost h = new StepHost(PolicyRegistry.create("deadline", Map.of("admission", "off")), 2, 1);
        StepTask t1 = h.spawn("t1", dl(10, 10, 10), 0);
        StepTask t2 = h.spawn("t2", dl(1, 9, 9), 0);
        StepTask t3 = h.spawn("t3", dl(1, 9, 9), 0);
        assertEquals(t2, h.schedule(0));
        assertEquals(t3, h.schedule(1));
        h.advance(MS);
        h.stop(0, StopReason.BLOCK);
        assertEquals(t1, h.schedule(0), "task 1 cannot start before t=1, so it misses at t=10");
    }

    /** An urgent job: 600us of work, deadline 1ms, period 20ms. */
    static final SchedAttr URGENT = SchedAttr.DEFAULT.withDeadline(600 * US, MS, 20 * MS);

    /**
     * A host's loop over the stepping host in 10us steps until {@code untilNs}: it delivers the
     * preemptions the policy asked for and the kicks due, ticks every busy CPU on the
     * {@code tickNs} grid, and blocks each task of {@code work} once it has run that long; a CPU
     * whose task stopped picks again at once. An idle CPU looks only when kicked (or when the
     * caller schedules it, as a host wakes the CPU an enqueue targets). Returns when each task
     * of {@code work} finished (absent: not by {@code untilNs}).
     */
    static Map<StepTask, Long> drive(StepHost h, int cpus, Map<StepTask, Long> work, long untilNs, long tickNs) {
        Map<StepTask, Long> left = new HashMap<>(work), done = new HashMap<>();
        while (h.now() < untilNs) {
            for (int c = 0; c < cpus; c++) {
                if (h.running(c) != null && h.preemptPending(c)) { h.stop(c, StopReason.PREEMPT); h.schedule(c); }
            }
            boolean[] busy = new boolean[cpus];
            for (int c = 0; c < cpus; c++) busy[c] = h.running(c) != null;
            h.honourDueKicks();
            for (int c = 0; c < cpus; c++) if (busy[c] && h.running(c) == null) h.schedule(c); // preempted by its tick
            if (h.now() % tickNs == 0) {
                for (int c = 0; c < cpus; c++) if (h.running(c) != null && h.tick(c)) { h.stop(c, StopReason.PREEMPT); h.schedule(c); }
            }
            h.advance(10 * US);
            for (int c = 0; c < cpus; c++) {
                StepTask t = h.running(c);
                if (t == null || !left.containsKey(t)) continue;
                long rest = left.get(t) - 10 * US;
                left.put(t, rest);
                if (rest <= 0) { h.stop(c, StopReason.BLOCK); done.put(t, h.now()); h.schedule(c); }
            }
        }
        return done;
    }

    /** Global EDF, both CPUs busy with long jobs (deadlines 20 and 19ms); two urgent jobs are
     *  released together between two ticks: each preempts a CPU of its own and both finish 600us
     *  later. Before 2026-11-23 both preempted CPU 0 (the one running the least urgent task),
     *  and u2 ran only when u1 finished: done 1.2ms after its release, 200us past its deadline. */
    @Test
    void twoReleasesTogetherEachPreemptABusyCpuOfTheirOwn() {
        StepHost h = new StepHost(new Deadline(false, 1.0, false), 2, 1);
        StepTask a = h.spawn("longA", dl(9, 20, 20), 0);
        assertEquals(a, h.schedule(0));
        StepTask b = h.spawn("longB", dl(9, 19, 20), 1);
        assertEquals(b, h.schedule(1));
        h.advance(1_300 * US);
        long release = h.now();
        StepTask u1 = h.spawn("u1", URGENT, -1);
        StepTask u2 = h.spawn("u2", URGENT, -1);
        assertTrue(h.preemptPending(0) && h.preemptPending(1),
                "each release preempts its own CPU: cpu0=" + h.preemptPending(0) + " cpu1=" + h.preemptPending(1));
        Map<StepTask, Long> done = drive(h, 2, Map.of(u1, 600 * US, u2, 600 * US), 5 * MS, MS);
        assertEquals(release + 600 * US, done.get(u1));
        assertEquals(release + 600 * US, done.get(u2), "u2 runs at once and meets its deadline " + Deadline.deadlineNs(u2));
        assertEquals(0, u2.waitNs());
        h.drainAndCheck();
    }

    /** Global EDF, 3 CPUs, one busy: two urgent jobs released together both target idle CPU 1
     *  (the host wakes it); the second must get CPU 2 kicked. Until they switch, CPU 0's tick must
     *  not give way: the two pending switches take both. Before 2026-11-23 CPU 2 was never kicked
     *  and CPU 0's ticks never gave way (another CPU was idle): u2 waited out its whole 1ms
     *  deadline behind u1. */
    @Test
    void twoReleasesTogetherOnIdleCpusKickOneEach() {
        StepHost h = new StepHost(new Deadline(false, 1.0, false), 3, 1);
        StepTask a = h.spawn("longA", dl(9, 20, 20), 0);
        assertEquals(a, h.schedule(0));
        h.advance(1_300 * US);
        long release = h.now();
        int k0 = h.kicks().size();
        StepTask u1 = h.spawn("u1", URGENT, -1);
        StepTask u2 = h.spawn("u2", URGENT, -1);
        // selectCpu sends both to the first idle CPU, 1, which the host wakes for the enqueue
        var kicks = h.kicks().subList(k0, h.kicks().size());
        assertTrue(kicks.stream().anyMatch(k -> k[0] == 2 && k[1] <= release),
                "the second release kicks CPU 2: " + kicks.stream().map(k -> "cpu" + k[0] + "@" + k[1]).toList());
        assertFalse(h.preemptPending(0), "longA keeps CPU 0");
        assertFalse(h.tick(0), "both urgent jobs have a CPU about to take them: CPU 0 does not give way");
        assertEquals(u1, h.schedule(1)); // the host wakes the enqueue target
        Map<StepTask, Long> done = drive(h, 3, Map.of(u1, 600 * US, u2, 600 * US), 5 * MS, MS);
        assertEquals(release + 600 * US, done.get(u1));
        assertEquals(release + 600 * US, done.get(u2), "u2 runs at once on CPU 2 and meets its deadline");
        assertEquals(2, u2.lastCpu());
        assertEquals(0, u2.waitNs());
        assertEquals(0, a.preemptions(), "longA was never preempted");
        h.drainAndCheck();
    }

    /** A third release more urgent than the two already sent to the busy CPUs takes over the
     *  claim of the less urgent one, with no further preemption: the two most urgent run. */
    @Test
    void aMoreUrgentReleaseTakesOverTheLeastUrgentPendingSwitch() {
        StepHost h = new StepHost(new Deadline(false, 1.0, false), 2, 1);
        StepTask a = h.spawn("longA", dl(9, 20, 20), 0);
        assertEquals(a, h.schedule(0));
        StepTask b = h.spawn("longB", dl(9, 19, 20), 1);
        assertEquals(b, h.schedule(1));
        h.advance(MS);
        StepTask u5 = h.spawn("u5", dl(1, 5, 20), -1);
        StepTask u4 = h.spawn("u4", dl(1, 4, 20), -1);
        assertTrue(h.preemptPending(0) && h.preemptPending(1));
        h.spawn("u3", dl(1, 3, 20), -1);
        for (int c = 1; c >= 0; c--) { h.stop(c, StopReason.PREEMPT); h.schedule(c); } // CPU 1 first: it takes u3, claimed by CPU 0
        assertEquals(Set.of("u3", "u4"), Set.of(h.running(0).name(), h.running(1).name()));
        assertEquals(StepHost.State.QUEUED, u5.state());
        assertFalse(h.tick(0) || h.tick(1), "u5, longA and longB wait: the running ones are more urgent");
        h.drainAndCheck();
    }

    /** Global EDF's invariant under bursts of releases: random deadline jobs released in batches
     *  onto CPUs running a random mix; after the host delivers only what the policy asked for
     *  (preemptions, kicks, and a wakeup of each idle enqueue target), the CPUs run exactly the
     *  most urgent ready jobs. Before 2026-11-23 a batch could leave a CPU running a less urgent
     *  task than a queued one. */
    @Test
    void globalEdfRunsTheMostUrgentJobsAfterEachBurstOfReleases() {
        var rnd = new java.util.SplittableRandom(7);
        for (int round = 0; round < 300; round++) {
            int cpus = 2 + rnd.nextInt(4);
            StepHost h = new StepHost(new Deadline(false, 1.0, false), cpus, round);
            for (int c = 0; c < cpus; c++) {
                if (rnd.nextInt(3) == 0) continue; // idle
                StepTask t = h.spawn("run" + c, dl(1 + rnd.nextInt(5), 10 + rnd.nextInt(90), 100), c);
                assertEquals(t, h.schedule(c));
            }
            int target = -1; // selectCpu's choice for a task with no previous CPU: the first idle one
            for (int c = cpus - 1; c >= 0; c--) if (h.running(c) == null) target = c;
            int jobs = 1 + rnd.nextInt(cpus + 2);
            for (int i = 0; i < jobs; i++) h.spawn("job" + i, dl(1 + rnd.nextInt(5), 10 + rnd.nextInt(90), 100), -1);
            if (target >= 0) h.schedule(target); // the host wakes an idle enqueue target
            for (boolean moved = true; moved; ) { // preemptions re-enqueue tasks, which may ask for more
                moved = false;
                for (int c = 0; c < cpus; c++) {
                    if (h.running(c) != null && h.preemptPending(c)) { h.stop(c, StopReason.PREEMPT); h.schedule(c); moved = true; }
                }
                var due = h.kicks().stream().filter(k -> k[1] <= h.now()).toList(); // kicks of busy CPUs: ticks, below
                h.kicks().removeAll(due);
                for (long[] k : due) if (h.running((int) k[0]) == null && h.schedule((int) k[0]) != null) moved = true;
            }
            long worstRunning = Long.MIN_VALUE;
            int idle = 0;
            for (int c = 0; c < cpus; c++) {
                if (h.running(c) == null) idle++;
                else worstRunning = Math.max(worstRunning, Deadline.deadlineNs(h.running(c)));
            }
            for (StepTask t : h.tasks()) {
                if (t.state() != StepHost.State.QUEUED) continue;
                assertEquals(0, idle, "round " + round + ": " + t + " waits while a CPU is idle");
                assertTrue(Deadline.deadlineNs(t) >= worstRunning,
                        "round " + round + ": " + t + " (deadline " + Deadline.deadlineNs(t) + ") waits behind a running deadline " + worstRunning);
            }
            for (int c = 0; c < cpus; c++) {
                assertFalse(h.running(c) != null && h.tick(c), "round " + round + ": CPU " + c + " asked to give way with nothing more urgent left");
            }
            h.drainAndCheck();
        }
    }

    /** The tick's pruned count of queued tasks more urgent than its own, against a full count. */
    @Test
    void heapCountBeforeMatchesAFullCount() {
        var rnd = new java.util.SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            TaskHeap heap = new TaskHeap();
            int n = rnd.nextInt(40);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                TaskHeap.Node node = new TaskHeap.Node(new StepTask("n" + i, SchedAttr.DEFAULT));
                node.key = keys[i] = rnd.nextInt(20);
                heap.add(node);
            }
            long key = rnd.nextInt(22);
            long tie = rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE; // after, or before, every equal key
            int limit = rnd.nextInt(8);
            long full = java.util.Arrays.stream(keys).filter(k -> k < key || (k == key && tie == Long.MAX_VALUE)).count();
            assertEquals(Math.min(full, limit), heap.countBefore(key, tie, limit), "round " + round);
        }
    }

    @Test
    void admissionExampleIOnOneCpu() {
        StepHost h = new StepHost(new Deadline(), 1, 1);
        StepTask a = h.spawn("a", dl(50, 100, 100), 0);
        h.spawn("b", dl(40, 100, 100), 0);
        var e = assertThrows(AdmissionException.class, () -> h.spawn("c", dl(10, 100, 100), 0));
        assertTrue(e.getMessage().contains("bandwidth 0.100") && e.getMessage().contains("total to 1.000")
                && e.getMessage().contains("cap 0.950"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (or create the policy with admission=off)"), e.getMessage());
        assertEquals("create the policy with admission=off", e.bypass());
        assertEquals(e.getMessage(), e.refusal() + " (or " + e.bypass() + ")", "the refusal alone, for a caller that words the bypass itself");
        StepTask gone = h.schedule(0);
        h.stop(0, StopReason.EXIT); // the earliest deadline ran: a or b
        StepTask c = h.spawn("c", dl(10, 100, 100), 0); // bandwidth was released at exit
        assertEquals(StepHost.State.QUEUED, c.state());
        // exactly the exited task's bandwidth was released: taking it again sums to 1.0 once more
        SchedAttr same = gone.attr();
        var again = assertThrows(AdmissionException.class, () -> h.spawn("again", same, 0), "the exit released more than " + gone);
        assertTrue(again.getMessage().contains("total to 1.000"), again.getMessage());
    }

    @Test
    void admissionCapIsThreePointEightOnFourCpus() {
        StepHost h = new StepHost(new Deadline(), 4, 1);
        for (int i = 0; i < 38; i++) h.spawn("t" + i, dl(10, 100, 100), 0);
        var e = assertThrows(AdmissionException.class, () -> h.spawn("t38", dl(10, 100, 100), 0));
        assertTrue(e.getMessage().contains("cap 3.800") && e.getMessage().contains("4 CPUs"), e.getMessage());
    }

    @Test
    void offAdmitsEverythingAndCapIsAParameter() {
        StepHost off = new StepHost(PolicyRegistry.create("deadline", Map.of("admission", "off")), 1, 1);
        for (int i = 0; i < 3; i++) off.spawn("t" + i, dl(50, 100, 100), 0);
        StepHost full = new StepHost(PolicyRegistry.create("deadline", Map.of("cap", "1.0")), 1, 1);
        full.spawn("a", dl(50, 100, 100), 0);
        full.spawn("b", dl(50, 100, 100), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("deadline", Map.of("placement", "mixed")));
        assertTrue(e.getMessage().contains("'mixed'") && e.getMessage().contains("global, partitioned"), e.getMessage());
    }

    @Test
    void partitionedFirstFitDecreasingPutsTheHeavyTaskAlone() {
        Deadline p = (Deadline) PolicyRegistry.create("deadline", Map.of("placement", "partitioned", "cap", "1.0", "admission", "off"));
        StepHost h = new StepHost(p, 2, 1);
        // Spawned light ones first: first fit decreasing still isolates the heavy task.
        StepTask t2 = h.spawn("t2", dl(1, 9, 9), 0);
        StepTask t3 = h.spawn("t3", dl(1, 9, 9), 0);
        StepTask t1 = h.spawn("t1", dl(10, 10, 10), 0);
        assertEquals(Deadline.homeCpu(t2), Deadline.homeCpu(t3));
        assertNotEquals(Deadline.homeCpu(t1), Deadline.homeCpu(t2));
        assertEquals(t1, h.schedule(Deadline.homeCpu(t1)));
        assertEquals(t2, h.schedule(Deadline.homeCpu(t2)));
        h.drainAndCheck();
    }

    /** Re-partitioning at an admission can move a queued task to another CPU's queue: that CPU
     *  must hear of it (kicked while idle, preempted while it runs background work), or the task
     *  waits there unseen. */
    @Test
    void aQueuedTaskMovedByRepartitioningIsNotStranded() {
        for (boolean cpu1Busy : new boolean[] {false, true}) {
            StepHost h = new StepHost(PolicyRegistry.create("deadline", Map.of("placement", "partitioned", "cap", "1.0")), 2, 1);
            StepTask plain = cpu1Busy ? h.spawn("plain", SchedAttr.DEFAULT, 1) : null;
            assertEquals(plain, h.schedule(1));
            StepTask a = h.spawn("a", dl(50, 100, 100), 0);
            assertEquals(a, h.schedule(0));
            StepTask b = h.spawn("b", dl(40, 100, 100), 0); // fits beside a: queued on CPU 0
            assertEquals(0, Deadline.homeCpu(b));
            h.kicks().clear();
            h.spawn("c", dl(70, 100, 100), 0); // first fit decreasing: c on CPU 0, a and b on CPU 1
            assertEquals(1, Deadline.homeCpu(b));
            if (cpu1Busy) {
                assertTrue(h.preemptPending(1), "CPU 1 runs background work while b waits there");
                h.stop(1, StopReason.PREEMPT);
            } else {
                assertTrue(h.kicks().stream().anyMatch(k -> k[0] == 1 && k[1] <= h.now()), "idle CPU 1 is kicked for b");
            }
            assertEquals(b, h.schedule(1));
            h.drainAndCheck();
        }
    }

    @Test
    void partitionedAdmissionRefusesWhatFitsOnNoCpu() {
        StepHost h = new StepHost(PolicyRegistry.create("deadline", Map.of("placement", "partitioned")), 2, 1);
        h.spawn("a", dl(60, 100, 100), 0);
        h.spawn("b", dl(60, 100, 100), 0);
        var e = assertThrows(AdmissionException.class, () -> h.spawn("c", dl(60, 100, 100), 0));
        assertTrue(e.getMessage().contains("no CPU with room for bandwidth 0.600") && e.getMessage().contains("cpu0=0.600"), e.getMessage());
    }
}
