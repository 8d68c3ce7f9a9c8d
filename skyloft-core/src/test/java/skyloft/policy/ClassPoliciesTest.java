package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.spi.EnqueueReason;
import skyloft.spi.PolicyInfo;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/** A policy named by its class's full name: loaded, described, its parameters checked, and held to the contract. */
class ClassPoliciesTest {

    /** A global FIFO with a slice, declared with {@link PolicyInfo}. */
    @PolicyInfo(description = "global FIFO with a slice", params = @PolicyInfo.Param(name = "slice", defaultValue = "1ms", description = "time slice"))
    public static final class Declared extends SchedPolicy {
        final long sliceNs;
        private ArrayDeque<Task> queue;

        public Declared(PolicyParams p) {
            sliceNs = p.durationNs("slice", 1_000_000, 1_000, 1_000_000_000);
        }

        @Override public String name() { return "declared"; }
        @Override protected void init(int cpus) { queue = new ArrayDeque<>(); }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { return ranNs >= sliceNs && !queue.isEmpty(); }
        @Override public void dump(java.io.PrintWriter out) { out.println(name() + " queued=" + queue.size()); }
    }

    /** The same without {@link PolicyInfo}: it takes what its constructor reads. */
    public static final class Undeclared extends SchedPolicy {
        private ArrayDeque<Task> queue;
        final long depth;

        public Undeclared(PolicyParams p) {
            depth = p.integer("depth", 1, 1, 10);
        }

        @Override public String name() { return "undeclared"; }
        @Override protected void init(int cpus) { queue = new ArrayDeque<>(); }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public void dump(java.io.PrintWriter out) { out.println(name() + " queued=" + queue.size()); }
    }

    /** A policy with only a constructor that takes nothing. */
    public static final class NoParams extends SchedPolicy {
        private ArrayDeque<Task> queue;

        @Override public String name() { return "noparams"; }
        @Override protected void init(int cpus) { queue = new ArrayDeque<>(); }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public void dump(java.io.PrintWriter out) { out.println(name()); }
    }

    /** Hands out the first task it was given again and again: breaks ownership. */
    public static final class Broken extends SchedPolicy {
        private Task first;

        public Broken() {}

        @Override public String name() { return "broken"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { if (first == null) first = task; }
        @Override public Task pickNext(int cpu, long nowNs) { return first; }
    }

    /** No usable constructor. */
    public static final class NeedsInt extends SchedPolicy {
        public NeedsInt(int x) {}

        @Override public String name() { return "needsint"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {}
        @Override public Task pickNext(int cpu, long nowNs) { return null; }
    }

    private static String name(Class<?> c) {
        return c.getName();
    }

    @Test
    void aDeclaredClassIsDescribedAndItsParametersAreChecked() {
        PolicyRegistry.Info info = PolicyRegistry.info(name(Declared.class));
        assertEquals("global FIFO with a slice", info.description());
        assertEquals(List.of(new PolicyRegistry.Param("slice", "1ms", "time slice")), info.params());
        assertTrue(info.declared());
        assertEquals(20_000, ((Declared) PolicyRegistry.create(name(Declared.class), Map.of("slice", "20us"))).sliceNs);
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(name(Declared.class), Map.of("quantum", "5us")));
        assertTrue(e.getMessage().contains("has no parameter 'quantum'") && e.getMessage().contains("known: slice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(name(Declared.class), Map.of("slice", "1ns")));
        assertTrue(e.getMessage().contains("slice") && e.getMessage().contains("1ns"), "the policy's own refusal goes through: " + e.getMessage());
    }

    @Test
    void anUndeclaredClassTakesWhatItReadsAndRefusesTheRest() {
        PolicyRegistry.Info info = PolicyRegistry.info(name(Undeclared.class));
        assertFalse(info.declared());
        assertEquals(7, ((Undeclared) PolicyRegistry.create(name(Undeclared.class), Map.of("depth", "7"))).depth);
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(name(Undeclared.class), Map.of("depth", "2", "width", "3")));
        assertTrue(e.getMessage().contains("did not read the parameter 'width'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(name(NoParams.class), Map.of("x", "1")));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertEquals("noparams", PolicyRegistry.create(name(NoParams.class)).name());
    }

    @Test
    void aClassThatIsNotAPolicyOrCannotBeBuiltIsRefusedSayingWhy() {
        String[][] cases = {
                {"com.acme.NoSuchPolicy", "is not on the class path"},
                {"java.lang.String", "is not a policy"},
                {"skyloft.spi.SchedPolicy", "must be public and not abstract"},
                {name(NeedsInt.class), "needs a public constructor"},
        };
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains(c[1]), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("nosuch"));
        assertTrue(e.getMessage().contains("known policies: fifo") && e.getMessage().contains("full name"), e.getMessage());
        assertFalse(PolicyRegistry.isPolicyName("a..b"));
        assertFalse(PolicyRegistry.isPolicyName("com.acme.9lives"));
        assertTrue(PolicyRegistry.isPolicyName("com.acme.Outer$Inner"));
    }

    @Test
    void classPoliciesPassTheContractAndABrokenOneFailsIt() {
        for (Class<?> c : List.of(Declared.class, Undeclared.class, NoParams.class)) {
            for (PolicyContract.Outcome o : PolicyContract.run(PolicyContract.Subject.of(name(c)))) {
                assertTrue(o.result() != PolicyContract.Result.FAILED, c.getSimpleName() + " " + o);
            }
        }
        List<PolicyContract.Outcome> broken = PolicyContract.run(PolicyContract.Subject.of(name(Broken.class)));
        PolicyContract.Outcome random = broken.getFirst();
        assertEquals("random-events", random.check().name());
        assertEquals(PolicyContract.Result.FAILED, random.result());
        assertTrue(random.detail().contains("broken: pickNext"), random.detail());
    }

    @Test
    void appsNestsAClassPolicy() {
        SchedPolicy apps = PolicyRegistry.create("apps", Map.of("lc", name(Declared.class), "lc.slice", "30us"));
        java.io.StringWriter sw = new java.io.StringWriter();
        new skyloft.spi.StepHost(apps, 1, 1).spawn("x");
        apps.dump(new java.io.PrintWriter(sw, true));
        assertTrue(sw.toString().contains("declared"), sw.toString());
    }
}
