package skyloft.sim.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import skyloft.policy.PolicyRegistry;
import skyloft.sim.CostModel;
import skyloft.sim.SimResult;
import skyloft.sim.Simulator;
import skyloft.sim.Workload;
import skyloft.spi.SchedPolicy;
import skyloft.trace.TraceRecorder;
import skyloft.util.Durations;

/**
 * A parsed scenario file (see docs/SCENARIOS.md): the machine, the policy and its parameters,
 * the modelled costs, and the workload entries. Immutable; every {@link #run} builds fresh
 * workloads and a fresh policy, so a scenario can be run many times (other policies, seeds).
 *
 * @param source     the file it came from, for messages
 * @param name       its name (the file name without extension unless given)
 * @param cpus       number of CPUs
 * @param durationNs how long to simulate
 * @param seed       default seed
 * @param tickNs     timer tick period (0: no ticks)
 * @param policy     default policy name
 * @param params     default policy parameters
 * @param costs      modelled costs
 * @param tasks      workload entries in file order
 */
public record Scenario(String source, String name, int cpus, long durationNs, long seed, long tickNs,
                       String policy, Map<String, String> params, CostModel costs, List<TaskSpec> tasks) {

    /** One workload entry: its name, type, application and start offset, and a factory of fresh
     *  instances for a given number of CPUs. For a Poisson stream: {@code rateCpus}, if it was
     *  given as a rate, the CPUs it keeps busy (else 0); {@code load}, if it was given as a load,
     *  that share of the CPUs (else 0); and {@code atLoad}, its factory at another load (null for
     *  the other entries). */
    public record TaskSpec(String name, String type, String app, long offsetNs, IntFunction<Workload> factory, double rateCpus,
                           double load, DoubleFunction<IntFunction<Workload>> atLoad) {
        public TaskSpec(String name, String type, String app, long offsetNs, IntFunction<Workload> factory) {
            this(name, type, app, offsetNs, factory, 0, 0, null);
        }

        /** The share of {@code cpus} CPUs this stream offers (0 if it is no stream). */
        public double loadOn(int cpus) {
            return rateCpus > 0 ? rateCpus / cpus : load;
        }
    }

    public Scenario {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // in the file's order, as labels show them
        tasks = List.copyOf(tasks);
    }

    /** Runs with the file's own policy, parameters, seed and duration. */
    public SimResult run(TraceRecorder trace) {
        return run(null, Map.of(), null, null, trace);
    }

    /**
     * Runs, overriding what is not null: {@code policyName} (then only {@code extraParams} apply;
     * otherwise they are laid over the file's params), {@code seedOverride},
     * {@code durationOverrideNs}.
     */
    public SimResult run(String policyName, Map<String, String> extraParams, Long seedOverride, Long durationOverrideNs, TraceRecorder trace) {
        return run(policyName, extraParams, seedOverride, durationOverrideNs, trace, virtualNs -> {});
    }

    /** As {@link #run(String, Map, Long, Long, TraceRecorder)}, telling {@code progress} the virtual time reached now and then. */
    public SimResult run(String policyName, Map<String, String> extraParams, Long seedOverride, Long durationOverrideNs, TraceRecorder trace,
                         LongConsumer progress) {
        SchedPolicy pol = policy(policyName, extraParams);
        long seedUsed = seedOverride != null ? seedOverride : seed;
        long dur = durationOverrideNs != null ? durationOverrideNs : durationNs;
        try {
            // the policy is attached here: a parameter that only the CPU count refutes (apps' be_cpus) fails now
            Simulator sim = new Simulator(pol, cpus, tickNs, costs, seedUsed, trace).onProgress(progress);
            for (TaskSpec t : tasks) sim.add(t.factory().apply(cpus));
            return sim.run(dur).withParams(effectiveParams(policyName, extraParams));
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The policy a run under {@code policyName} would use (null: the file's): the file's
     * parameters apply when it names the file's policy, and {@code extraParams} are laid over
     * them. Throws naming the file if the name or a parameter is refused.
     */
    public SchedPolicy policy(String policyName, Map<String, String> extraParams) {
        try {
            return PolicyRegistry.create(policyName != null ? policyName : policy, paramsFor(policyName, extraParams));
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(source + ": policy: " + e.getMessage(), e);
        }
    }

    /** The parameters a run under {@code policyName} (null: the file's) gets, as {@link #policy} lays them. */
    public Map<String, String> paramsFor(String policyName, Map<String, String> extraParams) {
        Map<String, String> ps = new LinkedHashMap<>(policyName != null && !policyName.equals(policy) ? Map.of() : params);
        ps.putAll(extraParams);
        return ps;
    }

    /**
     * Every parameter a run under {@code policyName} (null: the file's) gets: the policy's
     * declared defaults with the given ones ({@link #paramsFor}) over them, in the policy's order,
     * then any others given (apps' {@code lc.slice}).
     */
    public Map<String, String> effectiveParams(String policyName, Map<String, String> extraParams) {
        Map<String, String> given = paramsFor(policyName, extraParams);
        Map<String, String> out = new LinkedHashMap<>();
        for (PolicyRegistry.Param p : PolicyRegistry.info(policyFor(policyName)).params()) {
            if (!p.isPrefix()) out.put(p.name(), given.getOrDefault(p.name(), p.defaultValue()));
        }
        given.forEach(out::putIfAbsent);
        return out;
    }

    /**
     * What a run under {@code policyName} (null: the file's) with {@code extraParams}, for
     * {@code durationOverrideNs} (null: the file's duration), would do that the file most likely
     * does not mean, one sentence each: a task whose offset is at or past the run's end never
     * runs; apps' {@code be_apps}, where given, naming an application that no task has makes no
     * task best-effort.
     */
    public List<String> warnings(String policyName, Map<String, String> extraParams, Long durationOverrideNs) {
        long dur = durationOverrideNs != null ? durationOverrideNs : durationNs;
        List<String> out = new ArrayList<>();
        for (TaskSpec t : tasks) {
            if (t.offsetNs() >= dur) {
                out.add("task " + t.name() + " starts at its offset " + Durations.format(t.offsetNs()) + ", at or after the run's end at "
                        + Durations.format(dur) + ", so it never runs");
            }
        }
        String beApps = policyFor(policyName).equals("apps") ? paramsFor(policyName, extraParams).get("be_apps") : null;
        if (beApps != null) {
            Set<String> apps = new TreeSet<>(tasks.stream().map(TaskSpec::app).toList());
            for (String a : beApps.split("\\+")) {
                if (!apps.contains(a.strip())) {
                    out.add("apps: be_apps names '" + a.strip() + "', an application no task has (the tasks' apps: " + String.join(", ", apps)
                            + "), so it makes no task best-effort");
                }
            }
        }
        return out;
    }

    /** The same scenario on {@code n} CPUs (streams given as a load keep their load, so their rate scales). */
    public Scenario withCpus(int n) {
        if (n < 1 || n > ScenarioLoader.MAX_CPUS) {
            throw new ScenarioException(source + ": --cpus " + n + " is out of range; allowed 1.." + ScenarioLoader.MAX_CPUS);
        }
        for (TaskSpec t : tasks) {
            if (t.rateCpus() > ScenarioLoader.MAX_LOAD * n) {
                throw new ScenarioException(source + ": --cpus " + n + ": the rate of " + t.name() + " is a load of "
                        + ScenarioLoader.load(t.rateCpus() / n) + " on " + n + " CPU" + (n == 1 ? "" : "s")
                        + "; allowed at most " + ScenarioLoader.load(ScenarioLoader.MAX_LOAD));
            }
        }
        return new Scenario(source, name, n, durationNs, seed, tickNs, policy, params, costs, tasks);
    }

    /**
     * The same scenario with its Poisson streams scaled together so that they offer {@code total}
     * of its CPUs, each keeping its share of their sum (a stream given as a rate becomes one given
     * as a load); the other entries are unchanged. {@code what} names the option for messages.
     */
    public Scenario withLoad(double total, String what) {
        if (!(total > 0 && total <= ScenarioLoader.MAX_LOAD)) {
            throw new ScenarioException(what + " " + ScenarioLoader.load(total) + " is out of range; allowed above 0 and at most "
                    + ScenarioLoader.load(ScenarioLoader.MAX_LOAD));
        }
        double sum = streamLoad();
        if (sum == 0) {
            throw new ScenarioException(source + ": " + what + " scales the Poisson streams, and this scenario has none; its entries are "
                    + tasks.stream().map(t -> t.name() + " (" + t.type() + ")").toList());
        }
        List<TaskSpec> scaled = new ArrayList<>();
        for (TaskSpec t : tasks) {
            if (t.atLoad() == null) { scaled.add(t); continue; }
            double l = t.loadOn(cpus) * total / sum;
            scaled.add(new TaskSpec(t.name(), t.type(), t.app(), t.offsetNs(), t.atLoad().apply(l), 0, l, t.atLoad()));
        }
        return new Scenario(source, name, cpus, durationNs, seed, tickNs, policy, params, costs, scaled);
    }

    /** The offered load of the Poisson streams together, as a share of the scenario's CPUs (0 with none). */
    public double streamLoad() {
        double sum = 0;
        for (TaskSpec t : tasks) sum += t.atLoad() != null ? t.loadOn(cpus) : 0;
        return sum;
    }

    /** The same scenario with other modelled costs. */
    public Scenario withCosts(CostModel c) {
        return new Scenario(source, name, cpus, durationNs, seed, tickNs, policy, params, c, tasks);
    }

    /** The same scenario with some costs replaced, given as {@code lock=280ns,switch=110ns}
     *  (the names and rules of {@link #layCosts}). */
    public Scenario withCosts(String spec) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String part : spec.split(",", -1)) {
            if (part.isBlank()) {
                throw new ScenarioException("--costs '" + spec + "' has an empty entry; allowed name=duration entries separated by single commas, e.g. lock=280ns,switch=110ns");
            }
            int eq = part.indexOf('=');
            if (eq <= 0) throw new ScenarioException("--costs: '" + part.trim() + "' is not of the form name=duration, e.g. lock=280ns");
            String key = part.substring(0, eq).trim();
            if (!COST_NAMES.contains(key)) {
                throw new ScenarioException("--costs: there is no cost named '" + key + "'; allowed " + String.join(", ", COST_NAMES.stream().sorted().toList()));
            }
            String value = part.substring(eq + 1).trim();
            String before = given.putIfAbsent(key, value);
            if (before != null) { // a file refuses a duplicate key; so does the command line
                throw new ScenarioException("--costs: " + key + " is given twice (" + before + " and " + value + "); allowed each cost once");
            }
        }
        return withCosts(layCosts(costs, given, null, "--costs "));
    }

    /** The costs a scenario models, as {@code costs:} in a file and {@code --costs} name them. */
    public static final List<String> COST_NAMES = List.of("switch", "preempt_delay", "migration", "lock", "wake", "idle_spin");
    /** The largest modelled cost. */
    public static final long MAX_COST_NS = 1_000_000_000L;

    /**
     * {@code given} (cost name to text) laid over {@code base}, by the one set of rules files and
     * {@code --costs} share: each cost a duration from 0 to 1s; {@code idle_spin} a duration
     * (fixed) or {@code MIN..MAX} (adaptive), and only where the result has a wake cost, since
     * without one no CPU parks. Errors start with {@code source} (the file, or null) and name a
     * cost as {@code prefix} and its name ({@code costs.lock}, {@code --costs lock}).
     */
    static CostModel layCosts(CostModel base, Map<String, String> given, String source, String prefix) {
        String at = source == null ? "" : source + ": ";
        long[] v = {base.switchNs(), base.preemptDelayNs(), base.migrationNs(), base.lockNs(), base.wakeNs()};
        long spinMin = base.idleSpinMinNs(), spinMax = base.idleSpinMaxNs();
        try {
            for (var e : given.entrySet()) {
                String what = at + prefix + e.getKey();
                if (e.getKey().equals("idle_spin")) {
                    long[] r = Durations.parseRangeNs(what, e.getValue(), 0, MAX_COST_NS);
                    spinMin = r[0];
                    spinMax = r[1];
                } else {
                    v[COST_NAMES.indexOf(e.getKey())] = Durations.parseNs(what, e.getValue(), 0, MAX_COST_NS);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(e.getMessage(), e);
        }
        if (given.containsKey("idle_spin") && v[4] == 0) {
            throw new ScenarioException(at + prefix + "idle_spin: " + given.get("idle_spin") + " has no effect without " + prefix
                    + "wake (with no wake cost no CPU parks); allowed with a wake cost, e.g. wake 30us");
        }
        return new CostModel(v[0], v[1], v[2], v[3], v[4], spinMin, spinMax);
    }

    /** The policy name a run with {@code override} (may be null) uses. */
    public String policyFor(String override) {
        return override != null ? override : policy;
    }
}
