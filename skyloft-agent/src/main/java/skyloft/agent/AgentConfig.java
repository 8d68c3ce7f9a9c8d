package skyloft.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's arguments: {@code -javaagent:skyloft-agent.jar=KEY=VALUE;KEY=VALUE;FLAG}. Keys:
 * <ul>
 *   <li>{@code include=PREFIX,PREFIX} package prefixes to instrument (default: everything not excluded)</li>
 *   <li>{@code exclude=PREFIX,PREFIX} package prefixes never to instrument (on top of
 *       {@link ClassFilter#ALWAYS_EXCLUDED})</li>
 *   <li>{@code stride=N} poll every N loop back-edges (default 1 = every back-edge; 1..65536)</li>
 *   <li>{@code entry=true|false} method-entry polls (default true)</li>
 *   <li>{@code redirect=true|false} point the application's {@code Thread.ofVirtual()},
 *       {@code Thread.startVirtualThread} and {@code Executors.newVirtualThreadPerTaskExecutor()}
 *       at {@code skyloft.runtime.AppThreads}, so that under {@code skyloft run} the virtual
 *       threads its platform threads start run under the runtime too (default true; without a
 *       runtime installed the redirected calls do what the JDK's do)</li>
 *   <li>{@code verbose} print a one-line summary at exit and each class's outcome as it loads</li>
 * </ul>
 */
public record AgentConfig(ClassFilter filter, PollInserter.Options options, boolean redirect, boolean verbose) {

    static final String USAGE = "expected KEY=VALUE pairs separated by ';' with keys include, exclude, stride, entry, "
            + "redirect, or the flag verbose; e.g. include=com.acme.,org.foo.;exclude=com.acme.gen.;verbose";

    /** Parses the agent argument string (null or blank means all defaults). */
    public static AgentConfig parse(String args) {
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        int stride = 1;
        boolean entry = true;
        boolean redirect = true;
        boolean verbose = false;
        if (args != null) {
            for (String part : args.split(";")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                String key = eq < 0 ? p : p.substring(0, eq).trim();
                String value = eq < 0 ? null : p.substring(eq + 1).trim();
                switch (key) {
                    case "include" -> include.addAll(prefixes(key, value));
                    case "exclude" -> exclude.addAll(prefixes(key, value));
                    case "stride" -> stride = stride(value);
                    case "entry" -> entry = bool(key, value);
                    case "redirect" -> redirect = bool(key, value);
                    case "verbose" -> verbose = value == null || bool(key, value);
                    default -> throw new IllegalArgumentException("unknown agent argument '" + p + "'; " + USAGE);
                }
            }
        }
        return new AgentConfig(new ClassFilter(include, exclude), new PollInserter.Options(entry, true, stride), redirect, verbose);
    }

    private static List<String> prefixes(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("agent argument " + key + " needs a value: a comma-separated list of package prefixes such as com.acme.");
        }
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            String t = s.trim().replace('/', '.');
            if (t.isEmpty()) continue;
            if (!t.matches("[\\p{L}\\p{N}_$.]+") || t.matches("\\.+")) {
                throw new IllegalArgumentException("agent argument " + key + ": '" + t + "' is not a package prefix; allowed: letters, digits, _, $ and dots");
            }
            out.add(t);
        }
        if (out.isEmpty()) { // include=, would otherwise mean "everything", silently
            throw new IllegalArgumentException("agent argument " + key + "='" + value + "' names no package prefix; give one or more such as com.acme.");
        }
        return out;
    }

    private static int stride(String value) {
        try {
            int n = Integer.parseInt(value == null ? "" : value);
            if (n >= 1 && n <= PollInserter.MAX_STRIDE) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("agent argument stride: '" + value + "' is not allowed; expected an integer 1.." + PollInserter.MAX_STRIDE);
    }

    private static boolean bool(String key, String value) {
        if ("true".equals(value)) return true;
        if ("false".equals(value)) return false;
        throw new IllegalArgumentException("agent argument " + key + ": '" + value + "' is not allowed; expected true or false");
    }
}
