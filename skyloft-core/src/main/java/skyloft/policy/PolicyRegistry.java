package skyloft.policy;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import skyloft.spi.PolicyInfo;
import skyloft.spi.SchedPolicy;

/**
 * Every policy the project ships, by name, and any other policy class by its full name.
 * {@code --policy NAME} and {@code policy=NAME} in scenarios resolve here; {@code ./skyloft
 * policies} prints {@link #all()}.
 *
 * <p>A name with a dot in it ({@code com.acme.Lottery}) is a class: loaded through the calling
 * thread's context class loader (the command line points it at {@code --policy-path}), it must
 * extend {@link SchedPolicy} and have a public constructor taking {@link PolicyParams}, or none.
 * A name without one that is not registered is tried as a class of the unnamed package, and
 * taken if it is a policy class.
 * Its {@link PolicyInfo}, if it has one, gives its description and parameters.
 *
 * <p>A name that is none of these is looked up among the short names ({@link PolicyInfo#name()})
 * of the policy classes listed in the context class loader's {@value #SERVICES} files.
 */
public final class PolicyRegistry {

    /** A declared parameter: its name, its default as text, and one line on what it does. A name
     *  ending in {@code .*} (apps' {@code lc.*}) stands for every key with that prefix. */
    public record Param(String name, String defaultValue, String description) {
        /** True if this parameter is a prefix ({@code lc.*}) rather than one name. */
        public boolean isPrefix() {
            return name.endsWith(".*");
        }

        /** True if {@code key} is this parameter, or one with its prefix and something after it. */
        public boolean matches(String key) {
            if (!isPrefix()) return name.equals(key);
            String prefix = name.substring(0, name.length() - 1);
            return key.startsWith(prefix) && key.length() > prefix.length();
        }
    }

    /**
     * A policy named with its parameters, as command lines write it: {@code rr} or
     * {@code rr[slice=20us]} ({@code apps[lc=rr,lc.slice=30us]}). Parsing checks the form only;
     * {@link PolicyRegistry#create(String, Map)} checks the name and the parameters.
     */
    public record Spec(String name, Map<String, String> params) {
        public Spec {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        /** Parses {@code name} or {@code name[k=v,...]}; throws naming the text and the form. */
        public static Spec parse(String text) {
            String t = text.trim();
            int open = t.indexOf('[');
            if (open < 0 && t.indexOf(']') < 0 && !t.isEmpty()) return new Spec(t, Map.of());
            if (open <= 0 || !t.endsWith("]") || t.indexOf('[', open + 1) >= 0 || t.indexOf(']') != t.length() - 1) {
                throw new IllegalArgumentException("'" + text + "' is not of the form NAME or NAME[name=value,...], e.g. rr[slice=20us]");
            }
            try {
                return new Spec(t.substring(0, open).trim(), parseParams(t.substring(open + 1, t.length() - 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
            }
        }

        /** Parses a comma-separated list of specs; commas inside brackets belong to the spec. */
        public static List<Spec> parseList(String text) {
            List<Spec> out = new ArrayList<>();
            int depth = 0, start = 0;
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : 0;
                if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (i == text.length() || (c == ',' && depth == 0)) { // an unclosed bracket: parse refuses the rest
                    String part = text.substring(start, i);
                    if (part.isBlank()) {
                        throw new IllegalArgumentException("empty entry in the policy list '" + text + "'; expected NAME or NAME[name=value,...] entries separated by commas");
                    }
                    out.add(parse(part));
                    start = i + 1;
                }
            }
            return List.copyOf(out);
        }

        /**
         * This spec with the parameters {@code more} added, which {@code source} gave (e.g.
         * {@code --param}); a parameter both give is refused, naming it and both values.
         */
        public Spec with(Map<String, String> more, String source) {
            Map<String, String> all = new LinkedHashMap<>(params);
            for (var e : more.entrySet()) {
                String before = all.putIfAbsent(e.getKey(), e.getValue());
                if (before != null) {
                    throw new IllegalArgumentException("policy parameter '" + e.getKey() + "' is given in " + this + " and in " + source
                            + " (" + e.getKey() + "=" + e.getValue() + "); allowed each parameter once");
                }
            }
            return new Spec(name, all);
        }

        /** The spec as written canonically: {@code rr} or {@code rr[slice=20us]}. */
        @Override
        public String toString() {
            if (params.isEmpty()) return name;
            StringJoiner j = new StringJoiner(",", name + "[", "]");
            params.forEach((k, v) -> j.add(k + "=" + v));
            return j.toString();
        }
    }

    /**
     * A policy: registered, or a class. {@code declared} says {@code params} is the whole list
     * the policy takes, so that a name outside it is refused before the policy is built; a class
     * without {@link PolicyInfo} declares none, and is refused afterwards the names its
     * constructor did not read.
     */
    public record Info(String name, String description, List<Param> params, Function<PolicyParams, SchedPolicy> factory, boolean declared) {
        public Info(String name, String description, List<Param> params, Function<PolicyParams, SchedPolicy> factory) {
            this(name, description, params, factory, true);
        }
    }

    private static final Map<String, Info> POLICIES = new LinkedHashMap<>();

    /** The resource that lists policy classes by their full names, one per line ({@code #} starts
     *  a comment), as {@link java.util.ServiceLoader}'s files do; their short names resolve here. */
    public static final String SERVICES = "META-INF/services/" + SchedPolicy.class.getName();

    /** What a short name of a policy class may be. */
    private static final java.util.regex.Pattern SHORT_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    static {
        register(new Info("fifo", "per-CPU FIFO queues, no slices; an idle CPU steals half of a random victim's queue (Skyloft fifo)",
                List.of(new Param("handoff", "false", "true: a task woken by a CPU's running task goes to the front of that CPU's queue, unless another CPU is idle with nothing queued (jdk-default's and Go's handoff)")),
                Fifo::new));
        register(new Info("rr", "per-CPU round robin with a time slice; idle CPUs steal half a random victim's queue",
                List.of(new Param("slice", "50us", "time slice, 5us..1s; a task's own slice attribute wins")),
                RoundRobin::new));
        register(new Info("cfs", "Linux CFS (up to 6.5): vruntime order, weights by nice, period from latency/min granularity, wakeup preemption",
                List.of(new Param("latency", "50us", "target period in which every runnable task runs once, 1us..1s"),
                        new Param("min_granularity", "12.5us", "shortest slice, 0.5us..1s; the period grows beyond latency/min_granularity tasks"),
                        new Param("wakeup_granularity", "10us", "vruntime lead a woken task needs to preempt, 0..1s")),
                Cfs::new));
        register(new Info("eevdf", "Linux EEVDF (6.6+): earliest eligible virtual deadline first, lag kept across sleep (or paid off asleep, as 6.12), per-task slice",
                List.of(new Param("slice", "12.5us", "base slice, 1us..1s; a task's own slice attribute replaces it"),
                        new Param("sleeplag", "keep", "keep: a sleeper keeps its negative lag (Linux 6.6); decay: it is paid off while asleep (6.12's delayed dequeue)"),
                        new Param("wakeup", "pick", "pick: a woken task that would be the pick preempts at once; parity: not before the running task used the slice it was picked with (Linux 6.6's RUN_TO_PARITY); parity_short: as parity, but a shorter slice still preempts (6.12's PREEMPT_SHORT)")),
                Eevdf::new));
        register(new Info("o1", "Linux 2.6 O(1): 140 priorities, active/expired arrays with a bitmap, slices by nice, interactivity bonus (us scale)",
                List.of(), O1::new));
        register(new Info("ws", "work stealing with enforced slices (Skyloft): per-CPU FIFO, idle CPUs steal half a random victim's queue",
                List.of(new Param("slice", "5us", "time slice, 1us..1s; a task's own slice attribute wins")),
                WorkStealing::new));
        register(new Info("shinjuku", "Shinjuku-style single global FCFS queue with a preemption quantum (processor sharing), no dispatcher core",
                List.of(new Param("quantum", "10us", "preemption quantum, 1us..1s; a task's own slice attribute wins")),
                Shinjuku::new));
        register(new Info("deadline", "SCHED_DEADLINE: EDF over constant bandwidth servers (runtime/deadline/period), throttling, admission control",
                List.of(new Param("placement", "global", "global (one EDF queue) or partitioned (first fit decreasing by bandwidth)"),
                        new Param("cap", "0.95", "admitted bandwidth per CPU, 0.01..1 (Linux: 950000/1000000)"),
                        new Param("admission", "on", "on: refuse what exceeds the cap; off: admit everything")),
                Deadline::new));
        register(new Info("rm", "rate-monotonic fixed priorities by period, partitioned; admission by Liu & Layland then response-time analysis",
                List.of(new Param("admission", "on", "on: refuse sets that fail both tests; off: admit everything")),
                RateMonotonic::new));
        register(new Info("goodness", "Linux 2.4 O(n) baseline: one global queue scanned for the best goodness (counter + 20 - nice)",
                List.of(), Goodness::new));
        register(new Info("apps", "latency-critical and best-effort applications sharing the cores: each class under its own policy, LC first and preempting BE at once",
                List.of(new Param("lc", Apps.DEFAULT_LC, "policy of the latency-critical class (any but deadline, rm, apps)"),
                        new Param("be", Apps.DEFAULT_BE, "policy of the best-effort class (any but deadline, rm, apps)"),
                        new Param("be_apps", Apps.DEFAULT_BE_APPS, "best-effort application names, joined by +; every other app is latency-critical"),
                        new Param("be_min", "0", "BE's floor, 0 to 0.5: its share of each CPU while LC work would take it all (0: none, BE may starve)"),
                        new Param("be_quantum", "100us", "a BE turn under the floor, 5us..100ms (LC work waits up to this long)"),
                        new Param("be_cpus", "all", "CPUs BE tasks may run on (isolation): all, or CPUs and ranges joined by +, e.g. 0-3+8; the others never run BE work"),
                        new Param("lc_cpus", "all", "CPUs LC tasks may run on, as be_cpus; all: LC also preempts BE on be_cpus (be_cpus=0,lc_cpus=1: a strict partition)"),
                        new Param("lc_return", "off", "on: an LC task running on a BE CPU moves to a CPU kept from BE that falls idle while BE work waits (more for BE, less idle LC capacity)"),
                        new Param("lc.*", "", "a parameter of the lc policy, e.g. lc.slice=30us"),
                        new Param("be.*", "", "a parameter of the be policy, e.g. be.latency=1ms")),
                Apps::new));
    }

    private PolicyRegistry() {}

    private static void register(Info info) {
        POLICIES.put(info.name(), info);
    }

    /** All policies in registration order. */
    public static List<Info> all() {
        return Collections.unmodifiableList(new ArrayList<>(POLICIES.values()));
    }

    /** Names of all policies, in registration order. */
    public static List<String> names() {
        return List.copyOf(POLICIES.keySet());
    }

    /** Looks up a registered policy, or loads a policy class by its full name; fails with a
     *  message listing the known names, or saying what is wrong with the class. */
    public static Info info(String name) {
        Info info = name == null ? null : POLICIES.get(name.trim());
        if (info != null) return info;
        if (name != null && isClassName(name.trim())) return classInfo(name.trim());
        // a policy class in the unnamed package (a quick Stride.java with no package line)
        if (name != null && isClassName("x." + name.trim()) && isPolicyClass(name.trim())) return classInfo(name.trim());
        Map<String, List<String>> named = name == null ? Map.of() : namedClasses();
        List<String> classes = name == null ? null : named.get(name.trim());
        if (classes != null && classes.size() > 1) {
            throw new IllegalArgumentException("policy name '" + name.trim() + "' is the short name of " + classes.size()
                    + " policy classes (" + String.join(", ", classes) + "); name one by its full name");
        }
        if (classes != null) {
            Info c = classInfo(classes.getFirst());
            return new Info(name.trim(), c.description(), c.params(), c.factory(), c.declared());
        }
        List<String> known = new ArrayList<>(POLICIES.keySet());
        known.addAll(named.keySet());
        String near = name == null ? null : nearest(name.trim(), known);
        throw new IllegalArgumentException("unknown policy '" + name + "'; known policies: " + String.join(", ", POLICIES.keySet())
                + (named.isEmpty() ? "" : ", " + String.join(", ", named.keySet()) + " (policy classes)")
                + "; a policy class goes by its full name (com.acme.MyPolicy) or by the short name its @PolicyInfo gives it"
                + " once " + SERVICES + " lists it (--policy-path writes that file)"
                + (near == null ? "" : "; did you mean '" + near + "'?"));
    }

    /** The one name in {@code known} within two edits of {@code name} (letter case ignored), or
     *  null if there is none or more than one at the smallest distance. */
    static String nearest(String name, List<String> known) {
        String best = null;
        int bestD = 3;
        boolean tie = false;
        for (String k : known) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestD) { best = k; bestD = d; tie = false; }
            else if (d == bestD) tie = true;
        }
        return tie || name.isEmpty() ? null : best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The full name of the policy class {@code name} stands for (its full name, or its short
     * name), or null for a registered policy; throws as {@link #info} does for a name that is
     * neither.
     */
    public static String className(String name) {
        String n = name == null ? null : name.trim();
        if (n != null && POLICIES.containsKey(n)) return null;
        if (n != null && (isClassName(n) || isClassName("x." + n) && isPolicyClass(n))) return n;
        info(name); // an unknown name fails here, naming the known ones
        return namedClasses().get(n).getFirst();
    }

    /**
     * The short names of the policy classes listed in the context class loader's
     * {@value #SERVICES} files, each with the classes that take it (more than one is an
     * ambiguity, refused when the name is used), in the order of the files. A listed class that
     * does not load, is no policy, or has no short name is passed over; a listed class
     * whose short name is not allowed fails, naming it.
     */
    public static Map<String, List<String>> namedClasses() {
        ClassLoader loader = contextLoader();
        Map<String, List<String>> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String className : listedClasses(loader)) {
            if (!seen.add(className)) continue; // listed by two files (a jar's own, and the one --policy-path wrote)
            Class<?> c;
            try {
                c = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (!SchedPolicy.class.isAssignableFrom(c)) continue;
            String shortName = shortName(c);
            if (shortName != null) out.computeIfAbsent(shortName, k -> new ArrayList<>()).add(className);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    /** The class names in {@code loader}'s {@value #SERVICES} files, in order, duplicates kept. */
    private static List<String> listedClasses(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        try {
            for (java.net.URL url : Collections.list(loader.getResources(SERVICES))) {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(url.openStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        int hash = line.indexOf('#');
                        String n = (hash >= 0 ? line.substring(0, hash) : line).strip();
                        if (!n.isEmpty()) names.add(n);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading " + SERVICES + " from the class path: " + e.getMessage(), e);
        }
        return names;
    }

    /** The short name {@code c}'s {@link PolicyInfo} gives, or null if none; throws if it is not allowed. */
    private static String shortName(Class<?> c) {
        PolicyInfo doc = c.getAnnotation(PolicyInfo.class);
        if (doc == null || doc.name().isEmpty()) return null;
        String n = doc.name();
        if (!SHORT_NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("policy class '" + c.getName() + "' has the short name '" + n
                    + "' (@" + PolicyInfo.class.getSimpleName() + "); allowed: a letter, then letters, digits, '_' or '-'");
        }
        if (POLICIES.containsKey(n)) {
            throw new IllegalArgumentException("policy class '" + c.getName() + "' has the short name '" + n
                    + "' (@" + PolicyInfo.class.getSimpleName() + "), which a registered policy has; registered: "
                    + String.join(", ", POLICIES.keySet()));
        }
        return n;
    }

    /** True if {@code name} names a registered policy, has the form of a class's full name, is a
     *  policy class in the unnamed package, or is a listed policy class's short name. */
    public static boolean isPolicyName(String name) {
        if (name == null) return false;
        String n = name.trim();
        return POLICIES.containsKey(n) || isClassName(n) || isClassName("x." + n) && isPolicyClass(n)
                || SHORT_NAME.matcher(n).matches() && namedClasses().containsKey(n);
    }

    /** A dotted Java name, {@code com.acme.Lottery} or {@code com.acme.Policies$Lottery}. */
    static boolean isClassName(String name) {
        if (name.indexOf('.') < 0) return false;
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) return false;
            for (int i = 1; i < part.length(); i++) if (!Character.isJavaIdentifierPart(part.charAt(i))) return false;
        }
        return true;
    }

    /** True if {@code className} loads, through the context class loader, as a policy class. */
    private static boolean isPolicyClass(String className) {
        try {
            return SchedPolicy.class.isAssignableFrom(Class.forName(className, false, contextLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : PolicyRegistry.class.getClassLoader();
    }

    /** The class policy {@code className}, through the current thread's context class loader. */
    private static Info classInfo(String className) {
        ClassLoader loader = contextLoader();
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("policy class '" + className + "' is not on the class path (a policy's jar or "
                    + "classes directory goes on --policy-path); known policies: " + String.join(", ", POLICIES.keySet()));
        } catch (LinkageError e) {
            throw new IllegalArgumentException("policy class '" + className + "' cannot be loaded: " + e);
        }
        if (!SchedPolicy.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("class '" + className + "' is not a policy: it does not extend " + SchedPolicy.class.getName());
        }
        if (Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
            throw new IllegalArgumentException("policy class '" + className + "' must be public and not abstract");
        }
        Constructor<?> withParams = publicConstructor(c, PolicyParams.class), plain = publicConstructor(c);
        if (withParams == null && plain == null) {
            throw new IllegalArgumentException("policy class '" + className + "' needs a public constructor taking "
                    + PolicyParams.class.getName() + ", or one taking nothing");
        }
        shortName(c); // a short name not allowed fails, however the class is named
        PolicyInfo doc = c.getAnnotation(PolicyInfo.class);
        List<Param> params = doc == null ? List.of()
                : Arrays.stream(doc.params()).map(p -> new Param(p.name(), p.defaultValue(), p.description())).toList();
        String description = doc != null ? doc.description() : "policy class " + className + " (no @" + PolicyInfo.class.getSimpleName() + ")";
        Function<PolicyParams, SchedPolicy> factory = p -> {
            try {
                return (SchedPolicy) (withParams != null ? withParams.newInstance(p) : plain.newInstance());
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) throw r; // a refused value: the policy's own words
                throw new IllegalArgumentException("policy class '" + className + "' failed to build: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException | ExceptionInInitializerError e) {
                throw new IllegalArgumentException("policy class '" + className + "' cannot be built: " + e, e);
            }
        };
        return new Info(className, description, params, factory, doc != null);
    }

    private static Constructor<?> publicConstructor(Class<?> c, Class<?>... types) {
        try {
            return c.getConstructor(types);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** A new instance with default parameters. */
    public static SchedPolicy create(String name) {
        return create(name, Map.of());
    }

    /**
     * A new instance of {@code name} with {@code params}; refuses parameter names the policy
     * does not declare, and values its getters reject.
     */
    public static SchedPolicy create(String name, Map<String, String> params) {
        Info info = info(name);
        for (String key : info.declared() ? params.keySet() : List.<String>of()) {
            if (info.params().stream().noneMatch(p -> p.matches(key))) {
                List<String> known = info.params().stream().map(Param::name).toList();
                throw new IllegalArgumentException("policy " + info.name() + " has no parameter '" + key + "'; "
                        + (known.isEmpty() ? "it takes none" : "known: " + String.join(", ", known)));
            }
        }
        PolicyParams given = new PolicyParams(info.name(), params);
        SchedPolicy policy = info.factory().apply(given);
        if (policy == null) throw new IllegalArgumentException("policy " + info.name() + " was built as null");
        List<String> unread = given.unread();
        if (!info.declared() && !unread.isEmpty()) {
            throw new IllegalArgumentException("policy " + info.name() + " did not read the parameter '" + unread.getFirst()
                    + "' it was given; it takes only the parameters its constructor reads (@"
                    + PolicyInfo.class.getSimpleName() + " lists them)");
        }
        return policy;
    }

    /** Parses {@code "slice=50us,latency=1ms"} into a map (empty text gives an empty map); a name given twice is refused. */
    public static Map<String, String> parseParams(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("policy parameters '" + text + "' have an empty entry; expected name=value entries separated by commas, e.g. slice=50us");
            }
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("policy parameter '" + part.trim() + "' is not of the form name=value, e.g. slice=50us");
            }
            String key = part.substring(0, eq).trim(), value = part.substring(eq + 1).trim();
            String before = out.putIfAbsent(key, value);
            if (before != null) {
                throw new IllegalArgumentException("policy parameter '" + key + "' is given twice (" + before + " and " + value + "); allowed each parameter once");
            }
        }
        return out;
    }
}
