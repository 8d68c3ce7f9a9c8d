package skyloft.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ClassFileTransformer} the agent registers: filters, then {@link ThreadRedirect}
 * (unless turned off), then {@link PollInserter}.
 * Never lets an error escape: a class that cannot be instrumented is logged once (name and
 * reason, on stderr), counted as failed, and loaded unchanged. Thread-safe: the JVM calls it
 * from every class-loading thread at once.
 */
public final class PollTransformer implements ClassFileTransformer {
    private static final String POLL_RESOURCE = "skyloft/runtime/Poll.class";

    private final AgentConfig config;
    private final AgentStats stats;
    /** Loader -> whether it can see skyloft.runtime.Poll; weak keys so loaders can be collected.
     *  Written and read by every class-loading thread; two may both compute a loader's entry, with the same result. */
    private final Map<ClassLoader, Boolean> pollVisible = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();

    public PollTransformer(AgentConfig config, AgentStats stats) {
        this.config = config;
        this.stats = stats;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfileBuffer) {
        long startNs = 0;
        try {
            String why = rejection(module, loader, className);
            if (why != null) {
                stats.excluded.increment();
                if (config.verbose() && className != null && loader != null && !className.startsWith("skyloft/")
                        && config.filter().accepts(className)) {
                    System.err.println("skyloft-agent: skipped " + className.replace('/', '.') + ": " + why);
                }
                return null;
            }
            startNs = System.nanoTime();
            Rewritten w = rewrite(classfileBuffer, loader, config.redirect(), config.options());
            PollInserter.Result r = w.polls();
            stats.record(r, w.redirectedCalls());
            for (String m : r.methodsLeft()) {
                String name = className.replace('/', '.') + "." + m;
                if (reportedFailures.add(name)) System.err.println("skyloft-agent: left method " + name + " uninstrumented");
            }
            stats.rewriteNanos.add(System.nanoTime() - startNs);
            return w.changed() ? r.bytes() : null;
        } catch (Throwable t) {
            if (startNs != 0) stats.rewriteNanos.add(System.nanoTime() - startNs);
            stats.failed.increment();
            String name = className == null ? "<unnamed>" : className.replace('/', '.');
            if (reportedFailures.add(name)) {
                System.err.println("skyloft-agent: left " + name + " uninstrumented: " + t);
            }
            return null;
        }
    }

    /** A class file as the agent rewrote it: the poll insertion's result (its bytes are the final
     *  ones) and how many thread-factory calls were redirected first. */
    public record Rewritten(PollInserter.Result polls, int redirectedCalls) {
        public boolean changed() {
            return polls.changed() || redirectedCalls > 0;
        }
    }

    /**
     * What the agent does to one class file that its filters accept: {@link ThreadRedirect} (if
     * {@code redirect}), then {@link PollInserter} with {@code options}, resolving class
     * hierarchies through {@code loader}. {@code bench rewrite} times this same call.
     *
     * @throws RuntimeException if the class cannot be rewritten (the agent then loads it unchanged)
     */
    public static Rewritten rewrite(byte[] classBytes, ClassLoader loader, boolean redirect, PollInserter.Options options) {
        ThreadRedirect.Result t = redirect ? ThreadRedirect.rewrite(classBytes, loader) : new ThreadRedirect.Result(classBytes, 0);
        return new Rewritten(PollInserter.instrument(t.bytes(), loader, options), t.calls());
    }

    /** Why this class is not instrumented, or null. */
    String rejection(Module module, ClassLoader loader, String className) {
        if (className == null) return "no name (hidden class)";
        if (loader == null) return "boot class loader (the JDK)";
        if (loader == ClassLoader.getPlatformClassLoader()) return "platform class loader (the JDK)";
        if (module != null && module.isNamed()) {
            String mn = module.getName();
            if (mn.startsWith("java.") || mn.startsWith("jdk.")) return "JDK module " + mn;
        }
        String why = config.filter().rejection(className);
        if (why != null) return why;
        Boolean visible = pollVisible.get(loader);
        if (visible == null) {
            // asked outside the map's lock: a loader's getResource may take the loader's own lock,
            // which another thread may hold while it waits here to transform a class of that loader
            visible = loader.getResource(POLL_RESOURCE) != null;
            pollVisible.put(loader, visible);
        }
        if (!visible) {
            return "skyloft.runtime.Poll is not visible from " + loader.getName() + " (" + loader.getClass().getName() + ")";
        }
        return null;
    }
}
