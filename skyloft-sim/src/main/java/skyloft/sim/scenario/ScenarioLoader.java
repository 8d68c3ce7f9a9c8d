package skyloft.sim.scenario;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import skyloft.policy.PolicyRegistry;
import skyloft.sim.CostModel;
import skyloft.sim.Dist;
import skyloft.sim.HogWorkload;
import skyloft.sim.PeriodicWorkload;
import skyloft.sim.PhasesWorkload;
import skyloft.sim.PoissonWorkload;
import skyloft.sim.Workload;
import skyloft.spi.SchedAttr;
import skyloft.util.Durations;

/**
 * Reads scenario files (YAML; JSON is YAML too) into {@link Scenario}s, strictly: unknown keys,
 * missing fields, values without units and out-of-range numbers are refused with a
 * {@link ScenarioException} that names the file, the field (as a path such as
 * {@code tasks[1] (t2).period}), the value, and what is allowed. The format is documented in
 * docs/SCENARIOS.md.
 */
public final class ScenarioLoader {

    private static final Set<String> TOP_KEYS = Set.of("name", "description", "cpus", "duration", "seed", "tick", "policy", "params", "costs", "tasks");
    private static final Set<String> COST_KEYS = Set.copyOf(Scenario.COST_NAMES);
    private static final Set<String> COMMON_TASK_KEYS = Set.of("name", "type", "nice", "slice", "app", "offset", "runtime", "deadline", "period");
    private static final Map<String, Set<String>> TYPE_KEYS = Map.of(
            "periodic", Set.of("exec", "count"),
            "poisson", Set.of("rate", "load", "service", "workers"),
            "hog", Set.of("count"),
            "phases", Set.of("run", "sleep", "count"));
    static final int MAX_CPUS = 1024;
    private static final int MAX_COUNT = 100_000;
    public static final long DEFAULT_TICK_NS = 10_000;
    /** The longest duration a file gives (the run, periods, offsets, service times...): 1 h of
     *  virtual time, far below where the clock would overflow. */
    public static final long MAX_DURATION_NS = 3_600_000_000_000L;
    /** The tick's range, as the runtime's {@code --tick}. */
    private static final long MIN_TICK_NS = 1_000, MAX_TICK_NS = 100_000_000;
    /** The most a stream may load the CPUs, given as {@code load} or implied by {@code rate}. */
    static final double MAX_LOAD = 10.0;
    private static final Pattern RATE = Pattern.compile("([0-9]*\\.?[0-9]+(?:[eE][0-9]+)?)\\s*([kKMG]?)\\s*/\\s*(s|ms|us)");

    private final String file;

    private ScenarioLoader(String file) {
        this.file = file;
    }

    /** Loads {@code path}. */
    public static Scenario load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(path + ": the scenario file does not exist", e);
        } catch (CharacterCodingException e) {
            throw new ScenarioException(path + ": the file is not UTF-8 text; expected a scenario file (YAML)", e);
        } catch (IOException e) {
            String why = Files.isDirectory(path) ? "it is a directory" : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new ScenarioException(path + ": cannot read the scenario file: " + why, e);
        }
        String base = path.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        return parse(path.toString(), base, text);
    }

    /** Parses {@code text}; {@code file} names it in errors, {@code defaultName} is used if it has no name. */
    public static Scenario parse(String file, String defaultName, String text) {
        return new ScenarioLoader(file).scenario(defaultName, text);
    }

    private ScenarioException error(String field, Object value, String problem) {
        return new ScenarioException(file + ": " + field + ": " + show(value) + " " + problem);
    }

    private static String show(Object v) {
        if (v == null) return "(missing)";
        if (v instanceof String s) return "'" + s + "'";
        return String.valueOf(v);
    }

    /** The scalars of the top level and of each task entry as written, for names that YAML
     *  would read as numbers or booleans ({@code 010}, {@code 1.50}, {@code on}). */
    private Map<String, String> topText = Map.of();
    private List<Map<String, String>> taskText = List.of();

    private Scenario scenario(String defaultName, String text) {
        Object root;
        try (Reader r = new StringReader(text)) {
            LoaderOptions opts = new LoaderOptions();
            opts.setAllowDuplicateKeys(false);
            Yaml yaml = new Yaml(new SafeConstructor(opts));
            root = yaml.load(r);
            scalarTexts(yaml.compose(new StringReader(text)));
        } catch (YAMLException | IOException e) {
            throw new ScenarioException(file + ": not a valid YAML file: " + e.getMessage().replace('\n', ' '), e);
        }
        Map<String, Object> top = map("(top level)", root);
        checkKeys("(top level)", top, TOP_KEYS);
        String name = top.containsKey("name") ? text("name", top.get("name"), topText.get("name")) : defaultName;
        int cpus = (int) integer("cpus", top.getOrDefault("cpus", 1), 1, MAX_CPUS);
        if (!top.containsKey("duration")) throw error("duration", null, "is required; allowed a duration with a unit, e.g. 20ms or 1s");
        long durationNs = duration("duration", top.get("duration"), 1, MAX_DURATION_NS, "a positive duration up to 3600s, e.g. 20ms or 1s");
        long seed = integer("seed", top.getOrDefault("seed", 1), Long.MIN_VALUE, Long.MAX_VALUE);
        long tickNs = top.containsKey("tick")
                ? duration("tick", top.get("tick"), 0, MAX_TICK_NS, "0 (no ticks) or 1us to 100ms, as the runtime's --tick") : DEFAULT_TICK_NS;
        if (tickNs != 0 && tickNs < MIN_TICK_NS) {
            throw error("tick", top.get("tick"), "is out of range; allowed 0 (no ticks) or 1us to 100ms, as the runtime's --tick");
        }
        String policyText = top.containsKey("policy") ? text("policy", top.get("policy"), topText.get("policy")) : "fifo";
        Map<String, String> fileParams = new LinkedHashMap<>();
        if (top.containsKey("params") && top.get("params") != null) {
            for (var e : map("params", top.get("params")).entrySet()) fileParams.put(e.getKey(), scalar("params." + e.getKey(), e.getValue()));
        }
        // policy: rr, or rr[slice=20us] with its parameters in brackets, which join params:
        PolicyRegistry.Spec spec;
        try {
            spec = PolicyRegistry.Spec.parse(policyText).with(fileParams, "params:");
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(file + ": policy: " + e.getMessage());
        }
        String policy = spec.name();
        Map<String, String> params = new LinkedHashMap<>(spec.params());
        CostModel costs = CostModel.ZERO;
        if (top.containsKey("costs") && top.get("costs") != null) {
            Map<String, Object> c = map("costs", top.get("costs"));
            checkKeys("costs", c, COST_KEYS);
            Map<String, String> given = new LinkedHashMap<>();
            for (String k : Scenario.COST_NAMES) {
                Object v = c.get(k);
                if (v == null && !c.containsKey(k)) continue;
                if (v instanceof Number n && n.doubleValue() == 0) v = "0";
                if (!(v instanceof String d)) {
                    throw error("costs." + k, v, k.equals("idle_spin")
                            ? "is not an idle spin; allowed a duration, e.g. 20us, or a range MIN..MAX, e.g. 20us..5ms"
                            : "is not a duration; allowed a number with a unit ns, us, ms or s, e.g. 500us, 2ms, 1s");
                }
                given.put(k, d);
            }
            costs = Scenario.layCosts(CostModel.ZERO, given, file, "costs.");
        }
        Object tasksObj = top.get("tasks");
        if (!(tasksObj instanceof List<?> list) || list.isEmpty()) {
            throw error("tasks", tasksObj, "is not a list of tasks; allowed a non-empty list, each with a name and a type ("
                    + String.join(", ", TYPE_KEYS.keySet().stream().sorted().toList()) + ")");
        }
        List<Scenario.TaskSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Scenario.TaskSpec s = task(i, list.get(i), cpus);
            if (!names.add(s.name())) throw error("tasks[" + i + "].name", s.name(), "is used twice; allowed unique names");
            specs.add(s);
        }
        return new Scenario(file, name, cpus, durationNs, seed, tickNs, policy, params, costs, specs);
    }

    private Scenario.TaskSpec task(int index, Object obj, int cpus) {
        String at = "tasks[" + index + "]";
        Map<String, Object> m = map(at, obj);
        if (!m.containsKey("name")) throw error(at + ".name", null, "is required; allowed a name made of letters, digits, '-', '_' and '.'");
        Map<String, String> written = index < taskText.size() ? taskText.get(index) : Map.of();
        String name = text(at + ".name", m.get("name"), written.get("name"));
        if (!name.matches("[A-Za-z0-9_.-]+")) throw error(at + ".name", name, "is not allowed; allowed letters, digits, '-', '_' and '.' ('#' is kept for replicas)");
        at = at + " (" + name + ")";
        String type = m.containsKey("type") ? string(at + ".type", m.get("type")) : null;
        if (type == null || !TYPE_KEYS.containsKey(type)) {
            throw error(at + ".type", type, "is not a task type; allowed " + String.join(", ", TYPE_KEYS.keySet().stream().sorted().toList()));
        }
        Set<String> allowed = new HashSet<>(COMMON_TASK_KEYS);
        allowed.addAll(TYPE_KEYS.get(type));
        checkKeys(at, m, allowed);
        final String f = at;
        int nice = (int) integer(f + ".nice", m.getOrDefault("nice", 0), SchedAttr.MIN_NICE, SchedAttr.MAX_NICE);
        long sliceNs = m.containsKey("slice") ? duration(f + ".slice", m.get("slice")) : 0;
        String app = m.containsKey("app") ? text(f + ".app", m.get("app"), written.get("app")) : SchedAttr.DEFAULT_APP;
        long offsetNs = m.containsKey("offset") ? duration(f + ".offset", m.get("offset")) : 0;
        long runtimeNs = m.containsKey("runtime") ? duration(f + ".runtime", m.get("runtime")) : 0;
        long deadlineNs = m.containsKey("deadline") ? duration(f + ".deadline", m.get("deadline")) : 0;
        long periodNs = m.containsKey("period") ? duration(f + ".period", m.get("period")) : 0;
        int count = (int) integer(f + ".count", m.getOrDefault("count", 1), 1, MAX_COUNT);
        if ("periodic".equals(type)) {
            if (runtimeNs == 0) throw error(f + ".runtime", m.get("runtime"), required(m, "runtime") + "; allowed a positive duration, e.g. 2ms");
            if (periodNs == 0) throw error(f + ".period", m.get("period"), required(m, "period") + "; allowed a positive duration, e.g. 5ms");
        }
        SchedAttr attr;
        try {
            attr = new SchedAttr(nice, sliceNs, runtimeNs, deadlineNs, periodNs, app);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(file + ": " + f + ": " + e.getMessage(), e);
        }
        return switch (type) {
            case "periodic" -> {
                long execNs = m.containsKey("exec") ? duration(f + ".exec", m.get("exec")) : 0;
                if (m.containsKey("exec") && execNs <= 0) {
                    throw error(f + ".exec", m.get("exec"), "must be positive; allowed the CPU each job needs, e.g. 500us (default: the runtime)");
                }
                yield new Scenario.TaskSpec(name, type, app, offsetNs, n -> new PeriodicWorkload(name, attr, offsetNs, execNs, count));
            }
            case "hog" -> new Scenario.TaskSpec(name, type, app, offsetNs, n -> new HogWorkload(name, attr, offsetNs, count));
            case "phases" -> {
                if (!m.containsKey("run")) throw error(f + ".run", null, "is required for a phases task; allowed a duration or a distribution");
                if (!m.containsKey("sleep")) throw error(f + ".sleep", null, "is required for a phases task; allowed a duration or a distribution");
                Dist run = dist(f + ".run", m.get("run"));
                Dist sleep = dist(f + ".sleep", m.get("sleep"));
                yield new Scenario.TaskSpec(name, type, app, offsetNs, n -> new PhasesWorkload(name, attr, run, sleep, offsetNs, count));
            }
            case "poisson" -> {
                if (!m.containsKey("service")) throw error(f + ".service", null, "is required for a poisson stream; allowed a duration or a distribution");
                Dist service = dist(f + ".service", m.get("service"));
                boolean hasRate = m.containsKey("rate"), hasLoad = m.containsKey("load");
                if (hasRate == hasLoad) throw error(f + ".rate", m.get("rate"), "and load: give exactly one; allowed rate: 100k/s or load: 0.7");
                double rate = hasRate ? rate(f + ".rate", m.get("rate")) : 0;
                double load = hasLoad ? decimal(f + ".load", m.get("load"), 1e-6, MAX_LOAD) : 0;
                double rateCpus = hasRate ? rate * service.meanNs() / 1e9 : 0;
                if (rateCpus > MAX_LOAD * cpus) {
                    throw error(f + ".rate", m.get("rate"), "with a mean service of " + Durations.format(Math.round(service.meanNs()))
                            + " is a load of " + load(rateCpus / cpus) + " on " + cpus + " CPU" + (cpus == 1 ? "" : "s")
                            + "; allowed at most " + load(MAX_LOAD) + ", as for load");
                }
                int workers = m.containsKey("workers") ? (int) integer(f + ".workers", m.get("workers"), 1, MAX_COUNT) : 0;
                // a load is a share of however many CPUs the run has (the file's, or --cpus)
                DoubleFunction<IntFunction<Workload>> atLoad = l -> n -> new PoissonWorkload(name, attr, l * n * 1e9 / service.meanNs(), service, offsetNs, workers);
                yield new Scenario.TaskSpec(name, type, app, offsetNs, hasRate ? n -> new PoissonWorkload(name, attr, rate, service, offsetNs, workers) : atLoad.apply(load),
                        rateCpus, load, atLoad);
            }
            default -> throw new IllegalStateException(type);
        };
    }

    /** Why a periodic task's {@code key} of 0 is refused: missing, or given as 0. */
    private static String required(Map<String, Object> task, String key) {
        return task.containsKey(key) ? "must be positive for a periodic task" : "is required for a periodic task";
    }

    // ------------------------------------------------------------ typed values

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(String field, Object v) {
        if (!(v instanceof Map<?, ?> m)) throw error(field, v, "is not a mapping; allowed key: value pairs");
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) throw error(field, k, "is not allowed as a key; allowed text keys");
        }
        return (Map<String, Object>) m;
    }

    private void checkKeys(String field, Map<String, Object> m, Set<String> allowed) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw error(field + "." + k, k, "is not a known field; allowed " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    /** Fills {@link #topText} and {@link #taskText} from the document's node tree. */
    private void scalarTexts(Node root) {
        if (!(root instanceof MappingNode top)) return;
        topText = scalars(top);
        for (NodeTuple t : top.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("tasks") && t.getValueNode() instanceof SequenceNode seq) {
                List<Map<String, String>> out = new ArrayList<>();
                for (Node n : seq.getValue()) out.add(n instanceof MappingNode m ? scalars(m) : Map.of());
                taskText = out;
            }
        }
    }

    /** A mapping's scalar values as written, by key. */
    private static Map<String, String> scalars(MappingNode m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) out.put(k.getValue(), v.getValue());
        }
        return out;
    }

    /** Text such as a name: as written ({@code written}) where YAML read a number or a boolean. */
    private String text(String field, Object v, String written) {
        if ((v instanceof Number || v instanceof Boolean) && written != null && !written.isBlank()) return written.trim();
        return string(field, v);
    }

    private String string(String field, Object v) {
        if (v instanceof String s && !s.isBlank()) return printable(field, s.trim());
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw error(field, v, "is not text; allowed a non-empty string");
    }

    /**
     * {@code s} if every character can go into the outputs (table, JSON, SVG, trace): no control
     * character, unpaired surrogate or noncharacter (U+FFFE, which XML refuses; YAML's escapes
     * can write them all). Refused naming the first, with the value escaped.
     */
    private String printable(String field, String s) {
        int bad = s.codePoints().filter(ScenarioLoader::unprintable).findFirst().orElse(-1);
        if (bad < 0) return s;
        StringBuilder shown = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (unprintable(c)) shown.append(String.format(Locale.ROOT, "\\u%04X", c));
            else shown.appendCodePoint(c);
        });
        throw error(field, shown.toString(), String.format(Locale.ROOT, "is not printable text (U+%04X); "
                + "allowed text without control characters, unpaired surrogates or noncharacters", bad));
    }

    /** A control character, an unpaired surrogate (as codePoints gives it) or a noncharacter. */
    private static boolean unprintable(int c) {
        return Character.isISOControl(c) || (c >= 0xD800 && c <= 0xDFFF) || (c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF);
    }

    /** Policy parameter values: text as written; YAML's booleans (on/off/yes/no/true/false) become on/off. */
    private String scalar(String field, Object v) {
        if (v instanceof Boolean b) return b ? "on" : "off";
        if (v instanceof String || v instanceof Number) return String.valueOf(v).trim();
        throw error(field, v, "is not a single value; allowed text, a number, or on/off");
    }

    private long integer(String field, Object v, long min, long max) {
        long x;
        if (v instanceof Integer || v instanceof Long) {
            x = ((Number) v).longValue();
        } else if (v instanceof BigInteger) { // YAML's integers beyond 64 bits
            throw error(field, v, "is out of range; allowed " + range(min, max));
        } else {
            throw error(field, v, "is not an integer; allowed " + range(min, max));
        }
        if (x < min || x > max) throw error(field, v, "is out of range; allowed " + range(min, max));
        return x;
    }

    /** A load with three significant digits, no trailing zeros: 50, 12.5, 0.333. */
    static String load(double x) {
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String range(long min, long max) {
        if (min == Long.MIN_VALUE) return "a 64-bit integer, " + min + ".." + max;
        return "an integer " + min + ".." + max;
    }

    private double decimal(String field, Object v, double min, double max) {
        if (!(v instanceof Number n)) throw error(field, v, "is not a number; allowed " + plain(min) + " to " + plain(max));
        double x = n.doubleValue();
        if (!(x >= min && x <= max)) throw error(field, v, "is out of range; allowed " + plain(min) + " to " + plain(max));
        return x;
    }

    /** A bound as a reader writes it: 0.000001, 10, 0.5 (not 1.0E-6, 10.0). */
    private static String plain(double x) {
        return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    /** A duration with a unit (a bare 0 allowed) in {@code minNs..maxNs}; refused out of it
     *  with {@code allowed}, which says what the field takes. */
    private long duration(String field, Object v, long minNs, long maxNs, String allowed) {
        long ns;
        if (v instanceof Number n && n.doubleValue() == 0) {
            ns = 0;
        } else if (v instanceof String s) {
            try {
                ns = Durations.parseNs(file + ": " + field, s, Long.MIN_VALUE, Long.MAX_VALUE);
            } catch (IllegalArgumentException e) {
                throw new ScenarioException(e.getMessage(), e);
            }
        } else {
            throw error(field, v, "is not a duration; allowed a number with a unit ns, us, ms or s: " + allowed);
        }
        if (ns < minNs || ns > maxNs) throw error(field, v, "is out of range; allowed " + allowed);
        return ns;
    }

    /** A duration with a unit; a bare 0 is allowed. */
    private long duration(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() == 0) return 0;
        if (!(v instanceof String s)) {
            throw error(field, v, "is not a duration; allowed a number with a unit ns, us, ms or s, e.g. 500us, 2ms, 1s");
        }
        try {
            return Durations.parseNs(file + ": " + field, s, 0, MAX_DURATION_NS);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(e.getMessage(), e);
        }
    }

    /** A rate such as {@code 100k/s}, {@code 2.5M/s}, {@code 500/ms}; returns per second. */
    private double rate(String field, Object v) {
        String allowed = "allowed a number with an optional k, M or G and a per-unit /s, /ms or /us, e.g. 100k/s";
        if (!(v instanceof String s)) throw error(field, v, "is not a rate; " + allowed);
        Matcher mt = RATE.matcher(s.trim());
        if (!mt.matches()) throw error(field, v, "is not a rate; " + allowed);
        double x = Double.parseDouble(mt.group(1));
        x *= switch (mt.group(2)) {
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            default -> 1;
        };
        x *= switch (mt.group(3)) {
            case "ms" -> 1e3;
            case "us" -> 1e6;
            default -> 1;
        };
        if (!(x > 0) || x > 1e10) throw error(field, v, "is out of range; allowed more than 0 and at most 10G/s");
        return x;
    }

    /**
     * A distribution: a duration (fixed), or one of {@code {fixed: D}}, {@code {exp: MEAN}},
     * {@code {lognormal: {mean: D, sigma: S}}}, {@code {mix: [{p: P, value: DIST}, ...]}},
     * {@code {bimodal: [...two entries...]}}.
     */
    private Dist dist(String field, Object v) {
        String allowed = "allowed a duration (fixed), {exp: MEAN}, {fixed: D}, {lognormal: {mean: D, sigma: S}}, "
                + "{mix: [{p: P, value: DIST}, ...]} or {bimodal: [two such entries]}";
        if (v instanceof String || v instanceof Number) {
            long ns = duration(field, v);
            if (ns <= 0) throw error(field, v, "must be positive; " + allowed);
            return new Dist.Fixed(ns);
        }
        if (!(v instanceof Map<?, ?>)) throw error(field, v, "is not a distribution; " + allowed);
        Map<String, Object> m = map(field, v);
        if (m.size() != 1) throw error(field, m.keySet(), "must have exactly one kind; " + allowed);
        String kind = m.keySet().iterator().next();
        Object arg = m.get(kind);
        String f = field + "." + kind;
        String lower = kind.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "fixed" -> dist(f, arg instanceof Map<?, ?> ? null : arg);
            case "exp", "exponential" -> {
                long mean = duration(f, arg);
                if (mean <= 0) throw error(f, arg, "must be positive; allowed a mean duration, e.g. 10us");
                yield new Dist.Exponential(mean);
            }
            case "lognormal" -> {
                Map<String, Object> p = map(f, arg);
                checkKeys(f, p, Set.of("mean", "sigma"));
                long mean = duration(f + ".mean", p.get("mean"));
                if (mean <= 0) throw error(f + ".mean", p.get("mean"), "must be positive; allowed a duration, e.g. 10us");
                double sigma = decimal(f + ".sigma", p.get("sigma"), 0.01, 5.0);
                yield new Dist.LogNormal(mean, sigma);
            }
            case "mix", "bimodal" -> {
                if (!(arg instanceof List<?> parts) || parts.size() < 2) {
                    throw error(f, arg, "is not a list of at least two components; allowed [{p: 0.995, value: 0.5us}, {p: 0.005, value: 500us}]");
                }
                if (lower.equals("bimodal") && parts.size() != 2) throw error(f, parts.size() + " components", "given; bimodal needs exactly 2 (use mix for more)");
                List<Double> ps = new ArrayList<>();
                List<Dist> ds = new ArrayList<>();
                double sum = 0;
                for (int i = 0; i < parts.size(); i++) {
                    String pf = f + "[" + i + "]";
                    Map<String, Object> c = map(pf, parts.get(i));
                    checkKeys(pf, c, Set.of("p", "value"));
                    double p = decimal(pf + ".p", c.get("p"), 0.0, 1.0);
                    if (!c.containsKey("value")) throw error(pf + ".value", null, "is required; allowed a duration or a distribution");
                    ps.add(p);
                    ds.add(dist(pf + ".value", c.get("value")));
                    sum += p;
                }
                if (Math.abs(sum - 1.0) > 1e-6) throw error(f, String.format(Locale.ROOT, "probabilities summing to %.6f", sum), "are not allowed; they must sum to 1");
                yield new Dist.Mixture(ps, ds);
            }
            default -> throw error(field, kind, "is not a distribution kind; " + allowed);
        };
    }
}
