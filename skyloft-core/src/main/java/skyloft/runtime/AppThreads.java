package skyloft.runtime;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The virtual-thread factories that the agent puts in place of the JDK's in an application's
 * classes: {@code Thread.ofVirtual()}, {@code Thread.startVirtualThread(Runnable)} and
 * {@code Executors.newVirtualThreadPerTaskExecutor()} become the methods of the same names here.
 *
 * <p>Why: the JDK gives a new virtual thread its creator's scheduler when the creator is a
 * virtual thread, and its own ForkJoinPool otherwise. Under {@link AppLauncher} the
 * application's {@code main} runs in the runtime, so the threads it starts are adopted; but a
 * virtual thread started by one of the application's platform threads (a server's acceptor, a
 * timer, a thread pool's worker) would run on the JDK's scheduler. Made through these methods,
 * while a runtime is installed, every such thread runs under the runtime, whoever makes it,
 * adopted with default attributes like the threads made inside it. With none installed (the
 * agent without {@code skyloft run}), or when the caller is a task of another runtime (an
 * application that uses Skyloft itself), each method is exactly the JDK's, whose threads
 * inherit the caller's scheduler.
 *
 * <p>What still escapes: virtual threads that the JDK or an uninstrumented library makes from a
 * platform thread, and every one when the application runs without the agent.
 */
public final class AppThreads {
    private AppThreads() {}

    /** The installed runtime, or null: written by {@link #install} (the launcher, before the
     *  application's main starts), read by every method here. */
    private static volatile SkyloftRuntime installed;

    /** Makes the methods here create threads under {@code rt}; null restores the JDK's behaviour. */
    static void install(SkyloftRuntime rt) {
        installed = rt;
    }

    /** The runtime whose threads the caller's new threads should be: the installed one, unless
     *  none is, or the caller is a task of another runtime (whose threads inherit it, as
     *  everywhere else). */
    private static SkyloftRuntime target() {
        SkyloftRuntime rt = installed;
        if (rt == null) return null;
        Thread self = Thread.currentThread();
        return self.isVirtual() && VThreads.schedulerOf(self) instanceof RtTask t && t.rt != rt ? null : rt;
    }

    /** For {@code Thread.ofVirtual()}: a builder whose threads run under the installed runtime. */
    public static Thread.Builder.OfVirtual ofVirtual() {
        SkyloftRuntime rt = target();
        return rt == null ? Thread.ofVirtual() : VThreads.newBuilder(rt.adopter());
    }

    /** For {@code Thread.startVirtualThread(task)}: an unnamed virtual thread, started. */
    public static Thread startVirtualThread(Runnable task) {
        Objects.requireNonNull(task, "task");
        SkyloftRuntime rt = target();
        return rt == null ? Thread.startVirtualThread(task) : VThreads.newBuilder(rt.adopter()).start(task);
    }

    /** For {@code Executors.newVirtualThreadPerTaskExecutor()}: one new virtual thread per task. */
    public static ExecutorService newVirtualThreadPerTaskExecutor() {
        SkyloftRuntime rt = target();
        return rt == null ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newThreadPerTaskExecutor(VThreads.newBuilder(rt.adopter()).factory());
    }
}
