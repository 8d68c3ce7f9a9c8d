package skyloft.bench;

import java.util.SplittableRandom;

/**
 * An open-loop request schedule generated ahead of time: Poisson arrivals (exponential gaps)
 * at a rate, each with a service time and class drawn from a {@link ServiceDist}. The same seed
 * gives the same schedule, so every system sees identical requests.
 *
 * @param arrivalNs offsets from the start, ascending
 * @param serviceNs service time of each request
 * @param cls       class of each request (see {@link ServiceDist#classes()})
 */
public record Arrivals(long[] arrivalNs, long[] serviceNs, byte[] cls) {

    public int size() {
        return arrivalNs.length;
    }

    /** Poisson arrivals at {@code ratePerSec} over {@code durationNs}. */
    public static Arrivals poisson(double ratePerSec, long durationNs, ServiceDist dist, long seed) {
        if (!(ratePerSec > 0) || Double.isInfinite(ratePerSec)) {
            throw new IllegalArgumentException("arrival rate " + ratePerSec + "/s is not a positive finite rate");
        }
        if (durationNs <= 0) throw new IllegalArgumentException("duration " + durationNs + "ns must be positive");
        double expected = ratePerSec * durationNs / 1e9;
        if (expected > 50_000_000) {
            throw new IllegalArgumentException("about " + (long) expected + " requests would be generated; allowed at most 50000000 (lower the rate or the duration)");
        }
        int cap = (int) Math.min(Integer.MAX_VALUE - 16, expected + 10 * Math.sqrt(expected) + 16);
        long[] at = new long[cap];
        long[] svc = new long[cap];
        byte[] cl = new byte[cap];
        SplittableRandom gaps = new SplittableRandom(seed);
        SplittableRandom work = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        double meanGapNs = 1e9 / ratePerSec;
        double t = 0;
        int n = 0;
        while (n < cap) {
            t += -meanGapNs * Math.log(1 - gaps.nextDouble());
            if (t >= durationNs) break;
            at[n] = (long) t;
            int c = dist.sampleClass(work);
            cl[n] = (byte) c;
            svc[n] = dist.sampleNs(c, work);
            n++;
        }
        return new Arrivals(java.util.Arrays.copyOf(at, n), java.util.Arrays.copyOf(svc, n), java.util.Arrays.copyOf(cl, n));
    }
}
