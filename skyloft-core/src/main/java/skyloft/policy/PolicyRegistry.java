package skyloft.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import skyloft.spi.SchedPolicy;

/**
 * Every policy the project ships, by name. {@code --policy NAME} and {@code policy=NAME} in
 * scenarios resolve here; {@code ./skyloft policies} prints {@link #all()}.
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

        /** The spec as written canonically: {@code rr} or {@code rr[slice=20us]}. */
        @Override
        public String toString() {
            if (params.isEmpty()) return name;
            StringJoiner j = new StringJoiner(",", name + "[", "]");
            params.forEach((k, v) -> j.add(k + "=" + v));
            return j.toString();
        }
    }

    /** A registered policy. */
    public record Info(String name, String description, List<Param> params, Function<PolicyParams, SchedPolicy> factory) {}

    private static final Map<String, Info> POLICIES = new LinkedHashMap<>();

    static {
        register(new Info("fifo", "per-CPU FIFO queues, no slices; an idle CPU steals half of a random victim's queue (Skyloft fifo)",
                List.of(), Fifo::new));
        register(new Info("rr", "per-CPU round robin with a time slice; idle CPUs steal half a random victim's queue",
                List.of(new Param("slice", "50us", "time slice, 5us..1s; a task's own slice attribute wins")),
                RoundRobin::new));
        register(new Info("cfs", "Linux CFS (up to 6.5): vruntime order, weights by nice, period from latency/min granularity, wakeup preemption",
                List.of(new Param("latency", "50us", "target period in which every runnable task runs once"),
                        new Param("min_granularity", "12.5us", "shortest slice; the period grows beyond latency/min_granularity tasks"),
                        new Param("wakeup_granularity", "10us", "vruntime lead a woken task needs to preempt")),
                Cfs::new));
        register(new Info("eevdf", "Linux EEVDF (6.6+): earliest eligible virtual deadline first, lag kept across sleep (or paid off asleep, as 6.12), per-task slice",
                List.of(new Param("slice", "12.5us", "base slice; a task's own slice attribute replaces it"),
                        new Param("sleeplag", "keep", "keep: a sleeper keeps its negative lag (Linux 6.6); decay: it is paid off while asleep (6.12's delayed dequeue)")),
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

    /** Looks up a policy or fails with a message listing the known names. */
    public static Info info(String name) {
        Info info = name == null ? null : POLICIES.get(name.trim());
        if (info == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "'; known policies: " + String.join(", ", POLICIES.keySet()));
        }
        return info;
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
        for (String key : params.keySet()) {
            if (info.params().stream().noneMatch(p -> p.matches(key))) {
                List<String> known = info.params().stream().map(Param::name).toList();
                throw new IllegalArgumentException("policy " + info.name() + " has no parameter '" + key + "'; "
                        + (known.isEmpty() ? "it takes none" : "known: " + String.join(", ", known)));
            }
        }
        return info.factory().apply(new PolicyParams(info.name(), params));
    }

    /** Parses {@code "slice=50us,latency=1ms"} into a map (empty text gives an empty map); a name given twice is refused. */
    public static Map<String, String> parseParams(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
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
