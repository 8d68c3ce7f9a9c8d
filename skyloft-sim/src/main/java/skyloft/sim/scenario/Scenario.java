package skyloft.sim.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
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

    /** One workload entry: its name, type and a factory of fresh instances for a given number of CPUs. */
    public record TaskSpec(String name, String type, IntFunction<Workload> factory) {}

    public Scenario {
        params = Map.copyOf(params);
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
        SchedPolicy pol = policy(policyName, extraParams);
        long seedUsed = seedOverride != null ? seedOverride : seed;
        long dur = durationOverrideNs != null ? durationOverrideNs : durationNs;
        Simulator sim = new Simulator(pol, cpus, tickNs, costs, seedUsed, trace);
        for (TaskSpec t : tasks) sim.add(t.factory().apply(cpus));
        try {
            return sim.run(dur);
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

    /** The same scenario on {@code n} CPUs (streams given as a load keep their load, so their rate scales). */
    public Scenario withCpus(int n) {
        if (n < 1 || n > ScenarioLoader.MAX_CPUS) {
            throw new ScenarioException(source + ": --cpus " + n + " is out of range; allowed 1.." + ScenarioLoader.MAX_CPUS);
        }
        return new Scenario(source, name, n, durationNs, seed, tickNs, policy, params, costs, tasks);
    }

    /** The same scenario with other modelled costs. */
    public Scenario withCosts(CostModel c) {
        return new Scenario(source, name, cpus, durationNs, seed, tickNs, policy, params, c, tasks);
    }

    /** The same scenario with some costs replaced, given as {@code lock=280ns,switch=110ns}
     *  (keys switch, preempt_delay, migration, lock, wake, idle_spin; idle_spin takes a duration
     *  or a range {@code MIN..MAX}). */
    public Scenario withCosts(String spec) {
        long sw = costs.switchNs(), pd = costs.preemptDelayNs(), mg = costs.migrationNs(), lk = costs.lockNs();
        long wk = costs.wakeNs(), spinMin = costs.idleSpinMinNs(), spinMax = costs.idleSpinMaxNs();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new ScenarioException("--costs: '" + part.trim() + "' is not of the form name=duration, e.g. lock=280ns");
            String key = part.substring(0, eq).trim(), value = part.substring(eq + 1).trim();
            if (!List.of("switch", "preempt_delay", "migration", "lock", "wake", "idle_spin").contains(key)) {
                throw new ScenarioException("--costs: there is no cost named '" + key
                        + "'; allowed idle_spin, lock, migration, preempt_delay, switch, wake");
            }
            try {
                if (key.equals("idle_spin")) {
                    long[] r = parseSpin("--costs idle_spin", value);
                    spinMin = r[0];
                    spinMax = r[1];
                    continue;
                }
                long v = Durations.parseNs("--costs " + key, value, 0, 1_000_000_000L);
                switch (key) {
                    case "switch" -> sw = v;
                    case "preempt_delay" -> pd = v;
                    case "migration" -> mg = v;
                    case "wake" -> wk = v;
                    default -> lk = v;
                }
            } catch (IllegalArgumentException e) {
                throw new ScenarioException(e.getMessage(), e);
            }
        }
        return withCosts(new CostModel(sw, pd, mg, lk, wk, spinMin, spinMax));
    }

    /** An idle spin: {@code D} (fixed) or {@code MIN..MAX} (adaptive), each 0 to 1 s; returns
     *  {min, max}. {@code what} names the input in errors. */
    public static long[] parseSpin(String what, String text) {
        return Durations.parseRangeNs(what, text, 0, 1_000_000_000L);
    }

    /** The policy name a run with {@code override} (may be null) uses. */
    public String policyFor(String override) {
        return override != null ? override : policy;
    }
}
