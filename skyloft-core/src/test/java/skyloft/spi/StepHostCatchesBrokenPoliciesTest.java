package skyloft.spi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/** The contract suite is only worth something if its host catches broken policies: it does. */
class StepHostCatchesBrokenPoliciesTest {

    /** Hands out its head without removing it: the same task would run on two CPUs. */
    static class NeverRemoves extends SchedPolicy {
        final ArrayDeque<Task> q = new ArrayDeque<>();
        @Override public String name() { return "never-removes"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) { q.add(t); }
        @Override public Task pickNext(int cpu, long now) { return q.peek(); }
    }

    /** Drops every second task it is given. */
    static final class Loses extends SchedPolicy {
        final ArrayDeque<Task> q = new ArrayDeque<>();
        int n;
        @Override public String name() { return "loses"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long now) { if (n++ % 2 == 0) q.add(t); }
        @Override public Task pickNext(int cpu, long now) { return q.poll(); }
    }

    @Test
    void aTaskRunningTwiceIsCaught() {
        StepHost h = new StepHost(new NeverRemoves(), 2, 1);
        h.spawn("a");
        h.schedule(0);
        var e = assertThrows(AssertionError.class, () -> h.schedule(1));
        assertTrue(e.getMessage().contains("RUNNING on cpu 0"), e.getMessage());
    }

    @Test
    void aLostTaskIsCaughtAtDrain() {
        StepHost h = new StepHost(new Loses(), 1, 1);
        h.spawn("a");
        h.spawn("b");
        var e = assertThrows(AssertionError.class, h::drainAndCheck);
        assertTrue(e.getMessage().contains("lost"), e.getMessage());
    }

    @Test
    void aTickThatContradictsTheHintsIsCaught() {
        SchedPolicy liar = new NeverRemoves() {
            @Override public boolean usesTick() { return false; }
            @Override public boolean tick(int cpu, Task t, long ranNs, long now) { return true; }
        };
        StepHost h = new StepHost(liar, 1, 1);
        h.spawn("a");
        h.schedule(0);
        var e = assertThrows(AssertionError.class, () -> h.tick(0));
        assertTrue(e.getMessage().contains("usesTick() says it never does"), e.getMessage());
    }

    @Test
    void aTickBeforeItsOwnHintIsCaught() {
        SchedPolicy early = new NeverRemoves() {
            @Override public Task pickNext(int cpu, long now) { return q.poll(); }
            @Override public boolean tick(int cpu, Task t, long ranNs, long now) { return ranNs >= 10_000; }
            @Override public long tickHintNs(int cpu, Task t, long ranNs, long now) { return now + 1_000_000; }
        };
        StepHost h = new StepHost(early, 1, 1);
        h.spawn("a");
        h.schedule(0);
        h.advance(1_000);
        h.tick(0); // false, and a hint 1 ms away
        h.advance(20_000);
        var e = assertThrows(AssertionError.class, () -> h.tick(0));
        assertTrue(e.getMessage().contains("promised not before"), e.getMessage());
    }

    @Test
    void anEnqueueLiftsTheHint() {
        SchedPolicy early = new NeverRemoves() {
            @Override public Task pickNext(int cpu, long now) { return q.poll(); }
            @Override public boolean tick(int cpu, Task t, long ranNs, long now) { return !q.isEmpty(); }
            @Override public long tickHintNs(int cpu, Task t, long ranNs, long now) { return Long.MAX_VALUE; }
        };
        StepHost h = new StepHost(early, 1, 1);
        h.spawn("a");
        h.schedule(0);
        h.tick(0); // false, and "never, unless something is enqueued"
        h.spawn("b");
        assertTrue(h.tick(0), "after an enqueue the hint no longer holds");
    }
}
