package skyloft.policy;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import skyloft.util.Durations;

/**
 * Policy parameters as given by a user ({@code slice=50us}, {@code latency=50us}); typed
 * getters parse and range-check them, naming the policy, the parameter and what is allowed.
 * The registry has already refused names the policy does not declare; for a policy class that
 * declares none, it refuses afterwards the names the constructor did not read ({@link #unread()}).
 */
public final class PolicyParams {
    private final String policy;
    private final Map<String, String> values;
    /** The names a getter was asked for: written and read by the one thread that builds the policy. */
    private final Set<String> read = new HashSet<>();

    public PolicyParams(String policy, Map<String, String> values) {
        this.policy = policy;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static PolicyParams none(String policy) {
        return new PolicyParams(policy, Map.of());
    }

    /** Every value given; counts as reading them all. */
    public Map<String, String> asMap() {
        read.addAll(values.keySet());
        return values;
    }

    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    /** The names given that no getter has asked for yet, in the order given. */
    List<String> unread() {
        return values.keySet().stream().filter(k -> !read.contains(k)).toList();
    }

    /** A duration with a unit (ns, us, ms, s) within {@code [minNs, maxNs]}. */
    public long durationNs(String key, long defaultNs, long minNs, long maxNs) {
        read.add(key);
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
        read.add(key);
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
        read.add(key);
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
        read.add(key);
        String v = values.get(key);
        if (v == null) return dflt;
        for (String a : allowed) if (a.equals(v.trim())) return a;
        throw new IllegalArgumentException("policy " + policy + " parameter " + key + ": '" + v + "' is not allowed; allowed " + String.join(", ", allowed));
    }
}
