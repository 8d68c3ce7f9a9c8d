package skyloft.agent;

import java.util.List;

/**
 * Which classes the agent may instrument, by package prefix on dotted class names. A class is
 * instrumented when it matches no always-excluded prefix, no user exclude, and (if any includes
 * are given) at least one include. Excludes win over includes. Immutable.
 */
public final class ClassFilter {

    /**
     * Never instrumented, whatever the arguments say: the JDK (a poll inside it could run while
     * the runtime itself holds JDK locks, and the JDK is loaded before Poll anyway), Skyloft
     * itself (the runtime must never be preempted in its own code), and the libraries Skyloft
     * ships with (CLI parsing, histograms, the test framework).
     */
    public static final List<String> ALWAYS_EXCLUDED = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "skyloft.",
            "picocli.", "org.HdrHistogram.", "org.junit.", "org.opentest4j.", "org.apiguardian.");

    private final List<String> include;
    private final List<String> exclude;

    public ClassFilter(List<String> include, List<String> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    /** Everything not always-excluded. */
    public static ClassFilter everything() {
        return new ClassFilter(List.of(), List.of());
    }

    public List<String> include() { return include; }
    public List<String> exclude() { return exclude; }

    /** @param className dotted ({@code com.acme.Foo}) or internal ({@code com/acme/Foo}) form */
    public boolean accepts(String className) {
        return rejection(className) == null;
    }

    /** Why {@code className} is not instrumented, or null if it is. */
    public String rejection(String className) {
        String name = className.replace('/', '.');
        for (String p : ALWAYS_EXCLUDED) if (name.startsWith(p)) return "always excluded (" + p + ")";
        for (String p : exclude) if (name.startsWith(p)) return "excluded (" + p + ")";
        if (include.isEmpty()) return null;
        for (String p : include) if (name.startsWith(p)) return null;
        return "not included";
    }

    @Override
    public String toString() {
        return "include=" + (include.isEmpty() ? "<all>" : String.join(",", include))
                + " exclude=" + String.join(",", exclude);
    }
}
