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
class MainThreadDaemonsTest {

    private static List<String> callsIn(byte[] classBytes) {
        MethodModel ctor = ClassFile.of().parse(classBytes).methods().stream()
                .filter(m -> m.methodName().equalsString("<init>") && m.methodTypeSymbol().equals(MainThreadDaemons.CONSTRUCTOR))
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
        List<String> before = callsIn(plain), after = callsIn(MainThreadDaemons.rewrite(plain));
        assertEquals(1, before.stream().filter("java/lang/Thread.isDaemon"::equals).count());
        assertEquals(1, after.stream().filter("java/lang/Thread.isDaemon"::equals).count(), after.toString());
        assertTrue(after.contains("java/lang/Long.getLong") && after.contains("java/lang/Thread.threadId"), after.toString());
        assertEquals(before.size() + 3, after.size(), "three calls added, none lost: " + after);
    }

    /** A stand-in java.lang.Thread whose constructor calls isDaemon() {@code calls} times. */
    private static byte[] fakeThread(int calls) {
        ClassDesc thread = ClassDesc.of("java.lang.Thread");
        return ClassFile.of().build(thread, cb -> {
            cb.withMethodBody("<init>", MainThreadDaemons.CONSTRUCTOR, ClassFile.ACC_PUBLIC, code -> {
                code.aload(0).invokespecial(ConstantDescs.CD_Object, "<init>", ConstantDescs.MTD_void);
                for (int i = 0; i < calls; i++) {
                    code.aload(0).invokevirtual(thread, "isDaemon", MethodTypeDesc.of(ConstantDescs.CD_boolean)).pop();
                }
                code.return_();
            });
        });
    }

    @Test
    void anUnexpectedShapeIsRefusedNamingWhatDiffers() {
        assertEquals(List.of("java/lang/Object.<init>", "java/lang/Thread.isDaemon", "java/lang/Long.getLong", "java/lang/Thread.threadId",
                "java/lang/Long.longValue").stream().sorted().toList(), callsIn(MainThreadDaemons.rewrite(fakeThread(1))).stream().sorted().toList());
        var twice = assertThrows(IllegalStateException.class, () -> MainThreadDaemons.rewrite(fakeThread(2)));
        assertTrue(twice.getMessage().contains("calls isDaemon() 2 times; expected once"), twice.getMessage());
        var never = assertThrows(IllegalStateException.class, () -> MainThreadDaemons.rewrite(fakeThread(0)));
        assertTrue(never.getMessage().contains("0 times"), never.getMessage());
        byte[] noCtor = ClassFile.of().build(ClassDesc.of("java.lang.Thread"), cb -> { });
        var none = assertThrows(IllegalStateException.class, () -> MainThreadDaemons.rewrite(noCtor));
        assertTrue(none.getMessage().contains("has no constructor"), none.getMessage());
    }

    @Test
    void theLauncherAndTheAgentNameTheSameProperties() {
        assertEquals(AppLauncher.DAEMON_RULE_REQUEST, MainThreadDaemons.REQUEST_PROPERTY);
        assertEquals(AppLauncher.DAEMON_RULE_MAIN_THREAD, MainThreadDaemons.MAIN_THREAD_PROPERTY);
        assertEquals(AppLauncher.DAEMON_RULE_ACTIVE, MainThreadDaemons.ACTIVE_PROPERTY);
    }
}
