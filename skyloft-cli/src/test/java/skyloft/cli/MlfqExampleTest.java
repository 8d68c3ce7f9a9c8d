package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skyloft.cli.PolicyPathTest.Run;
import skyloft.policy.PolicyParams;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * The second outside example, {@code examples/policies/example/Mlfq.java} (OSTEP's multi-level
 * feedback queue): the contract check and the command line, as for Lottery in {@link
 * PolicyPathTest}, and its rules one by one on a {@link StepHost} with a fake clock, as a
 * policy's author outside the project would test it (the class compiled here, built through its
 * {@code PolicyParams} constructor). Defaults: 3 levels, slice 20us at the top (40us, 80us
 * below), allotment 100us, boost every 5ms from the first task.
 */
class MlfqExampleTest {

    static final long US = 1_000;

    @TempDir
    static Path dir;
    private static URLClassLoader loader;

    static Path source() {
        return PolicyPathTest.repoRoot().resolve("examples/policies/example/Mlfq.java");
    }

    @BeforeAll
    static void compile() throws Exception {
        Path classes = PolicyPathTest.compile(dir.resolve("mlfq"), source());
        loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, MlfqExampleTest.class.getClassLoader());
    }

    @AfterAll
    static void close() throws Exception {
        loader.close();
    }

    /** A new instance with {@code params} over the defaults. */
    static SchedPolicy mlfq(Map<String, String> params) throws Exception {
        return (SchedPolicy) loader.loadClass("example.Mlfq").getConstructor(PolicyParams.class).newInstance(new PolicyParams("mlfq", params));
    }

    /** Ticks {@code cpu} every microsecond for {@code us} microseconds; true if a tick asked for preemption (at its time). */
    static boolean tickFor(StepHost h, int cpu, long us) {
        for (long i = 0; i < us; i++) {
            h.advance(US);
            if (h.tick(cpu)) return true;
        }
        return false;
    }

    /** Runs {@code cpu}'s task until a tick asks for its preemption (ticking each microsecond), then preempts it; returns how long it ran. */
    static long runUntilPreempted(StepHost h, int cpu) {
        long start = h.now();
        while (!tickFor(h, cpu, 1)) {
            assertTrue(h.now() - start < 10_000 * US, "never preempted");
        }
        h.stop(cpu, StopReason.PREEMPT);
        return h.now() - start;
    }

    @Test
    void passesTheContractAndIsListedByItsShortName() {
        Run check = PolicyPathTest.cli("policies", "--policy-path", source().toString(), "--check", "example.Mlfq");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("8 checks: 8 passed, 0 failed, 0 did not apply"), check.out());
        Run odd = PolicyPathTest.cli("policies", "--policy-path", source().toString(), "--check", "mlfq[levels=5,slice=5us,allotment=5us,boost=10us]");
        assertEquals(0, odd.exit(), "the tightest parameters pass too: " + odd);
        Run list = PolicyPathTest.cli("policies", "--policy-path", source().toString(), "mlfq");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("mlfq (example.Mlfq) OSTEP's multi-level feedback queue") && list.out().contains("allotment (default 100us)")
                && list.out().contains("boost (default 5ms)"), list.out());
    }

    @Test
    void badParametersAreRefusedSayingWhatIsAllowed() {
        String scenario = PolicyPathTest.repoRoot().resolve("examples/mlfq-interactive.yaml").toString();
        String[][] cases = {
                {"mlfq[allotment=10us]", "policy mlfq: allotment 10us is shorter than slice 20us; a task would move down before its first slice ended (give allotment >= slice)"},
                {"mlfq[boost=100us]", "policy mlfq: boost 100us is not longer than allotment 100us; no task could use up its allotment between boosts (give boost > allotment)"},
                {"mlfq[slice=1.5ms,allotment=1ms]", "policy mlfq: allotment 1ms is shorter than slice 1500us; a task would move down before its first slice ended (give allotment >= slice)"},
                {"mlfq[levels=16,slice=100us,allotment=1ms]", "policy mlfq: the bottom level's slice, slice 100us x 2^15, is over 1s; give fewer levels or a shorter slice"},
                {"mlfq[levels=1]", "policy mlfq parameter levels: 1 is out of range; allowed 2..16"},
                {"mlfq[slice=1us]", "policy mlfq parameter slice: 1us is out of range; allowed 5us to 100ms"},
                {"mlfq[quantum=1us]", "policy mlfq has no parameter 'quantum'; known: levels, slice, allotment, boost"},
        };
        for (String[] c : cases) {
            Run r = PolicyPathTest.cli("sim", "--policy-path", source().toString(), "--policy", c[0], scenario);
            assertEquals(2, r.exit(), c[0] + ": " + r);
            assertEquals("skyloft: --policy: " + c[1] + "\n", r.err(), c[0]);
        }
    }

    @Test
    void theScenarioNamesItByItsShortName() {
        Run sim = PolicyPathTest.cli("sim", "--policy-path", source().toString(), PolicyPathTest.repoRoot().resolve("examples/mlfq-interactive.yaml").toString());
        assertEquals(0, sim.exit(), sim.toString());
        assertTrue(sim.out().startsWith("mlfq-interactive: policy mlfq[levels=3,slice=20us,allotment=100us,boost=5ms], 2 CPUs"), sim.out());
    }

    /** Rule 4: a task that has used its allotment at the top moves down; below, tasks take turns on the longer slice. */
    @Test
    void aTaskMovesDownOnceItHasUsedItsAllotment() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 1, 1);
        StepTask a = h.spawn("a");
        assertSame(a, h.schedule(0));
        assertFalse(tickFor(h, 0, 99), "alone, a keeps the CPU past its slice");
        StepTask b = h.spawn("b");
        assertFalse(h.preemptPending(0), "a has used 99us of its 100us: still on top beside b");
        assertTrue(tickFor(h, 0, 1), "at 100us a has used its allotment and moves below b");
        h.stop(0, StopReason.PREEMPT);
        assertSame(b, h.schedule(0));
        assertEquals(100 * US, runUntilPreempted(h, 0), "b keeps the CPU past its 20us slice (only a, below it, waits) until its own allotment is used");
        assertSame(a, h.schedule(0), "both at the second level now: a's turn");
        assertEquals(40 * US, runUntilPreempted(h, 0), "the second level's slice");
        assertSame(b, h.schedule(0));
        assertEquals(40 * US, runUntilPreempted(h, 0));
        assertSame(a, h.schedule(0));
        assertEquals(40 * US, runUntilPreempted(h, 0));
        assertSame(b, h.schedule(0));
        assertEquals(40 * US, runUntilPreempted(h, 0));
        assertSame(a, h.schedule(0));
        assertEquals(20 * US, runUntilPreempted(h, 0), "a's second allotment (40 + 40 + 20) ends 20us into this run, b waiting above it");
        assertSame(b, h.schedule(0));
        assertEquals(20 * US, runUntilPreempted(h, 0), "so does b's, and it joins a at the bottom");
        assertSame(a, h.schedule(0));
        assertEquals(80 * US, runUntilPreempted(h, 0), "the bottom level's slice");
        assertSame(b, h.schedule(0));
        assertEquals(80 * US, runUntilPreempted(h, 0));
    }

    /** Rule 4, no gaming: yielding just before the slice ends does not keep a task on top, because its
     *  time counts across runs. With the allotment counted per run, the yielder would hold the CPU for good. */
    @Test
    void yieldingJustBeforeTheSliceEndsDoesNotKeepATaskOnTop() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 1, 1);
        StepTask gamer = h.spawn("gamer"), hog = h.spawn("hog");
        List<String> order = new ArrayList<>();
        long gamerNs = 0, hogNs = 0;
        while (h.now() < 4_000 * US) { // before the first boost at 5ms
            StepTask t = h.schedule(0);
            order.add(t.name());
            if (t == gamer) {
                long start = h.now();
                if (tickFor(h, 0, 19)) h.stop(0, StopReason.PREEMPT); // it used up its allotment within the 19us, another waiting
                else h.stop(0, StopReason.YIELD);
                gamerNs += h.now() - start;
            } else {
                hogNs += runUntilPreempted(h, 0);
            }
            if (order.size() == 11) {
                // 5 turns each at the top: the hog's 5 x 20us use its allotment; the gamer's 5 x 19us do not, and its
                // sixth run uses it up 5us in, so it moves down beside the hog, which runs next
                assertEquals(List.of("gamer", "hog", "gamer", "hog", "gamer", "hog", "gamer", "hog", "gamer", "hog", "gamer"), order);
            }
        }
        assertEquals("hog", order.get(11), "the gamer used its allotment in runs of 19us and moved down beside the hog: "
                + order.subList(0, Math.min(20, order.size())));
        assertTrue(hogNs > 0.6 * (hogNs + gamerNs), "the hog's longer slices give it most of the CPU below: hog " + hogNs + "ns, gamer " + gamerNs + "ns");
    }

    /** The same with blocking instead of yielding: a task that sleeps just before its slice ends
     *  moves down all the same, 5us into its sixth run, and a new task waiting on top runs. */
    @Test
    void blockingJustBeforeTheSliceEndsDoesNotKeepATaskOnTopEither() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 1, 1);
        StepTask sleeper = h.spawn("sleeper");
        for (int run = 1; run <= 5; run++) {
            assertSame(sleeper, h.schedule(0));
            assertFalse(tickFor(h, 0, 19));
            h.stop(0, StopReason.BLOCK);
            h.advance(5 * US);
            h.wake(sleeper);
        }
        assertSame(sleeper, h.schedule(0));
        StepTask probe = h.spawn("probe");
        assertFalse(h.preemptPending(0), "95us used: the sleeper is still on top beside the new task");
        long start = h.now();
        assertTrue(tickFor(h, 0, 19), "its allotment runs out in this run");
        assertEquals(5 * US, h.now() - start, "at 100us of use over six runs");
        h.stop(0, StopReason.PREEMPT);
        assertSame(probe, h.schedule(0));
    }

    /** Rule 5: a task starved at the bottom by a stream of new tasks gets back on top at the boost. */
    @Test
    void theBoostGivesAStarvedTaskATurnAtTheTop() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 1, 1);
        StepTask hog = h.spawn("hog"); // the boost clock starts here, at 0: boosts at 5ms, 10ms...
        assertSame(hog, h.schedule(0));
        assertFalse(tickFor(h, 0, 1_000), "alone for 1ms: down to the bottom, still running");
        h.spawn("req");
        assertTrue(h.preemptPending(0), "a new task preempts the hog, sunk by this run's use");
        h.stop(0, StopReason.PREEMPT);
        long hogRunsAt = -1, hogRanNs = 0;
        // requests back to back, each 20us, the next arriving while one runs: the top level is never empty
        for (int i = 0; h.now() < 6_000 * US; i++) {
            StepTask t = h.schedule(0);
            if (t == hog) {
                if (hogRunsAt < 0) hogRunsAt = h.now();
                h.spawn("req" + i); // arrives while the hog runs: the hog, boosted, is on top too and keeps its slice
                assertFalse(h.preemptPending(0));
                hogRanNs += runUntilPreempted(h, 0);
                continue;
            }
            assertNotSame(hog, t);
            h.spawn("req" + i);
            assertFalse(tickFor(h, 0, 19), "a request runs within its slice");
            h.advance(US);
            h.stop(0, StopReason.EXIT);
        }
        assertTrue(hogRunsAt >= 5_000 * US && hogRunsAt <= 5_020 * US, "the hog starves until the boost at 5ms, then runs after the request in progress: "
                + hogRunsAt + "ns");
        assertEquals(100 * US, hogRanNs, "after the boost the hog gets its top-level allotment again, a slice at a time among the requests, and sinks");
    }

    /** Rule 5 reaches a task that sleeps through the boost: it wakes on top, ahead of a new task that comes after it. */
    @Test
    void aTaskAsleepAtTheBoostWakesOnTop() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 1, 1);
        StepTask sunk = h.spawn("sunk");
        assertSame(sunk, h.schedule(0));
        assertFalse(tickFor(h, 0, 1_000));
        h.stop(0, StopReason.BLOCK); // at the bottom
        h.advance(500 * US);
        h.wake(sunk); // before the boost: a new task that comes after it still goes first
        StepTask early = h.spawn("early");
        assertSame(early, h.schedule(0));
        h.stop(0, StopReason.EXIT);
        assertSame(sunk, h.schedule(0));
        h.stop(0, StopReason.BLOCK);
        h.advance(5_000 * US); // past the boost at 5ms
        h.wake(sunk);
        StepTask late = h.spawn("late");
        assertSame(sunk, h.schedule(0), "boosted while asleep: on top, and queued first");
        assertEquals(20 * US, runUntilPreempted(h, 0), "with the top level's slice");
        assertSame(late, h.schedule(0));
    }

    /** Rule 1 across CPUs: a new task preempts the CPU running the lowest-level task, and one arrival asks one CPU only. */
    @Test
    void aNewTaskPreemptsTheLowestRunningTask() throws Exception {
        StepHost h = new StepHost(mlfq(Map.of()), 2, 1);
        StepTask low = h.spawn("low"), mid = h.spawn("mid");
        assertSame(low, h.schedule(0));
        assertSame(mid, h.schedule(1));
        for (int i = 0; i < 150; i++) { // low uses 150us alone (second level), mid 150us too, then low 100us more (bottom)
            h.advance(US);
            assertFalse(h.tick(0) || h.tick(1));
        }
        h.stop(1, StopReason.BLOCK); // mid stops at its second level
        for (int i = 0; i < 100; i++) {
            h.advance(US);
            assertFalse(h.tick(0));
        }
        h.wake(mid);
        assertSame(mid, h.schedule(1));
        h.spawn("new");
        assertTrue(h.preemptPending(0), "low, at the bottom, gives way");
        assertFalse(h.preemptPending(1), "mid, above it, does not");
        h.spawn("newer");
        assertTrue(h.preemptPending(1), "CPU 0 is already asked: the second arrival asks the next lowest");
    }
}
