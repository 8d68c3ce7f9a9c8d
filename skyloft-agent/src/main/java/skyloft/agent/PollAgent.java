package skyloft.agent;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java agent entry points. {@code -javaagent:skyloft-agent.jar[=ARGS]} calls
 * {@link #premain}; attaching to a running JVM (or {@code Launcher-Agent-Class} with
 * {@code java -jar}) calls {@link #agentmain}, which also retransforms the application classes
 * already loaded. Arguments are described in {@link AgentConfig}. {@link #stats()} tells what
 * the agent did so far.
 */
public final class PollAgent {
    private PollAgent() {}

    private static final AgentStats STATS = new AgentStats();
    private static volatile AgentConfig active;

    public static void premain(String args, Instrumentation inst) {
        install(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        install(args, inst, true);
    }

    /** What the agent did so far in this JVM (all zero when the agent is not loaded). */
    public static AgentStats.Snapshot stats() {
        return STATS.snapshot();
    }

    /** The configuration in effect, or null when the agent was not started in this JVM. */
    public static AgentConfig config() {
        return active;
    }

    private static synchronized void install(String args, Instrumentation inst, boolean retransformLoaded) {
        if (active != null) {
            System.err.println("skyloft-agent: already active (" + active.filter() + "); ignoring '" + args + "'");
            return;
        }
        AgentConfig config;
        try {
            config = AgentConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("skyloft-agent: " + e.getMessage());
            throw e;
        }
        // Load the ClassFile API and our own classes now, not in the middle of the first
        // application class load.
        warmUp();
        PollTransformer transformer = new PollTransformer(config, STATS);
        inst.addTransformer(transformer, true);
        String daemons = ThreadRules.installIfRequested(inst);
        if (daemons != null) {
            System.err.println("skyloft-agent: java.lang.Thread left as it is, so platform threads that main starts are daemon"
                    + " threads and those a task starts keep its carrier's one CPU: " + daemons);
        }
        active = config;
        if (config.verbose()) {
            System.err.println("skyloft-agent: active, " + config.filter() + " stride=" + config.options().backEdgeStride()
                    + " entry=" + config.options().entryPolls() + " redirect=" + config.redirect());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(STATS.snapshot().summary()),
                    "skyloft-agent-summary"));
        }
        if (retransformLoaded && inst.isRetransformClassesSupported()) retransform(inst, transformer);
    }

    private static void retransform(Instrumentation inst, PollTransformer transformer) {
        List<Class<?>> todo = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (!inst.isModifiableClass(c) || c.isHidden() || c.isArray() || c.isPrimitive()) continue;
            ClassLoader l = c.getClassLoader();
            if (transformer.rejection(c.getModule(), l, c.getName().replace('.', '/')) == null) todo.add(c);
        }
        for (Class<?> c : todo) {
            try {
                inst.retransformClasses(c);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                System.err.println("skyloft-agent: could not retransform " + c.getName() + ": " + e);
            }
        }
    }

    private static void warmUp() {
        try (var in = PollAgent.class.getResourceAsStream("PollAgent.class")) {
            if (in != null) PollInserter.instrument(in.readAllBytes(), PollAgent.class.getClassLoader(), PollInserter.Options.DEFAULT);
        } catch (Exception | LinkageError e) {
            System.err.println("skyloft-agent: warm-up failed (the agent stays active): " + e);
        }
    }
}
