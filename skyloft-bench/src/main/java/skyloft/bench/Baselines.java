package skyloft.bench;

import java.lang.reflect.Method;
import java.util.concurrent.ForkJoinPool;

/**
 * The systems every benchmark puts beside Skyloft: the JDK's default virtual-thread scheduler
 * ({@code jdk-default}), platform threads under the Linux scheduler ({@code platform}), and the
 * bare continuation ({@code continuation}, the floor a Java user-level switch can reach).
 */
public final class Baselines {
    private Baselines() {}

    public static final String JDK_DEFAULT = "jdk-default";
    public static final String PLATFORM = "platform";
    public static final String CONTINUATION = "continuation";

    public static String skyloft(String policy) {
        return "skyloft:" + policy;
    }

    /**
     * Sizes the JDK's default virtual-thread scheduler. It reads its system properties once,
     * when the first virtual thread is created, so this must run before any virtual thread of
     * the JVM exists; returns the parallelism actually in force.
     */
    public static int configureJdkDefault(int parallelism) {
        System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(parallelism));
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", Integer.toString(Math.max(256, parallelism)));
        return jdkDefaultParallelism();
    }

    /** The parallelism of the JDK's default scheduler in this JVM, or -1 if it cannot be read. */
    public static int jdkDefaultParallelism() {
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            Method m = vt.getDeclaredMethod("defaultScheduler");
            m.setAccessible(true);
            Object pool = m.invoke(null);
            return pool instanceof ForkJoinPool fj ? fj.getParallelism() : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
