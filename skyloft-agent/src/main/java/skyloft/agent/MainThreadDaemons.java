package skyloft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Gives {@code skyloft run} the daemon rule of {@code java}'s main thread. Under the launcher,
 * {@code main} runs in a virtual thread, and a platform thread inherits its creator's daemon
 * status, which for a virtual thread is always "daemon". So a server thread that {@code main}
 * starts would not keep the JVM alive once {@code main} returns, as it does under {@code java}.
 *
 * <p>The fix is one call in {@code java.lang.Thread}'s constructor: where it reads
 * {@code parent.isDaemon()}, the rewritten code reads
 * {@code parent.isDaemon() && parent.threadId() != mainId}, with {@code mainId} the system
 * property {@value #MAIN_THREAD_PROPERTY} (-1 when unset), which the launcher sets to the id
 * of the virtual thread that runs {@code main}. So exactly the platform threads that thread
 * creates start as non-daemon threads, as java's main thread's do; threads made non-daemon or
 * daemon explicitly ({@code setDaemon}, {@code Thread.Builder.OfPlatform.daemon}) and every other
 * thread's are unchanged. Applied only when the launcher asks for it (property
 * {@value #REQUEST_PROPERTY} {@code = true}); when it is in effect the agent sets
 * {@value #ACTIVE_PROPERTY} to {@code true}. When the JDK's constructor does not have the
 * expected shape (exactly one {@code isDaemon()} call) nothing is changed, and the launcher
 * keeps warning about such threads instead.
 */
final class MainThreadDaemons {
    private MainThreadDaemons() {}

    /** Set by {@code skyloft run} on the application's JVM: apply the rewrite. */
    static final String REQUEST_PROPERTY = "skyloft.launcher.mainThreadDaemons";
    /** Set by the launcher before {@code main} runs: the id of the thread that runs it. */
    static final String MAIN_THREAD_PROPERTY = "skyloft.launcher.mainThread";
    /** Set by the agent to {@code true} once the rewritten constructor is in effect. */
    static final String ACTIVE_PROPERTY = "skyloft.launcher.mainThreadDaemons.active";

    private static final ClassDesc THREAD = ClassDesc.of("java.lang.Thread");
    private static final ClassDesc LONG = ClassDesc.of("java.lang.Long");
    /** The constructor every platform thread goes through: (group, name, characteristics, task, stackSize). */
    static final MethodTypeDesc CONSTRUCTOR = MethodTypeDesc.of(ConstantDescs.CD_void, ClassDesc.of("java.lang.ThreadGroup"),
            ConstantDescs.CD_String, ConstantDescs.CD_int, ClassDesc.of("java.lang.Runnable"), ConstantDescs.CD_long);

    /**
     * Applies the rewrite to the loaded {@code java.lang.Thread} if the launcher asked for it;
     * returns null when it is in effect (or was not asked for), else why not.
     */
    static String installIfRequested(Instrumentation inst) {
        if (!Boolean.getBoolean(REQUEST_PROPERTY)) return null;
        if (!inst.isRetransformClassesSupported() || !inst.isModifiableClass(Thread.class)) {
            return "this JVM cannot retransform java.lang.Thread";
        }
        String[] problem = new String[1];
        ClassFileTransformer t = new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                // by name too: a class loaded while Thread is being retransformed can arrive here
                // with Thread as its classBeingRedefined
                if (redefined != Thread.class || loader != null || !"java/lang/Thread".equals(className)) return null;
                try {
                    return rewrite(bytes);
                } catch (RuntimeException e) {
                    problem[0] = e.getMessage();
                    return null;
                }
            }
        };
        inst.addTransformer(t, true);
        try {
            inst.retransformClasses(Thread.class);
        } catch (Exception | LinkageError e) {
            problem[0] = e.toString();
        } finally {
            inst.removeTransformer(t);
        }
        if (problem[0] != null) return problem[0];
        System.setProperty(ACTIVE_PROPERTY, "true");
        return null;
    }

    /**
     * {@code java.lang.Thread}'s class file with the constructor's {@code parent.isDaemon()}
     * replaced as described above; throws IllegalStateException naming what differs when the
     * constructor does not have exactly one such call.
     */
    static byte[] rewrite(byte[] threadClass) {
        ClassModel model = ClassFile.of().parse(threadClass);
        MethodModel ctor = model.methods().stream()
                .filter(m -> m.methodName().equalsString(ConstantDescs.INIT_NAME) && m.methodTypeSymbol().equals(CONSTRUCTOR))
                .findFirst().orElseThrow(() -> new IllegalStateException("java.lang.Thread has no constructor " + CONSTRUCTOR.displayDescriptor()));
        long calls = ctor.code().orElseThrow().elementStream().filter(MainThreadDaemons::isDaemonCall).count();
        if (calls != 1) {
            throw new IllegalStateException("java.lang.Thread's constructor calls isDaemon() " + calls + " times; expected once");
        }
        CodeTransform replace = (cb, e) -> {
            if (!isDaemonCall(e)) {
                cb.with(e);
                return;
            }
            // stack: parent -> parent.isDaemon() & (parent.threadId() != mainId ? 1 : 0), without branches
            cb.dup()
                    .invokevirtual(THREAD, "isDaemon", MethodTypeDesc.of(ConstantDescs.CD_boolean))
                    .swap()
                    .invokevirtual(THREAD, "threadId", MethodTypeDesc.of(ConstantDescs.CD_long))
                    .ldc(MAIN_THREAD_PROPERTY)
                    .ldc(-1L)
                    .invokestatic(LONG, "getLong", MethodTypeDesc.of(LONG, ConstantDescs.CD_String, ConstantDescs.CD_long))
                    .invokevirtual(LONG, "longValue", MethodTypeDesc.of(ConstantDescs.CD_long))
                    .lcmp() // -1, 0 or 1
                    .dup()
                    .imul() // 0 when the ids are equal, else 1
                    .iand();
        };
        ClassTransform onlyCtor = ClassTransform.transformingMethodBodies(
                m -> m.methodName().equalsString(ConstantDescs.INIT_NAME) && m.methodTypeSymbol().equals(CONSTRUCTOR), replace);
        return ClassFile.of().transformClass(model, onlyCtor);
    }

    private static boolean isDaemonCall(Object e) {
        return e instanceof InvokeInstruction i && i.owner().asSymbol().equals(THREAD)
                && i.name().equalsString("isDaemon") && i.typeSymbol().descriptorString().equals("()Z");
    }
}
