package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThreadRedirectTest {

    /** "Owner.name" of every invoke in {@code bytes}. */
    private static List<String> invokes(byte[] bytes) {
        ClassModel m = ClassFile.of().parse(bytes);
        List<String> out = new ArrayList<>();
        for (MethodModel mm : m.methods()) {
            mm.code().ifPresent(code -> code.forEach(e -> {
                if (e instanceof InvokeInstruction inv) out.add(inv.owner().asInternalName() + "." + inv.name().stringValue());
            }));
        }
        return out;
    }

    /** "Owner.name" of the method handles, among invokedynamic bootstrap arguments, whose owner starts with {@code prefix}. */
    private static List<String> handlesTo(byte[] bytes, String prefix) {
        List<String> out = new ArrayList<>();
        for (MethodModel mm : ClassFile.of().parse(bytes).methods()) {
            mm.code().ifPresent(code -> code.forEach(e -> {
                if (e instanceof InvokeDynamicInstruction indy) {
                    for (var a : indy.bootstrapArgs()) {
                        if (a instanceof DirectMethodHandleDesc h && h.owner().descriptorString().startsWith("L" + prefix)
                                && !h.methodName().startsWith("lambda$") && !h.methodName().equals("metafactory")) {
                            out.add(h.owner().descriptorString().substring(1).replace(";", "") + "." + h.methodName());
                        }
                    }
                }
            }));
        }
        return out;
    }

    @Test
    void theThreeFactoryCallsGoToAppThreadsAndNothingElseChanges() throws Exception {
        byte[] plain = PollInserterTest.bytesOf("agenttest.samples.Spawns");
        List<String> before = invokes(plain);
        assertTrue(before.containsAll(List.of("java/lang/Thread.ofVirtual", "java/lang/Thread.startVirtualThread",
                "java/util/concurrent/Executors.newVirtualThreadPerTaskExecutor")), before.toString());

        assertEquals(List.of("java/lang/Thread.startVirtualThread", "java/util/concurrent/Executors.newVirtualThreadPerTaskExecutor"),
                handlesTo(plain, "java/"), "the sample's two method references");
        ThreadRedirect.Result r = ThreadRedirect.rewrite(plain, null);
        assertEquals(5, r.calls(), "three calls and two method references");
        assertEquals(List.of(), handlesTo(r.bytes(), "java/"), "no method reference left to the JDK's factories");
        assertEquals(List.of("skyloft/runtime/AppThreads.startVirtualThread", "skyloft/runtime/AppThreads.newVirtualThreadPerTaskExecutor"),
                handlesTo(r.bytes(), "skyloft/"));
        List<String> after = invokes(r.bytes());
        List<String> expected = new ArrayList<>();
        for (String s : before) {
            expected.add(switch (s) {
                case "java/lang/Thread.ofVirtual" -> "skyloft/runtime/AppThreads.ofVirtual";
                case "java/lang/Thread.startVirtualThread" -> "skyloft/runtime/AppThreads.startVirtualThread";
                case "java/util/concurrent/Executors.newVirtualThreadPerTaskExecutor" -> "skyloft/runtime/AppThreads.newVirtualThreadPerTaskExecutor";
                default -> s;
            });
        }
        assertEquals(expected, after, "only the three calls change, in place");
    }

    @Test
    void aSerializableMethodReferenceIsLeftToTheJdk() throws Exception {
        byte[] plain = PollInserterTest.bytesOf("agenttest.samples.SerialSpawn");
        assertTrue(handlesTo(plain, "java/lang/Thread").contains("java/lang/Thread.startVirtualThread"));
        ThreadRedirect.Result r = ThreadRedirect.rewrite(plain, null);
        assertEquals(0, r.calls(), "deserialization would look for the JDK's method");
        assertSame(plain, r.bytes());
    }

    @Test
    void aClassThatNamesNoFactoryComesBackAsTheSameArray() throws Exception {
        for (String c : List.of("agenttest.samples.Samples", "agenttest.samples.Leaf")) {
            byte[] plain = PollInserterTest.bytesOf(c);
            ThreadRedirect.Result r = ThreadRedirect.rewrite(plain, null);
            assertSame(plain, r.bytes(), c);
            assertEquals(0, r.calls(), c);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withNoRuntimeInstalledTheRedirectedCallsMakeTheJdksThreads() throws Exception {
        // Through the transformer, as the agent loads it: redirected, then given polls.
        AgentStats stats = new AgentStats();
        PollTransformer t = new PollTransformer(AgentConfig.parse(""), stats);
        ClassLoader parent = ThreadRedirectTest.class.getClassLoader();
        byte[] out = t.transform(null, parent, "agenttest/samples/Spawns", null, null, PollInserterTest.bytesOf("agenttest.samples.Spawns"));
        assertTrue(out != null && invokes(out).contains("skyloft/runtime/AppThreads.ofVirtual"));
        assertEquals(5, stats.snapshot().threadCalls(), stats.snapshot().summary());
        ClassLoader l = new ClassLoader("redirected", parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals("agenttest.samples.Spawns")) return super.loadClass(name, resolve);
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : defineClass(name, out, 0, out.length);
                }
            }
        };
        Method spawn = l.loadClass("agenttest.samples.Spawns").getMethod("spawnAll");
        @SuppressWarnings("unchecked")
        List<String> where = (List<String>) spawn.invoke(null);
        assertEquals(5, where.size());
        for (String w : where) assertTrue(w.startsWith("VirtualThread[") && w.contains("@ForkJoinPool"), w);

    }

    @Test
    void redirectFalseLeavesTheCallsToTheJdk() throws Exception {
        AgentStats stats = new AgentStats();
        byte[] out = new PollTransformer(AgentConfig.parse("redirect=false"), stats)
                .transform(null, ThreadRedirectTest.class.getClassLoader(), "agenttest/samples/Spawns", null, null,
                        PollInserterTest.bytesOf("agenttest.samples.Spawns"));
        List<String> calls = invokes(out);
        assertTrue(calls.contains("java/lang/Thread.ofVirtual") && calls.contains("skyloft/runtime/Poll.poll"), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("skyloft/runtime/AppThreads.")), calls.toString());
        assertEquals(0, stats.snapshot().threadCalls());
    }
}
