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
            ThreadRedirect.Result t = config.redirect() ? ThreadRedirect.rewrite(classfileBuffer, loader)
                    : new ThreadRedirect.Result(classfileBuffer, 0);
            PollInserter.Result r = PollInserter.instrument(t.bytes(), loader, config.options());
            stats.record(r, t.calls());
            for (String m : r.methodsLeft()) {
                String name = className.replace('/', '.') + "." + m;
                if (reportedFailures.add(name)) System.err.println("skyloft-agent: left method " + name + " uninstrumented");
            }
            stats.rewriteNanos.add(System.nanoTime() - startNs);
            return r.changed() || t.changed() ? r.bytes() : null;
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
