package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import org.junit.jupiter.api.Test;
import skyloft.runtime.AppLauncher;

/** The rewrite of java.lang.Thread's constructor; RunCommandTest runs it in a real JVM against plain java. */
class ThreadRulesTest {

    private static List<String> callsIn(byte[] classBytes) {
        MethodModel ctor = ClassFile.of().parse(classBytes).methods().stream()
                .filter(m -> m.methodName().equalsString("<init>") && m.methodTypeSymbol().equals(ThreadRules.CONSTRUCTOR))
                .findFirst().orElseThrow();
        return ctor.code().orElseThrow().elementStream().filter(e -> e instanceof InvokeInstruction)
                .map(e -> ((InvokeInstruction) e).owner().asInternalName() + "." + ((InvokeInstruction) e).name().stringValue()).toList();
    }

    @Test
    void theJdksConstructorReadsTheMainThreadsIdBesideIsDaemon() throws Exception {
        byte[] plain;
        try (var in = Object.class.getResourceAsStream("/java/lang/Thread.class")) {
            plain = in.readAllBytes();
        }
        List<String> before = callsIn(plain), after = callsIn(ThreadRules.rewrite(plain));
        assertEquals(1, before.stream().filter("java/lang/Thread.isDaemon"::equals).count());
        assertEquals(1, after.stream().filter("java/lang/Thread.isDaemon"::equals).count(), after.toString());
        assertTrue(after.contains("java/lang/Long.getLong") && after.contains("java/lang/Thread.threadId"), after.toString());
        assertEquals(before.size() + 3, after.size(), "three calls added, none lost: " + after);
    }

    /** A stand-in java.lang.Thread whose constructor calls isDaemon() {@code calls} times and whose
     *  start() calls start0() {@code starts} times, on this or (if {@code onThis} is false) on another thread. */
    private static byte[] fakeThread(int calls, int starts, boolean onThis) {
        ClassDesc thread = ClassDesc.of("java.lang.Thread");
        return ClassFile.of().build(thread, cb -> {
            cb.withMethodBody("<init>", ThreadRules.CONSTRUCTOR, ClassFile.ACC_PUBLIC, code -> {
                code.aload(0).invokespecial(ConstantDescs.CD_Object, "<init>", ConstantDescs.MTD_void);
                for (int i = 0; i < calls; i++) {
                    code.aload(0).invokevirtual(thread, "isDaemon", MethodTypeDesc.of(ConstantDescs.CD_boolean)).pop();
                }
                code.return_();
            });
            cb.withMethodBody("start", MethodTypeDesc.of(ConstantDescs.CD_void, thread), ClassFile.ACC_PUBLIC, code -> {
                for (int i = 0; i < starts; i++) {
                    code.aload(onThis ? 0 : 1).invokevirtual(thread, "start0", ConstantDescs.MTD_void);
                }
                code.return_();
            });
        });
    }

    private static byte[] fakeThread(int calls) {
        return fakeThread(calls, 1, true);
    }

    @Test
    void anUnexpectedShapeIsRefusedNamingWhatDiffers() {
        assertEquals(List.of("java/lang/Object.<init>", "java/lang/Thread.isDaemon", "java/lang/Long.getLong", "java/lang/Thread.threadId",
                "java/lang/Long.longValue").stream().sorted().toList(), callsIn(ThreadRules.rewrite(fakeThread(1))).stream().sorted().toList());
        var twice = assertThrows(IllegalStateException.class, () -> ThreadRules.rewrite(fakeThread(2)));
        assertTrue(twice.getMessage().contains("calls isDaemon() 2 times; expected once"), twice.getMessage());
        var never = assertThrows(IllegalStateException.class, () -> ThreadRules.rewrite(fakeThread(0)));
        assertTrue(never.getMessage().contains("0 times"), never.getMessage());
        byte[] noCtor = ClassFile.of().build(ClassDesc.of("java.lang.Thread"), cb -> { });
        var none = assertThrows(IllegalStateException.class, () -> ThreadRules.rewrite(noCtor));
        assertTrue(none.getMessage().contains("has no constructor"), none.getMessage());
    }

    @Test
    void everyStart0CallIsPrecededByTheHook() throws Exception {
        byte[] plain;
        try (var in = Object.class.getResourceAsStream("/java/lang/Thread.class")) {
            plain = in.readAllBytes();
        }
        var out = ClassFile.of().parse(ThreadRules.rewrite(plain));
        for (MethodModel m : out.methods()) {
            List<String> calls = m.code().map(c -> c.elementStream().filter(e -> e instanceof InvokeInstruction)
                    .map(e -> ((InvokeInstruction) e).name().stringValue()).toList()).orElse(List.of());
            int starts = java.util.Collections.frequency(calls, "start0");
            assertEquals(starts, java.util.Collections.frequency(calls, "getMethod"), m.methodName() + ": one hook per start0: " + calls);
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).equals("start0")) {
                    assertEquals("invoke", calls.get(i - 1), m.methodName() + ": the hook runs right before start0: " + calls);
                }
            }
        }
        var fake = assertThrows(IllegalStateException.class, () -> ThreadRules.rewrite(fakeThread(1, 1, false)));
        assertTrue(fake.getMessage().contains("calls start0() on something other than this"), fake.getMessage());
        var none = assertThrows(IllegalStateException.class, () -> ThreadRules.rewrite(fakeThread(1, 0, true)));
        assertTrue(none.getMessage().contains("never calls start0()"), none.getMessage());
    }

    @Test
    void theLauncherAndTheAgentNameTheSameProperties() {
        assertEquals(AppLauncher.THREAD_RULES_REQUEST, ThreadRules.REQUEST_PROPERTY);
        assertEquals(AppLauncher.THREAD_RULES_MAIN_THREAD, ThreadRules.MAIN_THREAD_PROPERTY);
        assertEquals(AppLauncher.THREAD_RULES_ACTIVE, ThreadRules.ACTIVE_PROPERTY);
        assertEquals(skyloft.runtime.ThreadStartHook.PROPERTY, ThreadRules.START_HOOK_PROPERTY);
    }
}
