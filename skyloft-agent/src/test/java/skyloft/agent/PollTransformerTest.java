package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollTransformerTest {
    private final ClassLoader app = PollTransformerTest.class.getClassLoader();

    /** What {@code body} printed on stderr. */
    private static String stderrOf(Runnable body) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            body.run();
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PollTransformer transformer(String args, AgentStats stats) {
        return new PollTransformer(AgentConfig.parse(args), stats);
    }

    @Test
    void transformsAnAcceptedApplicationClass() throws Exception {
        AgentStats stats = new AgentStats();
        byte[] plain = PollInserterTest.bytesOf("agenttest.samples.Samples");
        byte[] out = transformer("", stats).transform(null, app, "agenttest/samples/Samples", null, null, plain);
        assertNotNull(out);
        AgentStats.Snapshot s = stats.snapshot();
        assertEquals(1, s.transformed());
        assertTrue(s.backEdgePolls() > 10 && s.entryPolls() > 5, s.summary());
        assertTrue(s.rewriteNanos() > 0 && s.summary().contains("rewriting took "), s.summary());
        assertNull(transformer("", stats).transform(null, app, "agenttest/samples/Leaf", null, null,
                PollInserterTest.bytesOf("agenttest.samples.Leaf")), "nothing to insert: original bytes");
        assertEquals(1, stats.snapshot().unchanged());
        assertTrue(stats.snapshot().rewriteNanos() > s.rewriteNanos(), "an unchanged class was read too");
        long before = stats.snapshot().rewriteNanos();
        transformer("", stats).transform(null, null, "java/lang/Foo", null, null, plain);
        assertEquals(before, stats.snapshot().rewriteNanos(), "an excluded class is not read");
    }

    @Test
    void leavesTheJdkSkyloftAndFilteredClassesAlone() throws Exception {
        AgentStats stats = new AgentStats();
        byte[] bytes = PollInserterTest.bytesOf("agenttest.samples.Samples"); // content does not matter: never parsed
        PollTransformer t = transformer("include=agenttest.;exclude=agenttest.samples.Loops", stats);
        assertNull(t.transform(null, null, "agenttest/samples/Samples", null, null, bytes), "boot loader");
        assertNull(t.transform(null, ClassLoader.getPlatformClassLoader(), "agenttest/samples/Samples", null, null, bytes), "platform loader");
        assertNull(t.transform(Object.class.getModule(), app, "agenttest/samples/Samples", null, null, bytes), "java.base module");
        assertNull(t.transform(null, app, "java/util/ArrayList", null, null, bytes));
        assertNull(t.transform(null, app, "skyloft/runtime/Poll", null, null, bytes));
        assertNull(t.transform(null, app, "com/acme/Other", null, null, bytes), "not included");
        assertNull(t.transform(null, app, "agenttest/samples/Loops", null, null, bytes), "excluded");
        assertNull(t.transform(null, app, null, null, null, bytes), "hidden class");
        assertEquals(8, stats.snapshot().excluded());
        assertEquals(0, stats.snapshot().transformed());
        assertNotNull(t.transform(null, app, "agenttest/samples/Samples", null, null, bytes));
    }

    @Test
    void skipsLoadersThatCannotSeePoll() throws Exception {
        AgentStats stats = new AgentStats();
        try (URLClassLoader isolated = new URLClassLoader("isolated", new URL[0], null)) {
            byte[] bytes = PollInserterTest.bytesOf("agenttest.samples.Samples");
            PollTransformer t = transformer("", stats);
            assertNull(t.transform(null, isolated, "agenttest/samples/Samples", null, null, bytes));
            assertTrue(t.rejection(null, isolated, "agenttest/samples/Samples").contains("not visible"));
        }
        assertEquals(1, stats.snapshot().excluded());
    }

    /** A loader whose getResource waits until {@code release} opens (as one that takes its own lock would). */
    private static final class SlowLoader extends ClassLoader {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        SlowLoader() {
            super("slow", PollTransformerTest.class.getClassLoader());
        }

        @Override
        public URL getResource(String name) {
            entered.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.getResource(name);
        }
    }

    @Test
    void oneLoadersSlowLookupDoesNotHoldUpAnotherLoadersClasses() throws Exception {
        PollTransformer t = transformer("", new AgentStats());
        SlowLoader slow = new SlowLoader();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<String> first = pool.submit(() -> t.rejection(null, slow, "agenttest/samples/Samples"));
            assertTrue(slow.entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first lookup started");
            // the first thread is inside the slow loader's getResource; another loader's class must not wait for it
            java.util.concurrent.Future<String> second = pool.submit(() -> t.rejection(null, app, "agenttest/samples/Samples"));
            assertNull(second.get(10, java.util.concurrent.TimeUnit.SECONDS), "the other loader's class is accepted at once");
            assertTrue(!first.isDone(), "and the slow lookup is still waiting");
            slow.release.countDown();
            assertNull(first.get(10, java.util.concurrent.TimeUnit.SECONDS), "the slow loader sees Poll too");
        } finally {
            slow.release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aMethodLeftUninstrumentedIsLoggedOnceAndCounted() {
        AgentStats stats = new AgentStats();
        PollTransformer t = transformer("", stats);
        String log = stderrOf(() -> {
            for (int i = 0; i < 2; i++) {
                assertNotNull(t.transform(null, app, "agenttest/gen/BigAndSmall", null, null, PollInserterTest.bigAndSmall(65_530)));
            }
        });
        assertTrue(log.startsWith("skyloft-agent: left method agenttest.gen.BigAndSmall.big()V: Code length"), log);
        assertEquals(1, log.lines().count(), "once: " + log);
        AgentStats.Snapshot s = stats.snapshot();
        assertEquals(2, s.methodsLeft());
        assertEquals(2, s.methods(), "count(int), in each of the two loads");
        assertTrue(s.summary().contains("left uninstrumented=2"), s.summary());
    }

    @Test
    void aBrokenClassIsLoggedOnceCountedAndLoadedUnchanged() {
        AgentStats stats = new AgentStats();
        PollTransformer t = transformer("", stats);
        String log = stderrOf(() -> {
            for (int i = 0; i < 3; i++) {
                assertNull(t.transform(null, app, "com/acme/Broken", null, null, new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1}));
            }
        });
        assertEquals(1, log.split("com.acme.Broken", -1).length - 1, log);
        assertTrue(log.contains("left com.acme.Broken uninstrumented"), log);
        assertEquals(3, stats.snapshot().failed());
    }
}
