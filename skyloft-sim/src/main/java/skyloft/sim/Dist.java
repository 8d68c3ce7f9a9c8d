package skyloft.sim;

import java.util.List;
import java.util.SplittableRandom;
import skyloft.util.Durations;

/**
 * A distribution of durations in ns (service times, run and sleep phases). Samples are at
 * least 1 ns and at most {@link #MAX_SAMPLE_NS}. Built from scenario files by
 * {@code skyloft.sim.scenario.ScenarioLoader}.
 */
public sealed interface Dist {
    /** The longest sample: 100 h. A scenario runs at most 1 h and starts its entries within 1 h,
     *  so a longer sample would end past the run all the same; without the cap a heavy tail (an
     *  exponential's, a lognormal's) could push virtual time past a long's range. */
    long MAX_SAMPLE_NS = 360_000_000_000_000L;

    long sample(SplittableRandom rnd);

    /** The exact mean in ns. */
    double meanNs();

    /** Always {@code valueNs}. */
    record Fixed(long valueNs) implements Dist {
        public long sample(SplittableRandom rnd) { return bounded(valueNs); }
        public double meanNs() { return Math.max(1, valueNs); }
        @Override public String toString() { return Durations.format(valueNs); }
    }

    /** Exponential with mean {@code meanNs}. */
    record Exponential(double meanNs) implements Dist {
        public long sample(SplittableRandom rnd) {
            return bounded(-meanNs * Math.log(1.0 - rnd.nextDouble()));
        }
        @Override public String toString() { return "exp(" + Durations.format(Math.round(meanNs)) + ")"; }
    }

    /** Lognormal with the given mean and sigma (of the underlying normal): mu = ln(mean) - sigma^2/2. */
    record LogNormal(double meanNs, double sigma) implements Dist {
        public long sample(SplittableRandom rnd) {
            double mu = Math.log(meanNs) - sigma * sigma / 2;
            return bounded(Math.exp(mu + sigma * gaussian(rnd)));
        }
        @Override public String toString() { return "lognormal(mean " + Durations.format(Math.round(meanNs)) + ", sigma " + sigma + ")"; }
    }

    /** A mixture: component i with probability {@code p[i]} (summing to 1). */
    record Mixture(List<Double> p, List<Dist> parts) implements Dist {
        public Mixture {
            p = List.copyOf(p);
            parts = List.copyOf(parts);
        }
        public long sample(SplittableRandom rnd) {
            double u = rnd.nextDouble();
            for (int i = 0; i < parts.size() - 1; i++) {
                if (u < p.get(i)) return parts.get(i).sample(rnd);
                u -= p.get(i);
            }
            return parts.get(parts.size() - 1).sample(rnd);
        }
        public double meanNs() {
            double m = 0;
            for (int i = 0; i < parts.size(); i++) m += p.get(i) * parts.get(i).meanNs();
            return m;
        }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("mix(");
            for (int i = 0; i < parts.size(); i++) sb.append(i > 0 ? ", " : "").append(p.get(i)).append(": ").append(parts.get(i));
            return sb.append(')').toString();
        }
    }

    /** {@code ns} rounded into 1 ns..{@link #MAX_SAMPLE_NS}. */
    private static long bounded(double ns) {
        return Math.max(1, Math.min(MAX_SAMPLE_NS, Math.round(ns)));
    }

    /** A standard normal sample (Box-Muller, one of the pair). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
