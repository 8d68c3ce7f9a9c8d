package skyloft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.LambdaMetafactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Points an application class's calls of the JDK's virtual-thread factories at
 * {@code skyloft.runtime.AppThreads}, whose methods have the same names and types:
 * {@code Thread.ofVirtual()}, {@code Thread.startVirtualThread(Runnable)} and
 * {@code Executors.newVirtualThreadPerTaskExecutor()}. Under {@code skyloft run} those make the
 * threads of the launcher's runtime even when a platform thread calls them; anywhere else they
 * are the JDK's. Each rewrite swaps one {@code invokestatic} for another of the same type, so the
 * stack and its types are untouched; a method reference to one of them ({@code
 * Thread::startVirtualThread}, an {@code invokedynamic} whose bootstrap arguments hold a handle
 * to it) gets a handle to the hook's method instead. A class whose constant pool names none of
 * the three is not parsed any further and comes back as the same array. Stateless and
 * thread-safe.
 */
public final class ThreadRedirect {
    private ThreadRedirect() {}

    /** The class the rewritten calls go to. */
    public static final ClassDesc HOOK = ClassDesc.of("skyloft.runtime.AppThreads");

    private static final ClassDesc THREAD = ClassDesc.of("java.lang.Thread");

    private record Call(ClassDesc owner, String name, MethodTypeDesc type) {
        boolean is(ClassDesc o, String n, MethodTypeDesc t) {
            return owner.equals(o) && name.equals(n) && type.equals(t);
        }
    }

    private static final List<Call> CALLS = List.of(
            new Call(THREAD, "ofVirtual", MethodTypeDesc.of(ClassDesc.of("java.lang.Thread$Builder$OfVirtual"))),
            new Call(THREAD, "startVirtualThread", MethodTypeDesc.of(THREAD, ClassDesc.of("java.lang.Runnable"))),
            new Call(ClassDesc.of("java.util.concurrent.Executors"), "newVirtualThreadPerTaskExecutor",
                    MethodTypeDesc.of(ClassDesc.of("java.util.concurrent.ExecutorService"))));

    /** The bytes (the input array itself when nothing changed) and how many calls were rewritten. */
    public record Result(byte[] bytes, int calls) {
        public boolean changed() {
            return calls > 0;
        }
    }

    /**
     * Rewrites one class.
     *
     * @param loader where the class's supertypes can be read as resources for stack-map
     *               generation; null means the system class loader
     * @throws IllegalArgumentException if the bytes are not a class file this JDK can parse, the
     *         stack maps cannot be computed, or a rewritten method would declare fewer locals
     *         than its class file relies on ({@link LocalsFloor})
     */
    public static Result rewrite(byte[] classBytes, ClassLoader loader) {
        ClassModel model = ClassFile.of().parse(classBytes);
        if (!namesACall(model)) return new Result(classBytes, 0);
        int[] calls = {0};
        CodeTransform swap = (code, element) -> {
            if (element instanceof InvokeInstruction inv && isCall(inv)) {
                code.invokestatic(HOOK, inv.name().stringValue(), inv.typeSymbol());
                calls[0]++;
            } else if (element instanceof InvokeDynamicInstruction indy && refersToACall(indy)) {
                List<ConstantDesc> args = indy.bootstrapArgs().stream().map(a -> a instanceof DirectMethodHandleDesc h && isCall(h)
                        ? (ConstantDesc) MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, HOOK, h.methodName(), h.invocationType())
                        : a).toList();
                code.invokedynamic(DynamicCallSiteDesc.of(indy.bootstrapMethod(), indy.name().stringValue(), indy.typeSymbol(),
                        args.toArray(ConstantDesc[]::new)));
                calls[0]++;
            } else {
                code.with(element);
            }
        };
        ClassFile cf = PollInserter.context(model, loader);
        byte[] out = cf.transformClass(model, ClassTransform.transformingMethodBodies(ThreadRedirect::makesACall, swap));
        if (calls[0] == 0) return new Result(classBytes, 0);
        boolean deadCodeVerified = LocalsFloor.deadCodeVerified(model);
        Map<String, Integer> floors = new HashMap<>();
        for (MethodModel m : model.methods()) {
            if (makesACall(m)) {
                int floor = LocalsFloor.of(m, deadCodeVerified);
                if (floor > 0) floors.put(PollInserter.key(m), floor);
            }
        }
        LocalsFloor.check(out, floors);
        return new Result(out, calls[0]);
    }

    private static boolean namesACall(ClassModel model) {
        for (PoolEntry e : model.constantPool()) {
            if (e instanceof MethodRefEntry r) {
                ClassDesc owner = r.owner().asSymbol();
                String name = r.name().stringValue();
                MethodTypeDesc type = r.typeSymbol();
                for (Call c : CALLS) if (c.is(owner, name, type)) return true;
            }
        }
        return false;
    }

    private static boolean makesACall(MethodModel m) {
        return m.code().isPresent() && m.code().get().elementStream().anyMatch(e -> e instanceof InvokeInstruction inv && isCall(inv)
                || e instanceof InvokeDynamicInstruction indy && refersToACall(indy));
    }

    private static boolean refersToACall(InvokeDynamicInstruction indy) {
        if (serializable(indy)) return false; // its $deserializeLambda$ checks for the JDK's method: left alone
        for (ConstantDesc a : indy.bootstrapArgs()) if (a instanceof DirectMethodHandleDesc h && isCall(h)) return true;
        return false;
    }

    /** A serializable lambda or method reference: LambdaMetafactory.altMetafactory with FLAG_SERIALIZABLE. */
    private static boolean serializable(InvokeDynamicInstruction indy) {
        DirectMethodHandleDesc bsm = indy.bootstrapMethod();
        List<ConstantDesc> args = indy.bootstrapArgs();
        return bsm.owner().equals(ClassDesc.of("java.lang.invoke.LambdaMetafactory")) && bsm.methodName().equals("altMetafactory")
                && args.size() > 3 && args.get(3) instanceof Integer flags && (flags & LambdaMetafactory.FLAG_SERIALIZABLE) != 0;
    }

    private static boolean isCall(DirectMethodHandleDesc h) {
        if (h.kind() != DirectMethodHandleDesc.Kind.STATIC) return false;
        for (Call c : CALLS) if (c.is(h.owner(), h.methodName(), h.invocationType())) return true;
        return false;
    }

    private static boolean isCall(InvokeInstruction inv) {
        if (inv.opcode() != Opcode.INVOKESTATIC || inv.isInterface()) return false;
        ClassDesc owner = inv.owner().asSymbol();
        String name = inv.name().stringValue();
        MethodTypeDesc type = inv.typeSymbol();
        for (Call c : CALLS) if (c.is(owner, name, type)) return true;
        return false;
    }
}
