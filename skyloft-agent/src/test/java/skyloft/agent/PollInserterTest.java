package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agenttest.samples.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class PollInserterTest {

    static byte[] bytesOf(String className) throws IOException {
        try (InputStream in = PollInserterTest.class.getClassLoader().getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) throw new IOException("no class file for " + className);
            return in.readAllBytes();
        }
    }

    static InstrumentingClassLoader loader(PollInserter.Options options) {
        return new InstrumentingClassLoader(PollInserterTest.class.getClassLoader(),
                n -> n.startsWith("agenttest.samples."), options);
    }

    static Object call(Class<?> c, String method, Class<?>[] types, Object... args) throws ReflectiveOperationException {
        Method m = c.getDeclaredMethod(method, types);
        m.setAccessible(true);
        return m.invoke(null, args);
    }

    static long pollsIn(ClassModel cm, String method) {
        MethodModel m = cm.methods().stream().filter(x -> x.methodName().equalsString(method)).findFirst().orElseThrow();
        return m.code().orElseThrow().elementStream()
                .filter(e -> e instanceof InvokeInstruction i && i.owner().asSymbol().equals(PollInserter.POLL_CLASS))
                .count();
    }

    @Test
    void instrumentedSamplesComputeTheSameResultsAndVerify() throws Exception {
        List<String> plain = Samples.all();
        for (int stride : new int[] {1, 7, 64}) {
            InstrumentingClassLoader l = loader(PollInserter.Options.DEFAULT.withStride(stride));
            Class<?> c = Class.forName("agenttest.samples.Samples", true, l);
            assertSame(l, c.getClassLoader(), "the copy must come from the instrumenting loader");
            assertNotSame(Samples.class, c);
            Object result = call(c, "all", new Class<?>[0]);
            assertEquals(plain, result, "stride " + stride);
            AgentStats.Snapshot s = l.stats();
            assertTrue(s.transformed() >= 4, "samples, nested classes, record: " + s);
            assertTrue(s.backEdgePolls() >= 20 && s.entryPolls() >= 10, s.summary());
        }
    }

    @Test
    void everySampleClassPassesTheVerifierWhenLinked() throws Exception {
        // Classes from a non-boot loader are verified by default (BytecodeVerificationRemote);
        // force linking of each nested class, not just the ones all() happens to touch.
        InstrumentingClassLoader l = loader(PollInserter.Options.DEFAULT.withStride(16));
        for (Class<?> nested : Samples.class.getDeclaredClasses()) {
            Class<?> c = Class.forName(nested.getName(), true, l);
            assertSame(l, c.getClassLoader());
            c.getDeclaredMethods(); // links
        }
    }

    @Test
    void aForLoopPollsOncePerIterationAndAStridedOneEveryNth() throws Exception {
        PollInserter.Options noStrips = PollInserter.Options.DEFAULT.withStripMining(false);
        try (PollCounter counter = new PollCounter()) {
            Class<?> every = Class.forName("agenttest.samples.Samples", true, loader(noStrips));
            long polls = counter.countDuring(() -> invoke(every, "sumTo", 1000));
            assertEquals(1000, polls, "one back-edge per iteration; sumTo calls nothing so has no entry poll");

            Class<?> strided = Class.forName("agenttest.samples.Samples", true, loader(noStrips.withStride(64)));
            assertEquals(1000 / 64, counter.countDuring(() -> invoke(strided, "sumTo", 1000)));

            long plainPolls = counter.countDuring(() -> Samples.sumTo(1000));
            assertEquals(0, plainPolls, "the plain class has no polls");
        }
    }

    @Test
    void aStripMinedLoopPollsEveryStripAndAtExitAndRunsEveryIteration() throws Exception {
        try (PollCounter counter = new PollCounter()) {
            Class<?> c = Class.forName("agenttest.samples.Samples", true, loader(PollInserter.Options.DEFAULT));
            assertEquals(0, counter.countDuring(() -> invoke(c, "sumTo", 10)), "a loop shorter than a strip ends without a poll");
            assertEquals(0, counter.countDuring(() -> invoke(c, "sumTo", 0)), "a loop that never enters does not poll");
            int n = 100_000;
            long polls = counter.countDuring(() -> invoke(c, "sumTo", n));
            assertTrue(polls >= n / StripMining.MAX_STRIP && polls <= n / StripMining.MIN_STRIP, "polls " + polls);
            assertEquals(Samples.sumTo(n), call(c, "sumTo", new Class<?>[] {int.class}, n));
            assertEquals(Samples.sumTo(Integer.MAX_VALUE / 4096), call(c, "sumTo", new Class<?>[] {int.class}, Integer.MAX_VALUE / 4096));
        }
        ClassModel out = ClassFile.of().parse(PollInserter.instrument(bytesOf("agenttest.samples.Samples")));
        PollInserter.Result r = PollInserter.instrument(bytesOf("agenttest.samples.Samples"), null, PollInserter.Options.DEFAULT);
        assertTrue(r.stripMinedLoops() >= 3, "sumTo, nested's inner loop, arrayFor...: " + r);
        assertEquals(1, pollsIn(out, "sumTo"));
    }

    @Test
    void loopsOutsideTheStripShapeKeepAPollPerIteration() throws Exception {
        try (PollCounter counter = new PollCounter()) {
            Class<?> c = Class.forName("agenttest.samples.Loops", true, loader(PollInserter.Options.DEFAULT));
            // The body writes the bound: not strip-mined, so one poll per iteration.
            assertEquals(agenttest.samples.Loops.shrinkingBound(20), call(c, "shrinkingBound", new Class<?>[] {int.class}, 20));
            assertEquals(10, counter.countDuring(() -> invoke(c, "shrinkingBound", 20)));
            // A call in the body: not strip-mined; 50 back-edge polls plus the entry poll of
            // callInBody (it calls); the callee is leaf code without a poll of its own.
            assertEquals(51, counter.countDuring(() -> invoke(c, "callInBody", 50)));
            // indexOf: the fill loop is strip-mined (no poll for 100 iterations), the search
            // loop has an early return, so it polls per iteration: 40 back-edges before a[40] == 80.
            assertEquals(40, counter.countDuring(() -> {
                try {
                    assertEquals(40, call(c, "indexOf", new Class<?>[] {int.class, int.class}, 100, 80));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }));
            // Counting down is strip-mined too: a short one ends without a poll, a long one polls every strip.
            assertEquals(0, counter.countDuring(() -> invoke(c, "countDown", 30)));
            long down = counter.countDuring(() -> invoke(c, "countDown", 100_000));
            assertTrue(down >= 100_000 / StripMining.MAX_STRIP && down <= 100_000 / StripMining.MIN_STRIP, "polls " + down);
            assertEquals(agenttest.samples.Loops.countDown(100_000), call(c, "countDown", new Class<?>[] {int.class}, 100_000));
            assertEquals(agenttest.samples.Loops.downNearMin(), call(c, "downNearMin", new Class<?>[0]));
            assertEquals(agenttest.samples.Loops.downArray(10_001), call(c, "downArray", new Class<?>[] {int.class}, 10_001));
            // i <= bound with bound = Integer.MAX_VALUE - 3 near the overflow edge: same answer.
            assertEquals(agenttest.samples.Loops.nearMax(), call(c, "nearMax", new Class<?>[0]));
            assertEquals(agenttest.samples.Loops.skipsAhead(10_000), call(c, "skipsAhead", new Class<?>[] {int.class}, 10_000));
            // i re-read in the body instead of stepped: a strip could spin for good, so a poll per pass.
            assertEquals(500, counter.countDuring(() -> {
                try {
                    assertEquals(500, call(c, "waitsOnLocal", new Class<?>[] {int[].class, int.class}, new int[1], 500));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }));
            assertEquals(agenttest.samples.Loops.stepsNearMax(), call(c, "stepsNearMax", new Class<?>[0]));
            // A step of 4 is strip-mined: 100,000 / 4 passes poll once per strip at most.
            long fours = counter.countDuring(() -> invoke(c, "byFours", 100_000));
            assertTrue(fours <= 25_000 / StripMining.MIN_STRIP + 1, "polls " + fours);
            assertEquals(agenttest.samples.Loops.byFours(100_000), call(c, "byFours", new Class<?>[] {int.class}, 100_000));
        }
    }

    @Test
    void recursionPollsAtEveryMethodEntry() throws Exception {
        try (PollCounter counter = new PollCounter()) {
            Class<?> c = Class.forName("agenttest.samples.Samples", true, loader(PollInserter.Options.DEFAULT));
            long polls = counter.countDuring(() -> invoke(c, "fib", 15));
            assertEquals(1973, polls, "fib(15) makes 1973 calls, each with an entry poll");
            PollInserter.Options noEntry = new PollInserter.Options(false, true, 1);
            Class<?> c2 = Class.forName("agenttest.samples.Samples", true, loader(noEntry));
            assertEquals(0, counter.countDuring(() -> invoke(c2, "fib", 15)));
        }
    }

    @Test
    void leafGettersClassInitializersAndConstructorEntriesGetNoPoll() throws Exception {
        byte[] plain = bytesOf("agenttest.samples.Samples$Point");
        ClassModel out = ClassFile.of().parse(PollInserter.instrument(plain));
        assertEquals(0, pollsIn(out, "x"), "record accessor is straight-line leaf code");
        assertEquals(1, pollsIn(out, "manhattanSteps"), "one loop, one back-edge, no calls");
        ClassModel samples = ClassFile.of().parse(PollInserter.instrument(bytesOf("agenttest.samples.Samples")));
        assertEquals(0, pollsIn(samples, "<clinit>"), "never in a class initializer, even with a loop");
        assertEquals(1, pollsIn(samples, "fib"), "entry poll only");
        ClassModel ctor = ClassFile.of().parse(PollInserter.instrument(bytesOf("agenttest.samples.Samples$Ctor")));
        for (MethodModel m : ctor.methods()) {
            if (!m.methodName().equalsString("<init>")) continue;
            var first = m.code().orElseThrow().elementStream().filter(e -> e instanceof java.lang.classfile.Instruction).findFirst().orElseThrow();
            assertFalse(first instanceof InvokeInstruction i && i.owner().asSymbol().equals(PollInserter.POLL_CLASS),
                    "no poll before super()/this() in " + m.methodType().stringValue());
        }
        assertEquals(1, pollsIn(ctor, "<init>"), "the (int) constructor's loop still polls (matches the first <init>)");
    }

    @Test
    void aClassWithNothingToDoComesBackAsTheSameArray() throws Exception {
        byte[] plain = bytesOf("agenttest.samples.Leaf");
        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        assertFalse(r.changed());
        assertSame(plain, r.bytes());
        assertEquals(0, r.methodsChanged());
    }

    @Test
    void instrumentingTwiceAddsNoSecondPoll() throws Exception {
        for (int stride : new int[] {1, 8}) {
            PollInserter.Options o = PollInserter.Options.DEFAULT.withStride(stride);
            byte[] once = PollInserter.instrument(bytesOf("agenttest.samples.Samples"), null, o).bytes();
            PollInserter.Result twice = PollInserter.instrument(once, null, o);
            assertEquals(0, twice.entryPolls() + twice.backEdgePolls(), "stride " + stride);
            ClassModel a = ClassFile.of().parse(once), b = ClassFile.of().parse(twice.bytes());
            for (String m : List.of("fib", "sumTo", "nested", "primesBelow", "lambdas")) {
                assertEquals(pollsIn(a, m), pollsIn(b, m), m);
            }
        }
    }

    @Test
    void aClassWhoseOwnClassFileIsNoResourceStillGetsItsFrames() throws Exception {
        // A loader with no application resources (only the boot loader's): the class itself and
        // its frames' merge of this/String must be resolved from the class's own bytes.
        try (var bare = new java.net.URLClassLoader("bare", new java.net.URL[0], null)) {
            assertTrue(bare.getResource("agenttest/samples/Merge.class") == null);
            PollInserter.Result r = PollInserter.instrument(bytesOf("agenttest.samples.Merge"), bare,
                    PollInserter.Options.DEFAULT.withStripMining(false));
            assertTrue(r.changed() && r.backEdgePolls() == 1, r.toString());
            ClassModel m = ClassFile.of().parse(r.bytes());
            assertEquals(1, pollsIn(m, "pick"));
        }
    }

    @Test
    void malformedBytesAndBadStridesAreRejectedWithTheValue() {
        assertThrows(IllegalArgumentException.class, () -> PollInserter.instrument(new byte[] {1, 2, 3}));
        var e = assertThrows(IllegalArgumentException.class, () -> PollInserter.Options.DEFAULT.withStride(0));
        assertTrue(e.getMessage().contains("0") && e.getMessage().contains("1.." + PollInserter.MAX_STRIDE), e.getMessage());
    }

    @Test
    void instrumentedCodeStillRunsWhenPollsAreDelivered() throws Exception {
        // A handler that yields, as the runtime's will; on a platform thread Thread.yield is a hint.
        // The count is pending throughout, so every poll on this thread reaches the handler.
        java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
        skyloft.runtime.Poll.install(() -> {
            delivered.incrementAndGet();
            Thread.yield();
        });
        PollCounter.setPending(1);
        try {
            Class<?> c = Class.forName("agenttest.samples.Samples", true, loader(PollInserter.Options.DEFAULT));
            assertEquals(Samples.all(), call(c, "all", new Class<?>[0]));
            assertTrue(delivered.get() > 0, "no poll reached the handler");
        } finally {
            PollCounter.setPending(0);
            skyloft.runtime.Poll.install(null);
        }
    }

    /**
     * A generated class: {@code big()}, whose code is {@code nops} no-ops, a call and a return
     * (65535 bytes at most), and {@code count(int)}, a loop that calls {@code Integer.bitCount}.
     */
    static byte[] bigAndSmall(int nops) {
        var cd = java.lang.constant.ClassDesc.of("agenttest.gen.BigAndSmall");
        var intInt = java.lang.constant.MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_int, java.lang.constant.ConstantDescs.CD_int);
        return ClassFile.of().build(cd, cb -> {
            cb.withMethodBody("big", java.lang.constant.MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_void),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                for (int i = 0; i < nops; i++) code.nop();
                code.invokestatic(java.lang.constant.ClassDesc.of("java.lang.Thread"), "onSpinWait",
                        java.lang.constant.MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_void));
                code.return_();
            });
            cb.withMethodBody("count", intInt, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                // int s = 0; for (int i = 0; i < n; i++) s += Integer.bitCount(i); return s;
                var top = code.newLabel();
                var end = code.newLabel();
                code.iconst_0().istore(1).iconst_0().istore(2);
                code.labelBinding(top);
                code.iload(2).iload(0).if_icmpge(end);
                code.iload(1).iload(2).invokestatic(java.lang.constant.ClassDesc.of("java.lang.Integer"), "bitCount", intInt).iadd().istore(1);
                code.iinc(2, 1).goto_(top);
                code.labelBinding(end);
                code.iload(1).ireturn();
            });
        });
    }

    @Test
    void aMethodThePollsWouldPushPast64KbIsLeftAloneAndTheRestInstrumented() throws Exception {
        // 65530 no-ops + a 3-byte call + a return: 65534 bytes, which fit; with an entry poll (3 bytes more) they do not
        byte[] plain = bigAndSmall(65_530);
        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        assertTrue(r.changed());
        assertEquals(1, r.methodsLeft().size(), r.methodsLeft().toString());
        assertTrue(r.methodsLeft().get(0).startsWith("big()V: ") && r.methodsLeft().get(0).contains("Code length"), r.methodsLeft().get(0));
        assertEquals(1, r.methodsChanged());
        ClassModel out = ClassFile.of().parse(r.bytes());
        assertEquals(0, pollsIn(out, "big"), "left as it was");
        assertTrue(pollsIn(out, "count") >= 1, "the loop still polls");
        // and the class verifies and runs
        final class Definer extends ClassLoader {
            Definer() {
                super(PollInserterTest.class.getClassLoader()); // which sees skyloft.runtime.Poll
            }

            Class<?> define(byte[] b) {
                return defineClass(null, b, 0, b.length);
            }
        }
        Class<?> c = new Definer().define(r.bytes());
        assertEquals(Integer.bitCount(0) + Integer.bitCount(1) + Integer.bitCount(2) + Integer.bitCount(3),
                call(c, "count", new Class<?>[] {int.class}, 4));

        // with room for the poll, both are instrumented
        PollInserter.Result roomy = PollInserter.instrument(bigAndSmall(60_000), null, PollInserter.Options.DEFAULT);
        assertEquals(List.of(), roomy.methodsLeft());
        assertEquals(2, roomy.methodsChanged());
    }

    /**
     * A class of {@code failing} methods that each merge two types no loader has (so each fails
     * alone: its stack maps cannot be computed), then {@code count} from {@link #bigAndSmall}.
     */
    static byte[] manyUnresolvable(int failing) {
        var a = java.lang.constant.ClassDesc.of("agenttest.nowhere.A");
        var b = java.lang.constant.ClassDesc.of("agenttest.nowhere.B");
        var object = java.lang.constant.ConstantDescs.CD_Object;
        var knowsAB = java.lang.classfile.ClassHierarchyResolver.defaultResolver()
                .orElse(java.lang.classfile.ClassHierarchyResolver.of(List.of(), java.util.Map.of(a, object, b, object)));
        var pickType = java.lang.constant.MethodTypeDesc.of(object, java.lang.constant.ConstantDescs.CD_int);
        MethodModel count = ClassFile.of().parse(bigAndSmall(0)).methods().stream()
                .filter(m -> m.methodName().equalsString("count")).findFirst().orElseThrow();
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(knowsAB)).build(java.lang.constant.ClassDesc.of("agenttest.gen.ManyUnresolvable"), cb -> {
            for (int i = 0; i < failing; i++) {
                // do { x = n == 0 ? (A) null : (B) null; } while (--n > 0); return x;
                cb.withMethodBody("pick" + i, pickType, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                    var head = code.newLabel();
                    var other = code.newLabel();
                    var join = code.newLabel();
                    code.labelBinding(head).iload(0).ifeq(other).aconst_null().checkcast(a).goto_(join);
                    code.labelBinding(other).aconst_null().checkcast(b);
                    code.labelBinding(join).astore(1).iinc(0, -1).iload(0).ifgt(head).aload(1).areturn();
                });
            }
            cb.with(count);
        });
    }

    @Test
    void tryingEachMethodAloneCostsAboutTheMethodNotTheWholeClass() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] plain = manyUnresolvable(2000); // 141 KB
        PollInserter.Result small = PollInserter.instrument(manyUnresolvable(3), null, PollInserter.Options.DEFAULT);
        assertEquals(List.of("pick0", "pick1", "pick2"), small.methodsLeft().stream().map(m -> m.substring(0, m.indexOf('('))).toList());
        assertTrue(small.methodsLeft().get(0).contains("Could not resolve class"), small.methodsLeft().get(0));
        assertEquals(1, small.methodsChanged(), "count is instrumented");

        long before = threads.getCurrentThreadAllocatedBytes();
        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        long allocatedMb = (threads.getCurrentThreadAllocatedBytes() - before) >> 20;
        assertEquals(2000, r.methodsLeft().size());
        assertEquals(1, r.methodsChanged());
        // Before, each method was tried in a rewrite of the whole class: 2.8 GB allocated here
        // (at least 2,000 copies of the class, 280 MB), 0.6 to 1.9 s. Now about 90 MB.
        assertTrue(allocatedMb < 250, allocatedMb + " MB allocated");
    }

    @Test
    void changedBytesDifferFromThePlainOnes() throws Exception {
        byte[] plain = bytesOf("agenttest.samples.Samples");
        assertNotEquals(plain.length, PollInserter.instrument(plain).length);
    }

    private static void invoke(Class<?> c, String method, int arg) {
        IntFunction<Object> f = a -> {
            try {
                return call(c, method, new Class<?>[] {int.class}, a);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
        f.apply(arg);
    }

    @Test
    void aLoadersClassHierarchyIsReadOnceForAllItsClasses() throws Exception {
        java.util.Map<String, Integer> reads = new java.util.concurrent.ConcurrentHashMap<>();
        ClassLoader counting = new ClassLoader(PollInserterTest.class.getClassLoader()) {
            @Override
            public java.net.URL getResource(String name) {
                reads.merge(name, 1, Integer::sum);
                return super.getResource(name);
            }
        };
        byte[] samples = bytesOf("agenttest.samples.Merge");
        PollInserter.Result first = PollInserter.instrument(samples, counting, PollInserter.Options.DEFAULT);
        assertTrue(first.changed());
        assertFalse(reads.isEmpty(), "stack-map generation read some supertypes (else this test shows nothing)");
        java.util.Map<String, Integer> afterFirst = java.util.Map.copyOf(reads);
        PollInserter.Result again = PollInserter.instrument(samples, counting, PollInserter.Options.DEFAULT);
        assertTrue(java.util.Arrays.equals(first.bytes(), again.bytes()), "the same rewrite from what was kept");
        assertEquals(afterFirst, reads, "nothing read again for the loader's next class");
    }
}
