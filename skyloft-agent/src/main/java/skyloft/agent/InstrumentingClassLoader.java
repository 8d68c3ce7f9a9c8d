package skyloft.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Predicate;

/**
 * A child-first class loader that loads the classes {@code which} selects from its parent's
 * class-file resources, runs them through {@link PollInserter}, and defines them itself; every
 * other class comes from the parent. This is how benchmarks and tests run an instrumented copy
 * of a class beside the plain one in the same JVM, without {@code -javaagent}. Thread-safe
 * (parallel capable; a class is defined at most once under its class-loading lock).
 */
public final class InstrumentingClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Predicate<String> which;
    private final PollInserter.Options options;
    private final AgentStats stats = new AgentStats();

    /** @param which dotted class names to load instrumented from here */
    public InstrumentingClassLoader(ClassLoader parent, Predicate<String> which, PollInserter.Options options) {
        super("skyloft-instrumenting", parent);
        this.which = which;
        this.options = options;
    }

    /** What this loader inserted so far. */
    public AgentStats.Snapshot stats() {
        return stats.snapshot();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!which.test(name)) return super.loadClass(name, resolve);
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) c = findClass(name);
            if (resolve) resolveClass(c);
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        byte[] plain;
        try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) throw new ClassNotFoundException(name + " (no resource " + resource + " in the parent loader)");
            plain = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read " + resource, e);
        }
        PollInserter.Result r = PollInserter.instrument(plain, getParent(), options);
        stats.record(r, 0);
        return defineClass(name, r.bytes(), 0, r.bytes().length);
    }
}
