package skyloft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Two rules that {@code skyloft run} gives {@code java.lang.Thread}, each by rewriting a call in
 * it, so that an application behaves as under {@code java} though its main runs in a virtual
 * thread on a pinned carrier. Applied only when the launcher asks for them (property
 * {@value #REQUEST_PROPERTY} {@code = true}); when they are in effect the agent sets
 * {@value #ACTIVE_PROPERTY} to {@code true}. When the JDK's code does not have the expected
 * shape nothing is changed, and the launcher keeps warning about main's daemon threads.
 *
 * <p><b>Daemons.</b> A platform thread inherits its creator's daemon status, which for a virtual
 * thread is always "daemon", so a server thread that {@code main} starts would not keep the JVM
 * alive once {@code main} returns. In the constructor, where {@code Thread} reads
 * {@code parent.isDaemon()}, the rewritten code reads
 * {@code parent.isDaemon() && parent.threadId() != mainId}, with {@code mainId} the system
 * property {@value #MAIN_THREAD_PROPERTY} (-1 when unset), which the launcher sets to the id of
 * the virtual thread that runs {@code main}. So exactly the platform threads that thread creates
 * start as non-daemon threads, as java's main thread's do; {@code setDaemon},
 * {@code Thread.Builder.OfPlatform.daemon} and every other thread are unchanged.
 *
 * <p><b>CPUs.</b> Linux gives a new thread its creator's CPU mask, and a task's creator is a
 * carrier pinned to one CPU. Just before each {@code start0()} (the native call that creates the
 * thread) the rewritten {@code start} calls the public static {@code beforeStart()} of the class
 * named by the system property {@value #START_HOOK_PROPERTY}, by reflection, and ignores
 * anything it throws; the runtime names its {@code skyloft.runtime.ThreadStartHook} there, which
 * gives a pinned carrier the process's CPUs back for the creation. With the property unset (no
 * pinned runtime) the cost is one property lookup per platform thread started.
 */
final class ThreadRules {
    private ThreadRules() {}

    /** Set by {@code skyloft run} on the application's JVM: apply the rewrite. */
    static final String REQUEST_PROPERTY = "skyloft.launcher.threadRules";
    /** Set by the launcher before {@code main} runs: the id of the thread that runs it. */
    static final String MAIN_THREAD_PROPERTY = "skyloft.launcher.mainThread";
    /** Set by the agent to {@code true} once the rewritten class is in effect. */
    static final String ACTIVE_PROPERTY = "skyloft.launcher.threadRules.active";
    /** Names the class whose {@code beforeStart()} the rewritten {@code start} calls (skyloft-core's {@code ThreadStartHook.PROPERTY}). */
    static final String START_HOOK_PROPERTY = "skyloft.threadStartHook";

    private static final ClassDesc THREAD = ClassDesc.of("java.lang.Thread");
    private static final ClassDesc LONG = ClassDesc.of("java.lang.Long");
    private static final ClassDesc SYSTEM = ClassDesc.of("java.lang.System");
    private static final ClassDesc CLASS_LOADER = ClassDesc.of("java.lang.ClassLoader");
    private static final ClassDesc METHOD = ClassDesc.of("java.lang.reflect.Method");
    /** The constructor every platform thread goes through: (group, name, characteristics, task, stackSize). */
    static final MethodTypeDesc CONSTRUCTOR = MethodTypeDesc.of(ConstantDescs.CD_void, ClassDesc.of("java.lang.ThreadGroup"),
            ConstantDescs.CD_String, ConstantDescs.CD_int, ClassDesc.of("java.lang.Runnable"), ConstantDescs.CD_long);

    /**
     * Applies both rules to the loaded {@code java.lang.Thread} if the launcher asked for them;
     * returns null when they are in effect (or were not asked for), else why not.
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
     * {@code java.lang.Thread}'s class file with both rules (see above); throws
     * IllegalStateException naming what differs when the constructor does not call
     * {@code isDaemon()} exactly once, or {@code start0()} is never called or called on
     * something other than {@code this}.
     */
    static byte[] rewrite(byte[] threadClass) {
        ClassModel model = ClassFile.of().parse(threadClass);
        MethodModel ctor = model.methods().stream()
                .filter(m -> m.methodName().equalsString(ConstantDescs.INIT_NAME) && m.methodTypeSymbol().equals(CONSTRUCTOR))
                .findFirst().orElseThrow(() -> new IllegalStateException("java.lang.Thread has no constructor " + CONSTRUCTOR.displayDescriptor()));
        long calls = ctor.code().orElseThrow().elementStream().filter(ThreadRules::isDaemonCall).count();
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

        // every start0() call: on this, right after an aload_0 (else the shape is not the expected one)
        long starts = 0;
        for (MethodModel m : model.methods()) {
            if (m.code().isEmpty()) continue;
            var elements = m.code().get().elementList();
            Object prev = null;
            for (var e : elements) {
                if (isStart0Call(e)) {
                    if (!(prev instanceof LoadInstruction load && load.slot() == 0 && load.typeKind() == TypeKind.REFERENCE)) {
                        throw new IllegalStateException("java.lang.Thread." + m.methodName().stringValue() + " calls start0() on something other than this");
                    }
                    starts++;
                }
                if (e instanceof java.lang.classfile.Instruction) prev = e;
            }
        }
        if (starts == 0) throw new IllegalStateException("java.lang.Thread never calls start0()");
        CodeTransform hook = (cb, e) -> {
            if (!isStart0Call(e)) {
                cb.with(e);
                return;
            }
            // stack: this. Drop it, call the hook with an empty stack (a handler clears the
            // stack), then load this again for start0.
            cb.pop();
            cb.trying(b -> {
                var none = b.newLabel();
                var done = b.newLabel();
                b.ldc(START_HOOK_PROPERTY)
                        .invokestatic(SYSTEM, "getProperty", MethodTypeDesc.of(ConstantDescs.CD_String, ConstantDescs.CD_String))
                        .dup()
                        .ifnull(none)
                        .iconst_1()
                        .invokestatic(CLASS_LOADER, "getSystemClassLoader", MethodTypeDesc.of(CLASS_LOADER))
                        .invokestatic(ConstantDescs.CD_Class, "forName", MethodTypeDesc.of(ConstantDescs.CD_Class, ConstantDescs.CD_String,
                                ConstantDescs.CD_boolean, CLASS_LOADER))
                        .ldc("beforeStart")
                        .iconst_0()
                        .anewarray(ConstantDescs.CD_Class)
                        .invokevirtual(ConstantDescs.CD_Class, "getMethod", MethodTypeDesc.of(METHOD, ConstantDescs.CD_String,
                                ConstantDescs.CD_Class.arrayType()))
                        .aconst_null()
                        .iconst_0()
                        .anewarray(ConstantDescs.CD_Object)
                        .invokevirtual(METHOD, "invoke", MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object,
                                ConstantDescs.CD_Object.arrayType()))
                        .pop()
                        .goto_(done)
                        .labelBinding(none)
                        .pop()
                        .labelBinding(done);
            }, c -> c.catchingAll(h -> h.pop()));
            cb.aload(0).with(e);
        };
        ClassTransform startCalls = ClassTransform.transformingMethodBodies(
                m -> m.code().isPresent() && m.code().get().elementStream().anyMatch(ThreadRules::isStart0Call), hook);
        // one rule after the other, each on a freshly parsed class
        byte[] daemons = ClassFile.of().transformClass(model, onlyCtor);
        return ClassFile.of().transformClass(ClassFile.of().parse(daemons), startCalls);
    }

    private static boolean isStart0Call(Object e) {
        return e instanceof InvokeInstruction i && i.owner().asSymbol().equals(THREAD)
                && i.name().equalsString("start0") && i.typeSymbol().descriptorString().equals("()V");
    }

    private static boolean isDaemonCall(Object e) {
        return e instanceof InvokeInstruction i && i.owner().asSymbol().equals(THREAD)
                && i.name().equalsString("isDaemon") && i.typeSymbol().descriptorString().equals("()Z");
    }
}
