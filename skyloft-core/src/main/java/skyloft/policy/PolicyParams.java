package skyloft.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import skyloft.util.Durations;

/**
 * Policy parameters as given by a user ({@code slice=50us}, {@code latency=50us}); typed
 * getters parse and range-check them, naming the policy, the parameter and what is allowed.
 * The registry has already refused names the policy does not declare.
 */
public final class PolicyParams {
    private final String policy;
    private final Map<String, String> values;

    public PolicyParams(String policy, Map<String, String> values) {
        this.policy = policy;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static PolicyParams none(String policy) {
        return new PolicyParams(policy, Map.of());
    }

    public Map<String, String> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A duration with a unit (ns, us, ms, s) within {@code [minNs, maxNs]}. */
    public long durationNs(String key, long defaultNs, long minNs, long maxNs) {
        String v = values.get(key);
        if (v == null) return defaultNs;
        return Durations.parseNs("policy " + policy + " parameter " + key, v, minNs, maxNs);
    }

    /** For the public constructors: {@code valueNs} if it is within the range its parameter has,
     *  else an IllegalArgumentException naming it and the range. */
    static long checkNs(String policy, String key, long valueNs, long minNs, long maxNs) {
        if (valueNs < minNs || valueNs > maxNs) {
            throw new IllegalArgumentException(policy + " " + key + " " + valueNs + "ns is out of range; allowed "
                    + Durations.format(minNs) + " to " + Durations.format(maxNs));
        }
        return valueNs;
    }

    /** An integer within {@code [min, max]}. */
    public long integer(String key, long dflt, long min, long max) {
        String v = values.get(key);
        if (v == null) return dflt;
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": '" + v + "' is not an integer; allowed " + min + ".." + max);
        }
        if (x < min || x > max) {
            throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": " + x + " is out of range; allowed " + min + ".." + max);
        }
        return x;
    }

    /** A decimal number within {@code [min, max]}. */
    public double decimal(String key, double dflt, double min, double max) {
        String v = values.get(key);
        if (v == null) return dflt;
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": '" + v + "' is not a number; allowed " + min + " to " + max);
        }
        if (!(x >= min && x <= max)) {
            throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": " + v + " is out of range; allowed " + min + " to " + max);
        }
        return x;
    }

    /** One of {@code allowed}. */
    public String choice(String key, String dflt, String... allowed) {
        String v = values.get(key);
        if (v == null) return dflt;
        for (String a : allowed) if (a.equals(v.trim())) return a;
        throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": '" + v + "' is not allowed; allowed " + String.join(", ", allowed));
    }
}
