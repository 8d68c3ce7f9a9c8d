package skyloft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import skyloft.util.Durations;

/**
 * A service-time distribution parsed from a name:
 * <ul>
 *   <li>{@code fixed-10us}: always 10 us;</li>
 *   <li>{@code exponential-10us} (or {@code exp-10us}): exponential with mean 10 us;</li>
 *   <li>{@code bimodal-995-4us-10ms}: 99.5% 4 us, 0.5% 10 ms (the digits are the first mode's
 *       share as a decimal fraction: 995 = 0.995, 9 = 0.9, 50 = 0.50);</li>
 *   <li>an inline mixture {@code 99.5%:4us,0.5%:10ms} (shares in percent; they must sum to
 *       100%).</li>
 * </ul>
 * Mixtures have classes (one per mode, in the order written) so latency can be reported per
 * class; the other forms have one class. Sampling is deterministic given the random source.
 */
public final class ServiceDist {
    private final String spec;
    private final boolean exponential;
    private final double[] cumShare; // mixture: cumulative shares, last = 1
    private final long[] modeNs;     // mixture: each mode's service time; exponential: the mean

    private ServiceDist(String spec, boolean exponential, double[] cumShare, long[] modeNs) {
        this.spec = spec;
        this.exponential = exponential;
        this.cumShare = cumShare;
        this.modeNs = modeNs;
    }

    private static final String FORMS = "expected fixed-<d>, exponential-<d>, bimodal-<digits>-<d1>-<d2> (d1's share is 0.<digits>: "
            + "bimodal-995-4us-10ms is 99.5% 4us, 0.5% 10ms)"
            + " or an inline mixture like 99.5%:4us,0.5%:10ms; durations take a unit ns, us, ms or s";

    /** Parses a distribution name; throws naming the bad spec and the accepted forms. */
    public static ServiceDist parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("--dist: empty distribution; " + FORMS);
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("fixed-")) {
                long ns = dur(spec, s.substring(6));
                return new ServiceDist(s, false, new double[] {1}, new long[] {ns});
            }
            if (s.startsWith("exponential-") || s.startsWith("exp-")) {
                long ns = dur(spec, s.substring(s.indexOf('-') + 1));
                return new ServiceDist(s, true, new double[] {1}, new long[] {ns});
            }
            if (s.startsWith("bimodal-")) {
                String[] p = s.substring(8).split("-");
                if (p.length != 3 || p[0].isEmpty() || !p[0].chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("--dist '" + spec + "': bimodal needs bimodal-<digits>-<d1>-<d2>, e.g. bimodal-995-4us-10ms; " + FORMS);
                }
                double share = Double.parseDouble("0." + p[0]);
                if (share <= 0 || share >= 1) {
                    throw new IllegalArgumentException("--dist '" + spec + "': the first mode's share 0." + p[0] + " must be between 0 and 1 exclusive");
                }
                return new ServiceDist(s, false, new double[] {share, 1}, new long[] {dur(spec, p[1]), dur(spec, p[2])});
            }
            if (s.contains("%:")) return mixture(spec, s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--dist '" + spec + "': " + e.getMessage() + "; " + FORMS);
        }
        throw new IllegalArgumentException("--dist '" + spec + "' is not a distribution; " + FORMS);
    }

    private static ServiceDist mixture(String spec, String s) {
        List<Double> shares = new ArrayList<>();
        List<Long> modes = new ArrayList<>();
        for (String part : s.split(",")) {
            String[] kv = part.trim().split("%:");
            if (kv.length != 2) {
                throw new IllegalArgumentException("--dist '" + spec + "': mixture part '" + part.trim() + "' is not <percent>%:<duration>; " + FORMS);
            }
            double pct = Double.parseDouble(kv[0].trim());
            if (!(pct > 0 && pct <= 100)) {
                throw new IllegalArgumentException("--dist '" + spec + "': share " + kv[0].trim() + "% is out of range; allowed above 0 up to 100");
            }
            shares.add(pct / 100);
            modes.add(dur(spec, kv[1].trim()));
        }
        double sum = shares.stream().mapToDouble(Double::doubleValue).sum();
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("--dist '" + spec + "': shares sum to " + fmt(sum * 100) + "%; they must sum to 100%");
        }
        double[] cum = new double[shares.size()];
        double c = 0;
        for (int i = 0; i < cum.length; i++) {
            c += shares.get(i);
            cum[i] = c;
        }
        cum[cum.length - 1] = 1;
        return new ServiceDist(s, false, cum, modes.stream().mapToLong(Long::longValue).toArray());
    }

    private static long dur(String spec, String text) {
        long ns = Durations.parseNs("--dist '" + spec + "'", text);
        if (ns < 1 || ns > 10_000_000_000L) {
            throw new IllegalArgumentException("--dist '" + spec + "': service time " + text + " is out of range; allowed 1ns to 10s");
        }
        return ns;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    public String spec() { return spec; }

    /** Number of classes (modes of a mixture; 1 otherwise). */
    public int classes() {
        return exponential ? 1 : modeNs.length;
    }

    /** A label for class {@code c}: its service time for a mixture mode, "all" otherwise. */
    public String classLabel(int c) {
        if (exponential || modeNs.length == 1) return "all";
        return Durations.format(modeNs[c]);
    }

    /** The share of requests in class {@code c}. */
    public double classShare(int c) {
        return c == 0 ? cumShare[0] : cumShare[c] - cumShare[c - 1];
    }

    /** The class of the shortest mode (the "short requests"). */
    public int shortestClass() {
        int best = 0;
        for (int i = 1; i < classes(); i++) if (modeNs[i] < modeNs[best]) best = i;
        return best;
    }

    public double meanNs() {
        if (exponential) return modeNs[0];
        double m = 0;
        for (int i = 0; i < modeNs.length; i++) m += classShare(i) * modeNs[i];
        return m;
    }

    /** Draws a class (for a mixture) using one random number. */
    public int sampleClass(SplittableRandom r) {
        if (cumShare.length == 1) return 0;
        double u = r.nextDouble();
        for (int i = 0; i < cumShare.length; i++) if (u < cumShare[i]) return i;
        return cumShare.length - 1;
    }

    /** A service time for class {@code c} (exponential draws a fresh value). */
    public long sampleNs(int c, SplittableRandom r) {
        if (exponential) return Math.max(1, Math.round(-modeNs[0] * Math.log(1 - r.nextDouble())));
        return modeNs[c];
    }

    @Override public String toString() { return spec; }
}
