package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Rewritten methods keep the local slots their class file relies on ({@link LocalsFloor}). The
 * ClassFile API counts a rewritten method's locals from the code it can reach; the inputs here
 * are valid class files whose original count is larger, and which the JVM rejects once the
 * count shrinks. Each input is built with the ClassFile API (which itself writes the smaller
 * count) and then given its original {@code max_locals} back, as another compiler would have
 * written it.
 */
class LocalsFloorTest {
    private static final ClassDesc CD_INTEGER = ClassDesc.of("java.lang.Integer");
    private static final MethodTypeDesc INT_INT = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);

    /** Defines one class in a fresh loader that sees skyloft.runtime.Poll, and links (so verifies) it. */
    private static Class<?> defineAndLink(byte[] b) {
        final class Definer extends ClassLoader {
            Definer() {
                super(LocalsFloorTest.class.getClassLoader());
            }

            Class<?> define() {
                return defineClass(null, b, 0, b.length);
            }
        }
        Class<?> c = new Definer().define();
        c.getDeclaredMethods(); // links, which verifies
        return c;
    }

    /** {@code int s = 0; while (n-- != 0) s += Integer.bitCount(n); return s;} with slot 0 = n, 1 = s. */
    private static void bitCountLoop(CodeBuilder code) {
        var top = code.newLabel();
        var end = code.newLabel();
        code.iconst_0().istore(1);
        code.labelBinding(top);
        code.iload(0).ifeq(end).iinc(0, -1);
        code.iload(1).iload(0).invokestatic(CD_INTEGER, "bitCount", INT_INT).iadd().istore(1);
        code.goto_(top);
        code.labelBinding(end);
        code.iload(1).ireturn();
    }

    private static int bitCounts(int n) {
        int s = 0;
        while (n-- != 0) s += Integer.bitCount(n);
        return s;
    }

    /** A class of {@code version} with the static int methods {@code count} (built by {@code body}) and {@code plain}. */
    private static byte[] classWith(String name, int version, Consumer<CodeBuilder> body) {
        return ClassFile.of().build(ClassDesc.of(name), cb -> {
            cb.withVersion(version, 0).withSuperclass(ConstantDescs.CD_Object).withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER);
            cb.withMethodBody("count", INT_INT, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, body);
            cb.withMethodBody("plain", INT_INT, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                code.nop(); // not the same bytes as a count built from the same loop
                bitCountLoop(code);
            });
        });
    }

    /**
     * {@code classBytes} with {@code max_locals} of {@code method} set to {@code maxLocals}: the
     * Code attribute's header is found by its own contents (max_stack, max_locals, code length
     * and code), which must occur exactly once.
     */
    static byte[] withMaxLocals(byte[] classBytes, String method, int maxLocals) {
        MethodModel m = ClassFile.of().parse(classBytes).methods().stream()
                .filter(x -> x.methodName().equalsString(method)).findFirst().orElseThrow();
        CodeAttribute code = (CodeAttribute) m.code().orElseThrow();
        byte[] insns = code.codeArray();
        byte[] header = new byte[8 + insns.length];
        header[0] = (byte) (code.maxStack() >> 8);
        header[1] = (byte) code.maxStack();
        header[2] = (byte) (code.maxLocals() >> 8);
        header[3] = (byte) code.maxLocals();
        for (int i = 0; i < 4; i++) header[4 + i] = (byte) (insns.length >> (24 - 8 * i));
        System.arraycopy(insns, 0, header, 8, insns.length);
        int at = -1;
        for (int i = 0; i + header.length <= classBytes.length; i++) {
            if (Arrays.equals(classBytes, i, i + header.length, header, 0, header.length)) {
                if (at >= 0) throw new IllegalStateException("the Code header of " + method + " occurs twice");
                at = i;
            }
        }
        if (at < 0) throw new IllegalStateException("no Code header of " + method);
        byte[] out = classBytes.clone();
        out[at + 2] = (byte) (maxLocals >> 8);
        out[at + 3] = (byte) maxLocals;
        return out;
    }

    @Test
    void aLocalVariableTableEntryForAnUntouchedSlotKeepsItsMethodAsItWas() throws Exception {
        // count: the loop, plus a debug entry for slot 3, which no instruction touches (a
        // variable the compiler kept in the table though it was never stored); max_locals 4
        byte[] plain = withMaxLocals(classWith("agenttest.gen.UnusedLocal", ClassFile.JAVA_17_VERSION, code -> {
            var from = code.newLabel();
            var to = code.newLabel();
            code.labelBinding(from);
            bitCountLoop(code);
            code.labelBinding(to);
            code.localVariable(3, "unused", ConstantDescs.CD_int, from, to);
        }), "count", 4);
        assertEquals(bitCounts(20), LocalsFloorTest.defineAndLink(plain).getMethod("count", int.class).invoke(null, 20),
                "the input is a valid class");

        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        // Before: count was rewritten with max_locals 2 and the class failed to load with
        // ClassFormatError: Invalid index 3 in LocalVariableTable.
        Class<?> c = defineAndLink(r.bytes());
        assertEquals(1, r.methodsLeft().size(), r.methodsLeft().toString());
        assertTrue(r.methodsLeft().get(0).startsWith("count(I)I: the rewritten code declares 2 local slots, fewer than the 4"),
                r.methodsLeft().get(0));
        assertEquals(1, r.methodsChanged(), "plain is still instrumented");
        assertEquals(0, PollInserterTest.pollsIn(ClassFile.of().parse(r.bytes()), "count"));
        assertTrue(PollInserterTest.pollsIn(ClassFile.of().parse(r.bytes()), "plain") >= 1);
        assertEquals(bitCounts(20), c.getMethod("count", int.class).invoke(null, 20));
        assertEquals(bitCounts(20), c.getMethod("plain", int.class).invoke(null, 20));
    }

    @Test
    void unreachableCodeOfAPreJava6ClassKeepsItsLocals() throws Exception {
        // Version 49 (verified by the old verifier, which checks every instruction's local
        // index, reachable or not): count jumps over a store to slot 5; max_locals 6.
        byte[] plain = withMaxLocals(classWith("agenttest.gen.DeadStore", ClassFile.JAVA_5_VERSION, code -> {
            var live = code.newLabel();
            code.goto_(live).iconst_0().istore(5).labelBinding(live);
            bitCountLoop(code);
        }), "count", 6);
        assertEquals(bitCounts(9), defineAndLink(plain).getMethod("count", int.class).invoke(null, 9), "the input is a valid class");

        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        // Before: count was rewritten with max_locals 2 and linking failed with
        // VerifyError: Illegal local variable number.
        Class<?> c = defineAndLink(r.bytes());
        assertEquals(List.of("count(I)I"), r.methodsLeft().stream().map(s -> s.substring(0, s.indexOf(':'))).toList());
        assertEquals(bitCounts(9), c.getMethod("count", int.class).invoke(null, 9));
        assertEquals(bitCounts(9), c.getMethod("plain", int.class).invoke(null, 9));
    }

    @Test
    void aMethodWhoseLocalsShrinkWithNothingRelyingOnThemIsInstrumented() throws Exception {
        // max_locals larger than anything needs (as some compilers write it): the rewrite may
        // declare fewer, and the method gets its polls
        byte[] plain = withMaxLocals(classWith("agenttest.gen.Roomy", ClassFile.JAVA_17_VERSION, LocalsFloorTest::bitCountLoop), "count", 9);
        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        assertEquals(List.of(), r.methodsLeft());
        assertEquals(2, r.methodsChanged());
        assertEquals(bitCounts(7), defineAndLink(r.bytes()).getMethod("count", int.class).invoke(null, 7));
    }

    @Test
    void theParametersSlotsAreAFloorEveryRewriteMeets() {
        // (int, long, String[], double, long[], Object): 1 + 2 + 1 + 2 + 1 + 1 slots, plus this when not static
        MethodTypeDesc type = MethodTypeDesc.ofDescriptor("(IJ[Ljava/lang/String;D[JLjava/lang/Object;)V");
        byte[] b = ClassFile.of().build(ClassDesc.of("agenttest.gen.Slots"), cb -> {
            cb.withMethodBody("s", type, ClassFile.ACC_STATIC, CodeBuilder::return_);
            cb.withMethodBody("i", type, 0, CodeBuilder::return_);
        });
        List<MethodModel> ms = ClassFile.of().parse(b).methods();
        assertEquals(0, LocalsFloor.beyondParameters(ms.get(0), 8));
        assertEquals(9, LocalsFloor.beyondParameters(ms.get(0), 9));
        assertEquals(0, LocalsFloor.beyondParameters(ms.get(1), 9));
        assertEquals(10, LocalsFloor.beyondParameters(ms.get(1), 10));
    }

    @Test
    void aThreadFactoryCallInSuchAMethodLeavesTheClassUnchanged() throws Exception {
        // Thread.startVirtualThread(null) in a method whose table names the untouched slot 2
        byte[] plain = withMaxLocals(ClassFile.of().build(ClassDesc.of("agenttest.gen.StartsThread"), cb -> {
            cb.withVersion(ClassFile.JAVA_21_VERSION, 0).withSuperclass(ConstantDescs.CD_Object);
            cb.withMethodBody("start", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                var from = code.newLabel();
                var to = code.newLabel();
                code.labelBinding(from).aconst_null()
                        .invokestatic(ClassDesc.of("java.lang.Thread"), "startVirtualThread",
                                MethodTypeDesc.of(ClassDesc.of("java.lang.Thread"), ClassDesc.of("java.lang.Runnable")))
                        .pop().return_().labelBinding(to);
                code.localVariable(2, "unused", ConstantDescs.CD_Object, from, to);
            });
        }), "start", 3);
        defineAndLink(plain);
        // Before: the redirected method declared no locals, and the class failed to load.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadRedirect.rewrite(plain, null));
        assertTrue(e.getMessage().contains("fewer than the 3"), e.getMessage());

        AgentStats stats = new AgentStats();
        PollTransformer t = new PollTransformer(AgentConfig.parse(""), stats);
        java.io.PrintStream saved = System.err;
        try {
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            assertNull(t.transform(null, LocalsFloorTest.class.getClassLoader(), "agenttest/gen/StartsThread", null, null, plain),
                    "loaded unchanged");
        } finally {
            System.setErr(saved);
        }
        assertEquals(1, stats.snapshot().failed());
    }
}
