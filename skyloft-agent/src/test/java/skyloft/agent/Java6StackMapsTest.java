package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Version-50 (Java 6) class files, the one version where the JVM falls back to the old
 * type-inferencing verifier for a method without stack maps: rewritten code must keep stack
 * maps there ({@link PollInserter#context}). The inputs are built with the ClassFile API.
 */
class Java6StackMapsTest {
    private static final ClassDesc A = ClassDesc.of("agenttest.nowhere.A");
    private static final ClassDesc B = ClassDesc.of("agenttest.nowhere.B");
    private static final MethodTypeDesc INT_INT = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);

    /** Defines one class in a fresh loader that sees skyloft.runtime.Poll (and no agenttest.nowhere), and links it. */
    private static Class<?> defineAndLink(byte[] b) {
        final class Definer extends ClassLoader {
            Definer() {
                super(Java6StackMapsTest.class.getClassLoader());
            }

            Class<?> define() {
                return defineClass(null, b, 0, b.length);
            }
        }
        Class<?> c = new Definer().define();
        c.getDeclaredMethods(); // links, which verifies
        return c;
    }

    /** {@code int s = 0; while (n-- > 0) s++; return s;}, with slot 0 = n, 1 = s. */
    private static void countLoop(CodeBuilder code) {
        var head = code.newLabel();
        var end = code.newLabel();
        code.iconst_0().istore(1).labelBinding(head).iload(0).ifle(end).iinc(0, -1).iinc(1, 1).goto_(head);
        code.labelBinding(end).iload(1).ireturn();
    }

    private static MethodModel method(byte[] classBytes, String name) {
        return ClassFile.of().parse(classBytes).methods().stream().filter(m -> m.methodName().equalsString(name)).findFirst().orElseThrow();
    }

    @Test
    void aMethodMergingTypesNoLoaderHasKeepsTheCompilersStackMaps() throws Exception {
        // pick(n): Object x; do { x = n == 0 ? (A) null : (B) null; } while (--n > 0); return x;
        // A and B are an absent optional dependency: the JVM never loads them for the
        // compiler's stack maps (which say Object where they meet), the old verifier would.
        var knowsAB = ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.of(List.of(), Map.of(A, ConstantDescs.CD_Object, B, ConstantDescs.CD_Object)));
        byte[] plain = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(knowsAB)).build(ClassDesc.of("agenttest.gen.Optional6"), cb -> {
            cb.withVersion(ClassFile.JAVA_6_VERSION, 0).withSuperclass(ConstantDescs.CD_Object).withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER);
            cb.withMethodBody("pick", MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_int), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    code -> {
                        var head = code.newLabel();
                        var other = code.newLabel();
                        var join = code.newLabel();
                        code.labelBinding(head).iload(0).ifeq(other).aconst_null().checkcast(A).goto_(join);
                        code.labelBinding(other).aconst_null().checkcast(B);
                        code.labelBinding(join).astore(1).iinc(0, -1).iload(0).ifgt(head).aload(1).areturn();
                    });
            cb.withMethodBody("count", INT_INT, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, Java6StackMapsTest::countLoop);
        });
        assertNull(defineAndLink(plain).getMethod("pick", int.class).invoke(null, 3), "the input links without A and B");

        PollInserter.Result r = PollInserter.instrument(plain, null, PollInserter.Options.DEFAULT);
        // Before: pick was written without stack maps and linking failed with NoClassDefFoundError: agenttest/nowhere/A.
        Class<?> c = defineAndLink(r.bytes());
        assertEquals(1, r.methodsLeft().size(), r.methodsLeft().toString());
        assertTrue(r.methodsLeft().get(0).startsWith("pick(I)Ljava/lang/Object;: Could not resolve class"), r.methodsLeft().get(0));
        assertTrue(method(r.bytes(), "pick").code().orElseThrow().findAttribute(Attributes.stackMapTable()).isPresent(),
                "the compiler's stack maps, as they were");
        assertNull(c.getMethod("pick", int.class).invoke(null, 3));
        assertEquals(5, c.getMethod("count", int.class).invoke(null, 5), "count is instrumented and runs");
        assertEquals(1, r.methodsChanged());
    }

    /** {@code int s = 0; while (n-- > 0) { jsr SUB; s++; } return s;} where SUB only returns; slot 2 holds the return address. */
    private static byte[] withSubroutine(String name, int version) {
        return ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS).build(ClassDesc.of(name), cb -> {
            cb.withVersion(version, 0).withSuperclass(ConstantDescs.CD_Object).withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER);
            cb.withMethodBody("count", INT_INT, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                var head = code.newLabel();
                var end = code.newLabel();
                var sub = code.newLabel();
                code.iconst_0().istore(1).labelBinding(head).iload(0).ifle(end).iinc(0, -1);
                code.with(DiscontinuedInstruction.JsrInstruction.of(sub));
                code.iinc(1, 1).goto_(head);
                code.labelBinding(end).iload(1).ireturn();
                code.labelBinding(sub).astore(2).with(DiscontinuedInstruction.RetInstruction.of(2));
            });
        });
    }

    @Test
    void subroutinesArePolledBeforeJava6AndLeftAloneAtJava6() throws Exception {
        byte[] old = withSubroutine("agenttest.gen.Jsr5", ClassFile.JAVA_5_VERSION);
        PollInserter.Result r5 = PollInserter.instrument(old, null, PollInserter.Options.DEFAULT);
        assertEquals(List.of(), r5.methodsLeft(), "no stack maps before version 50: instrumented");
        assertEquals(1, PollInserterTest.pollsIn(ClassFile.of().parse(r5.bytes()), "count"));
        assertEquals(7, defineAndLink(r5.bytes()).getMethod("count", int.class).invoke(null, 7));

        // At 50 a method with jsr has no stack maps and the JVM verifies it with the old
        // verifier; rewritten code must have computed maps, and there are none to compute: its
        // only method cannot be rewritten, so the class is left unchanged.
        byte[] java6 = withSubroutine("agenttest.gen.Jsr6", ClassFile.JAVA_6_VERSION);
        assertEquals(7, defineAndLink(java6).getMethod("count", int.class).invoke(null, 7), "the input links");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PollInserter.instrument(java6, null, PollInserter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("jsr"), e.getMessage());
    }
}
