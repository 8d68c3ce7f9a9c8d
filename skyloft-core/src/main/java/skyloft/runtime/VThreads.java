package skyloft.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * The JDK internals the runtime needs, found once: the package-private factory that builds a
 * virtual thread with a custom scheduler ({@code ThreadBuilders.newVirtualThread(Executor,
 * String, int, Runnable)}), the builder with a custom scheduler ({@code
 * ThreadBuilders.VirtualThreadBuilder(Executor)}), the thread's {@code runContinuation} and
 * {@code scheduler} fields, and {@code Thread.currentCarrierThread()}. All need
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
final class VThreads {
    private VThreads() {}

    private static final MethodHandle NEW_VTHREAD;
    private static final MethodHandle NEW_BUILDER;
    private static final VarHandle RUN_CONTINUATION;
    private static final VarHandle SCHEDULER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final String PROBLEM;

    static {
        MethodHandle nv = null, nb = null, cc = null;
        VarHandle rc = null, sch = null;
        String problem = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            MethodHandles.Lookup bl = MethodHandles.privateLookupIn(builders, MethodHandles.lookup());
            nv = bl.findStatic(builders, "newVirtualThread",
                    MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            Class<?> vb = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            nb = MethodHandles.privateLookupIn(vb, MethodHandles.lookup())
                    .findConstructor(vb, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup vl = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            rc = vl.findVarHandle(vt, "runContinuation", Runnable.class);
            sch = vl.findVarHandle(vt, "scheduler", Executor.class);
            cc = lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "Skyloft needs the JVM option --add-opens java.base/java.lang=ALL-UNNAMED (and JDK 25): " + e;
        }
        NEW_VTHREAD = nv;
        NEW_BUILDER = nb;
        RUN_CONTINUATION = rc;
        SCHEDULER = sch;
        CURRENT_CARRIER = cc;
        PROBLEM = problem;
    }

    /**
     * Initializes the JDK's I/O poller from the calling platform thread. The poller starts its
     * threads lazily in its class initializer; virtual pollers created from inside one of our
     * virtual threads would inherit that thread's scheduler and so belong to one runtime (and
     * die with it). Initializing it here gives them the JDK's default scheduler.
     */
    static void initJdkPollers() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (Throwable e) {
            // not fatal: socket I/O may then be served by pollers created later
        }
    }

    private static volatile java.lang.reflect.Field lambdaThreadField;

    /**
     * The virtual thread whose {@code runContinuation} is {@code r} (the JDK's lambda captures
     * it), or null if it cannot be found. Used only to adopt foreign threads, never per switch.
     */
    static Thread threadOf(Runnable r) {
        try {
            java.lang.reflect.Field f = lambdaThreadField;
            if (f == null || f.getDeclaringClass() != r.getClass()) {
                f = null;
                for (java.lang.reflect.Field x : r.getClass().getDeclaredFields()) {
                    if (Thread.class.isAssignableFrom(x.getType())) {
                        x.setAccessible(true);
                        f = x;
                        break;
                    }
                }
                if (f == null) return null;
                lambdaThreadField = f;
            }
            return (Thread) f.get(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Throws with the fix if the internals are not reachable. */
    static void check() {
        if (PROBLEM != null) throw new IllegalStateException(PROBLEM);
    }

    /** An unstarted virtual thread whose scheduler is {@code scheduler}. */
    static Thread newThread(Executor scheduler, String name, Runnable body) {
        try {
            return (Thread) NEW_VTHREAD.invokeExact(scheduler, name, 0, body);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a virtual thread: " + e, e);
        }
    }

    /** The JDK's own virtual-thread builder, with {@code scheduler} as the scheduler of the threads it makes. */
    static Thread.Builder.OfVirtual newBuilder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a virtual thread builder: " + e, e);
        }
    }

    /** The Runnable the JDK will hand to the scheduler for {@code vthread}. */
    static Runnable runContinuation(Thread vthread) {
        return (Runnable) RUN_CONTINUATION.get(vthread);
    }

    /** The scheduler of a virtual thread (an RtTask for threads of a runtime), or null for a
     *  platform thread. */
    static Executor schedulerOf(Thread t) {
        return t.isVirtual() ? (Executor) SCHEDULER.get(t) : null;
    }

    /** The platform thread the caller runs on (itself, if it is a platform thread). */
    static Thread currentCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            return Thread.currentThread();
        }
    }
}
