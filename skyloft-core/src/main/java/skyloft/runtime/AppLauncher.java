package skyloft.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.SchedAttr;
import skyloft.util.Durations;

/**
 * Runs an unchanged application under a {@link SkyloftRuntime}: its main method runs in a
 * virtual thread of the runtime, so every virtual thread the application starts from there, and
 * from those threads in turn, runs under the runtime's policy (a virtual thread takes its
 * creator's scheduler, and the runtime adopts it). {@code skyloft run} starts it in a new JVM;
 * it can also be started by hand:
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -javaagent:skyloft-agent.jar -Dskyloft.policy=rr -Dskyloft.params=slice=50us \
 *      -cp APP:skyloft-core.jar:HdrHistogram.jar skyloft.runtime.AppLauncher MAINCLASS ARGS...
 * </pre>
 *
 * <p>An application on the module path runs with {@code -p MODULEPATH --add-modules MODULE
 * --add-opens MODULE/MAINPACKAGE=ALL-UNNAMED} added to those options and {@code --module
 * MODULE/MAINCLASS} in place of {@code MAINCLASS}: this class stays on the class path, the
 * module is resolved into the boot layer, and its main package is opened to this class, which
 * calls {@code main} by reflection.
 *
 * <p>Configuration, as system properties: {@code skyloft.policy} (default {@code rr}),
 * {@code skyloft.params} ({@code K=V,...}), {@code skyloft.cores} (default every core),
 * {@code skyloft.timer} ({@code poll}, {@code sleep}, {@code spin} or {@code off}),
 * {@code skyloft.tick}, {@code skyloft.idleSpin} ({@code D} or {@code MIN..MAX}),
 * {@code skyloft.pin} ({@code false}: carriers not pinned to one CPU each; default {@code true}) and
 * {@code skyloft.stats} ({@code true}: the runtime's stats on stderr when the JVM exits).
 *
 * <p>The main class is loaded and initialized on the JVM's main thread, as {@code java} does;
 * then its {@code main} runs in the runtime's thread named {@code main}, found as the JDK 25
 * launcher finds it: {@code main(String[])} before {@code main()}, static or on a new instance,
 * anything but private. The JVM's main thread waits for it and rethrows what it threw, so an
 * uncaught exception prints and exits with 1 as it would under {@code java}. With the agent's
 * daemon rule ({@link #THREAD_RULES_REQUEST}), the platform threads {@code main} starts are
 * non-daemon threads as under {@code java}, so they keep the JVM alive after it returns. The runtime is
 * installed in {@link AppThreads} before the main class is loaded, so with the agent, which
 * points the application's {@code Thread.ofVirtual()}, {@code Thread.startVirtualThread} and
 * {@code Executors.newVirtualThreadPerTaskExecutor()} there, virtual threads that the
 * application's platform threads start run under the runtime too. What stays outside it:
 * platform threads, and virtual threads that a platform thread makes some other way (inside the
 * JDK or an uninstrumented library) or without the agent, which use the JDK's scheduler.
 */
public final class AppLauncher {
    private AppLauncher() {}

    /** The first argument that announces module mode: {@code --module MODULE/MAINCLASS ARGS...}. */
    public static final String MODULE_FLAG = "--module";

    /**
     * The properties of the agent's daemon rule for main's platform threads (skyloft-agent's
     * {@code ThreadRules}, which names the same properties): {@code skyloft run} asks for
     * the rule, this launcher sets the id of the thread that runs {@code main}, and the agent
     * says whether the rule is in effect.
     */
    public static final String THREAD_RULES_REQUEST = "skyloft.launcher.threadRules",
            THREAD_RULES_MAIN_THREAD = "skyloft.launcher.mainThread",
            THREAD_RULES_ACTIVE = "skyloft.launcher.threadRules.active";

    /**
     * The jar whose manifest's {@code Launcher-Agent-Class} this launcher starts before it loads
     * the main class, as {@code java -jar} does (through the JDK's own loader, so the agent gets
     * the {@code Instrumentation} and capabilities its manifest asks for). {@code skyloft run
     * -jar} sets it, with {@code --add-exports java.instrument/sun.instrument=ALL-UNNAMED}.
     */
    public static final String LAUNCHER_AGENT_JAR = "skyloft.launcher.agentJar";

    /**
     * The pid of the {@code skyloft run} that started this JVM: the application gets SIGTERM when
     * that process ends, even by SIGKILL, so that it is not left running without it.
     */
    public static final String PARENT_PID = "skyloft.launcher.parentPid";

    /**
     * {@code skyloft run --jfr}: the file to record to and the settings file ({@code skyloft.jfc}),
     * for a recording this launcher starts before the runtime and the JVM writes at its exit. Not
     * {@code -XX:StartFlightRecording}, whose start-up lines go to the application's stdout.
     */
    public static final String JFR_FILE = "skyloft.launcher.jfr", JFR_SETTINGS = "skyloft.launcher.jfrSettings";

    /** The default policy: preemptive and simple, with nothing to tune. */
    public static final String DEFAULT_POLICY = "rr";

    /** The runtime's configuration, checked as a whole before anything starts. */
    public record Config(String policy, Map<String, String> params, int cores, TimerMode timer, long tickNs,
                         long idleSpinMinNs, long idleSpinMaxNs, boolean stats, boolean pin) {

        /** Reads the {@code skyloft.*} properties; throws IllegalArgumentException naming a bad one. */
        public static Config from(Properties p) {
            // rr, or rr[slice=20us]: parameters in brackets join skyloft.params
            PolicyRegistry.Spec spec = PolicyRegistry.Spec.parse(p.getProperty("skyloft.policy", DEFAULT_POLICY))
                    .with(PolicyRegistry.parseParams(p.getProperty("skyloft.params")), "skyloft.params");
            String policy = spec.name();
            Map<String, String> params = spec.params();
            PolicyRegistry.create(policy, params); // unknown policy, parameter or value: fail here, naming it
            int max = Runtime.getRuntime().availableProcessors();
            int cores = max;
            String c = p.getProperty("skyloft.cores");
            if (c != null) {
                try {
                    cores = Integer.parseInt(c.trim());
                } catch (NumberFormatException e) {
                    cores = -1;
                }
                if (cores < 1 || cores > max) {
                    throw new IllegalArgumentException("skyloft.cores '" + c + "' is not allowed; this machine allows 1.." + max);
                }
            }
            TimerMode timer;
            try {
                timer = TimerMode.parse(p.getProperty("skyloft.timer", TimerMode.POLL.label()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("skyloft.timer: " + e.getMessage());
            }
            String tick = p.getProperty("skyloft.tick");
            long tickNs = tick == null ? 0 : Durations.parseNs("skyloft.tick", tick, 1_000, 100_000_000);
            String spin = p.getProperty("skyloft.idleSpin");
            long[] spinNs = spin == null ? new long[] {SkyloftRuntime.DEFAULT_IDLE_SPIN_NS, SkyloftRuntime.DEFAULT_IDLE_SPIN_MAX_NS}
                    : Durations.parseRangeNs("skyloft.idleSpin", spin, 0, 10_000_000);
            String stats = p.getProperty("skyloft.stats", "false").trim();
            if (!stats.equals("true") && !stats.equals("false")) {
                throw new IllegalArgumentException("skyloft.stats '" + stats + "' is not allowed; expected true or false");
            }
            // Linux gives a new thread the CPU mask of the thread that starts it: with pinned
            // carriers and no agent, a platform thread the application starts from a virtual thread
            // is confined to that carrier's one CPU (docs/ARCHITECTURE.md, "Running an unchanged application").
            String pin = p.getProperty("skyloft.pin", "true").trim();
            if (!pin.equals("true") && !pin.equals("false")) {
                throw new IllegalArgumentException("skyloft.pin '" + pin + "' is not allowed; expected true or false");
            }
            return new Config(policy, params, cores, timer, tickNs, spinNs[0], spinNs[1], stats.equals("true"), pin.equals("true"));
        }

        /** The {@code -D} flags that make {@link #from} read this configuration back. */
        public List<String> systemPropertyFlags() {
            List<String> out = new ArrayList<>();
            out.add("-Dskyloft.policy=" + policy);
            if (!params.isEmpty()) {
                out.add("-Dskyloft.params=" + String.join(",", params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            out.add("-Dskyloft.cores=" + cores);
            out.add("-Dskyloft.timer=" + timer.label());
            if (tickNs > 0) out.add("-Dskyloft.tick=" + exact(tickNs));
            out.add("-Dskyloft.idleSpin=" + exact(idleSpinMinNs) + ".." + exact(idleSpinMaxNs));
            if (stats) out.add("-Dskyloft.stats=true");
            if (!pin) out.add("-Dskyloft.pin=false");
            return out;
        }

        /** {@code ns} with the largest unit that reads back exactly (20us, 5ms; 1234ns stays so). */
        private static String exact(long ns) {
            String f = Durations.format(ns);
            return ns != 0 && Durations.parseNs("", f) == ns ? f : ns + "ns";
        }

        SkyloftRuntime build() {
            SkyloftRuntime.Builder b = SkyloftRuntime.builder().cores(cores).policy(policy, params)
                    .idleSpinNs(idleSpinMinNs, idleSpinMaxNs).pin(pin);
            return (tickNs > 0 ? b.timer(timer, tickNs) : b.timer(timer)).build();
        }
    }

    /** A main method and how to call it. */
    record Entry(Method method, boolean takesArgs) {
        void invoke(Class<?> mainClass, String[] args) throws Throwable {
            try {
                Object target = null;
                if (!Modifier.isStatic(method.getModifiers())) {
                    var ctor = mainClass.getDeclaredConstructor();
                    ctor.setAccessible(true);
                    target = ctor.newInstance();
                }
                if (takesArgs) method.invoke(target, (Object) args);
                else method.invoke(target);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /**
     * The main method of {@code c} as the JDK 25 launcher chooses it: {@code main(String[])}
     * before {@code main()}, declared or inherited, not private; an instance method needs a
     * constructor without parameters that is not private. Throws IllegalArgumentException if
     * there is none.
     */
    static Entry findMain(Class<?> c) {
        Method m = find(c, String[].class);
        boolean takesArgs = m != null;
        if (m == null) m = find(c);
        if (m == null || m.getReturnType() != void.class) {
            throw new IllegalArgumentException("no main method in " + c.getName()
                    + "; expected void main(String[]) or void main(), static or not, anything but private");
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            try {
                if (Modifier.isPrivate(c.getDeclaredConstructor().getModifiers())) throw new NoSuchMethodException();
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("main in " + c.getName()
                        + " is an instance method, and the class has no constructor without parameters that is not private");
            }
            if (Modifier.isAbstract(c.getModifiers())) {
                throw new IllegalArgumentException("main in " + c.getName() + " is an instance method of an abstract class");
            }
        }
        m.setAccessible(true);
        return new Entry(m, takesArgs);
    }

    private static Method find(Class<?> c, Class<?>... params) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                Method m = k.getDeclaredMethod("main", params);
                if (!Modifier.isPrivate(m.getModifiers())) return m;
            } catch (NoSuchMethodException ignored) {
                // try the superclass
            }
        }
        try { // an instance main may also come from a superinterface, as a default method
            Method m = c.getMethod("main", params);
            if (!Modifier.isStatic(m.getModifiers())) return m;
        } catch (NoSuchMethodException ignored) {
            // none
        }
        return null;
    }

    /** The main class named by {@code MODULE/CLASS}, loaded and initialized from the boot layer's module. */
    static Class<?> moduleMainClass(String target) {
        int slash = target.indexOf('/');
        String name = target.substring(0, slash), cls = target.substring(slash + 1);
        Module m = ModuleLayer.boot().findModule(name).orElseThrow(() -> new IllegalArgumentException(
                "module " + name + " is not in the boot layer; put it on the module path (-p) and give --add-modules " + name));
        Class<?> c;
        try {
            c = Class.forName(cls, true, m.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("main class " + cls + " not found in module " + name);
        }
        if (c.getModule() != m) throw new IllegalArgumentException("main class " + cls + " is in " + c.getModule() + ", not in module " + name);
        return c;
    }

    /** How long the poll's slow path is shown to the JIT at start (Poll.primeProfile). */
    static final long PRIME_WINDOW_NS = 30_000_000;

    /** Has Linux send this JVM SIGTERM when {@code skyloft run}, pid {@code parentPid}, ends; exits
     *  at once if it has already ended. */
    private static void terminateWithParent(String parentPid) {
        long pid;
        try {
            pid = Long.parseLong(parentPid);
        } catch (NumberFormatException e) {
            System.err.println("skyloft: " + PARENT_PID + " '" + parentPid + "' is not a process id");
            System.exit(2);
            return;
        }
        String failed = Affinity.terminateWithParent();
        if (failed != null) {
            System.err.println("skyloft: warning: this application will outlive skyloft run if that is killed: " + failed);
        } else if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != pid) {
            System.err.println("skyloft: skyloft run (pid " + pid + ") ended before the application started; not starting it");
            System.exit(1);
        }
    }

    /** Starts a JFR recording to {@code file} with the settings file {@code settings}, written when
     *  the JVM exits (a SIGTERM included); null on success, otherwise why not. */
    private static String startRecording(String file, String settings) {
        if (settings == null) return JFR_SETTINGS + " is not set";
        try {
            var recording = new jdk.jfr.Recording(jdk.jfr.Configuration.create(java.nio.file.Path.of(settings)));
            recording.setName("skyloft");
            recording.setDestination(java.nio.file.Path.of(file));
            recording.setDumpOnExit(true);
            recording.start();
            return null;
        } catch (Exception | LinkageError e) { // java.text.ParseException, IOException, no jdk.jfr module
            return "cannot record to " + file + " with the settings " + settings + ": " + e;
        }
    }

    public static void main(String[] args) throws Throwable {
        boolean moduleMode = args.length > 0 && args[0].equals(MODULE_FLAG);
        if (args.length == 0 || moduleMode && (args.length < 2 || args[1].indexOf('/') <= 0)) {
            System.err.println("skyloft: usage: AppLauncher MAINCLASS [ARGS...] or AppLauncher " + MODULE_FLAG
                    + " MODULE/MAINCLASS [ARGS...] (configured by -Dskyloft.* properties)");
            System.exit(2);
        }
        String parent = System.getProperty(PARENT_PID);
        if (parent != null) terminateWithParent(parent);
        Config config;
        try {
            config = Config.from(System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println("skyloft: " + e.getMessage());
            System.exit(2);
            return;
        }
        String jfrFile = System.getProperty(JFR_FILE);
        if (jfrFile != null) {
            String failed = startRecording(jfrFile, System.getProperty(JFR_SETTINGS));
            if (failed != null) {
                System.err.println("skyloft: --jfr: " + failed);
                System.exit(1);
                return;
            }
        }
        Poll.primeProfile(PRIME_WINDOW_NS); // before any application code runs, so before it is compiled
        SkyloftRuntime rt;
        try {
            rt = config.build();
        } catch (IllegalArgumentException | IllegalStateException e) { // e.g. a JVM flag missing: the message names it
            System.err.println("skyloft: " + e.getMessage());
            System.exit(2);
            return;
        }
        AppThreads.install(rt); // before the main class's static initializer, which may start threads
        String agentJar = System.getProperty(LAUNCHER_AGENT_JAR);
        if (agentJar != null) {
            try {
                loadLauncherAgent(agentJar);
            } catch (Throwable t) {
                System.err.println("skyloft: error loading the Launcher-Agent-Class of " + agentJar + ": " + t);
                System.exit(1);
                return;
            }
        }
        Class<?> mainClass;
        Entry entry;
        try {
            // app/Main as java accepts it, with slashes for dots
            mainClass = moduleMode ? moduleMainClass(args[1]) : Class.forName(args[0].replace('/', '.'), true, ClassLoader.getSystemClassLoader());
            entry = findMain(mainClass);
        } catch (ClassNotFoundException e) {
            System.err.println("skyloft: main class " + args[0] + " not found on the class path "
                    + System.getProperty("java.class.path"));
            System.exit(1);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("skyloft: " + e.getMessage());
            System.exit(1);
            return;
        }
        String[] appArgs = Arrays.copyOfRange(args, moduleMode ? 2 : 1, args.length);
        if (config.stats()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.err.print(rt.stats().format());
                String agent = agentSummary();
                if (agent != null) System.err.println(agent);
            }, "skyloft-stats"));
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Throwable[] failure = new Throwable[1];
        Thread main = rt.start("main", SchedAttr.DEFAULT, () -> {
            try {
                // with the agent's daemon rule, the platform threads this thread starts are non-daemon, as java's main's are
                System.setProperty(THREAD_RULES_MAIN_THREAD, Long.toString(Thread.currentThread().threadId()));
                entry.invoke(mainClass, appArgs);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        main.join();
        // Under the daemon rule main's platform threads keep the JVM alive as under java, and the
        // other virtual threads' are daemons under java too: nothing to warn about.
        List<Thread> stranded = Boolean.getBoolean(THREAD_RULES_ACTIVE) ? List.of() : platformThreadsOfVirtualThreads(before);
        if (!stranded.isEmpty()) {
            System.err.println("skyloft: main returned while " + stranded.size() + " platform thread(s) started from the application's"
                    + " virtual threads still run: " + stranded.stream().map(Thread::getName).toList() + ". A virtual thread's"
                    + " platform threads are daemon threads, and main runs in one here, so the JVM ends now where under java"
                    + " main's own would keep it running. The agent keeps them as java does, but it is off here or could not"
                    + " apply that rule (it says why at start-up); join them in main (docs/PREEMPTION.md, \"Using it\")");
        }
        if (failure[0] != null) throw failure[0]; // the JVM prints it and exits with 1, as under java
    }

    /** The Java agent's one-line summary (classes rewritten, polls, the time rewriting took) when
     *  it runs in this JVM and does not print it itself ({@code verbose}), else null; found by
     *  name, since skyloft-core does not depend on it. */
    static String agentSummary() {
        try {
            Class<?> agent = Class.forName("skyloft.agent.PollAgent", true, ClassLoader.getSystemClassLoader());
            Object config = agent.getMethod("config").invoke(null);
            if (config == null) return null; // on the class path, not started
            if ((Boolean) config.getClass().getMethod("verbose").invoke(config)) return null; // it prints this itself
            Object snapshot = agent.getMethod("stats").invoke(null);
            return (String) snapshot.getClass().getMethod("summary").invoke(snapshot);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Starts the agent that {@code jar}'s manifest names in {@code Launcher-Agent-Class}, on
     *  this thread, as the JDK's launcher does for {@code java -jar}; what the agent throws is thrown. */
    static void loadLauncherAgent(String jar) throws Throwable {
        Method load;
        try {
            load = Class.forName("sun.instrument.InstrumentationImpl", false, null).getMethod("loadAgent", String.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK has no sun.instrument.InstrumentationImpl.loadAgent(String) (" + e + ")");
        }
        try {
            load.invoke(null, jar);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the JVM needs --add-exports java.instrument/sun.instrument=ALL-UNNAMED (" + e.getMessage() + ")");
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Platform threads alive now, not in {@code before}, that a virtual thread made: the JDK puts
     *  those in the group "VirtualThreads", and makes them daemon threads unless told otherwise. */
    static List<Thread> platformThreadsOfVirtualThreads(Set<Thread> before) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ThreadGroup g = t.getThreadGroup();
            if (!before.contains(t) && t.isDaemon() && t.isAlive() && g != null && g.getName().equals("VirtualThreads")) out.add(t);
        }
        return out;
    }
}
