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

    /** {@link Declared} under a short name. */
    @PolicyInfo(name = "short-fifo", description = "global FIFO with a slice, by a short name",
            params = @PolicyInfo.Param(name = "slice", defaultValue = "1ms", description = "time slice"))
    public static final class ShortNamed extends SchedPolicy {
        final long sliceNs;
        private ArrayDeque<Task> queue;

        public ShortNamed(PolicyParams p) {
            sliceNs = p.durationNs("slice", 1_000_000, 1_000, 1_000_000_000);
        }

        @Override public String name() { return "short-fifo"; }
        @Override protected void init(int cpus) { queue = new ArrayDeque<>(); }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { queue.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return queue.pollFirst(); }
        @Override public boolean tick(int cpu, Task task, long ranNs, long nowNs) { return ranNs >= sliceNs && !queue.isEmpty(); }
        @Override public void dump(java.io.PrintWriter out) { out.println(name() + " queued=" + queue.size()); }
    }

    /** Another class that takes the same short name. */
    @PolicyInfo(name = "short-fifo", description = "a second claim on short-fifo")
    public static final class SameShortName extends SchedPolicy {
        @Override public String name() { return "same"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {}
        @Override public Task pickNext(int cpu, long nowNs) { return null; }
    }

    /** A short name a registered policy has. */
    @PolicyInfo(name = "rr", description = "claims rr")
    public static final class TakesRr extends SchedPolicy {
        @Override public String name() { return "rr-claim"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {}
        @Override public Task pickNext(int cpu, long nowNs) { return null; }
    }

    /** A short name with a dot: it would read as a class's name. */
    @PolicyInfo(name = "my.policy", description = "a dotted short name")
    public static final class DottedName extends SchedPolicy {
        @Override public String name() { return "dotted"; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {}
        @Override public Task pickNext(int cpu, long nowNs) { return null; }
    }

    /** Runs {@code body} with a context class loader whose {@value PolicyRegistry#SERVICES} lists {@code lines}. */
    private static void withServices(List<String> lines, Runnable body) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("class-policies-test");
        java.nio.file.Path file = dir.resolve(PolicyRegistry.SERVICES);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, lines);
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, ClassPoliciesTest.class.getClassLoader())) {
            me.setContextClassLoader(loader);
            body.run();
        } finally {
            me.setContextClassLoader(before);
            java.nio.file.Files.delete(file);
            java.nio.file.Files.delete(file.getParent());
            java.nio.file.Files.delete(file.getParent().getParent());
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void aListedClassIsFoundByItsShortNameLikeARegisteredPolicy() throws Exception {
        assertFalse(PolicyRegistry.isPolicyName("short-fifo"), "not listed: not found");
        var unknown = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.info("short-fifo"));
        assertTrue(unknown.getMessage().contains("short name") && unknown.getMessage().contains(PolicyRegistry.SERVICES), unknown.getMessage());
        withServices(List.of("# policies of this test", name(ShortNamed.class) + "  # by its short name", "", name(Declared.class),
                "com.acme.NotThere", "java.lang.String", name(ShortNamed.class)), () -> {
            assertEquals(Map.of("short-fifo", List.of(name(ShortNamed.class))), PolicyRegistry.namedClasses(),
                    "a class without a short name, one that does not load, one that is no policy and a repeat are passed over");
            PolicyRegistry.Info info = PolicyRegistry.info("short-fifo");
            assertEquals("short-fifo", info.name());
            assertEquals("global FIFO with a slice, by a short name", info.description());
            assertTrue(PolicyRegistry.isPolicyName(" short-fifo "));
            assertEquals(name(ShortNamed.class), PolicyRegistry.className("short-fifo"));
            assertEquals(name(ShortNamed.class), PolicyRegistry.className(name(ShortNamed.class)));
            assertEquals(null, PolicyRegistry.className("rr"));
            assertEquals(20_000, ((ShortNamed) PolicyRegistry.create("short-fifo", Map.of("slice", "20us"))).sliceNs);
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("short-fifo", Map.of("quantum", "5us")));
            assertTrue(e.getMessage().contains("policy short-fifo has no parameter 'quantum'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.info("long-fifo"));
            assertTrue(e.getMessage().contains("short-fifo (policy classes)"), "the unknown-name message lists the short names: " + e.getMessage());
            for (PolicyContract.Outcome o : PolicyContract.run(PolicyContract.Subject.of("short-fifo[slice=50us]"))) {
                assertTrue(o.result() != PolicyContract.Result.FAILED, o.toString());
            }
            SchedPolicy apps = PolicyRegistry.create("apps", Map.of("lc", "short-fifo", "lc.slice", "30us"));
            java.io.StringWriter sw = new java.io.StringWriter();
            new skyloft.spi.StepHost(apps, 1, 1).spawn("x");
            apps.dump(new java.io.PrintWriter(sw, true));
            assertTrue(sw.toString().contains("short-fifo queued="), sw.toString());
        });
    }

    @Test
    void aShortNameTakenTwiceOrByARegisteredPolicyOrWithADotIsRefusedNamingTheClasses() throws Exception {
        withServices(List.of(name(ShortNamed.class), name(SameShortName.class)), () -> {
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("short-fifo"));
            assertTrue(e.getMessage().contains("'short-fifo' is the short name of 2 policy classes (" + name(ShortNamed.class) + ", "
                    + name(SameShortName.class) + ")") && e.getMessage().contains("full name"), e.getMessage());
            assertEquals(name(SameShortName.class), PolicyRegistry.info(name(SameShortName.class)).name(), "the full name still works");
        });
        withServices(List.of(name(TakesRr.class)), () -> {
            assertEquals("rr", PolicyRegistry.create("rr").name(), "the registered policy keeps its name");
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.namedClasses());
            assertTrue(e.getMessage().contains(name(TakesRr.class)) && e.getMessage().contains("short name 'rr'")
                    && e.getMessage().contains("which a registered policy has"), e.getMessage());
        });
        for (Class<?> c : List.of(TakesRr.class, DottedName.class)) {
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.info(name(c)), "by its full name too");
            assertTrue(e.getMessage().contains(name(c)), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.info(name(DottedName.class)));
        assertTrue(e.getMessage().contains("'my.policy'") && e.getMessage().contains("allowed: a letter, then letters, digits, '_' or '-'"), e.getMessage());
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
