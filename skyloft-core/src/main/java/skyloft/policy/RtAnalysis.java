package skyloft.policy;

import java.math.BigInteger;
import java.util.Locale;
import skyloft.util.Durations;

/**
 * Real-time schedulability tests used by the {@code deadline} and {@code rm} admission
 * controls, and by tests: the Liu &amp; Layland bound, exact response-time analysis (RTA), the
 * density test and the Goossens-Funk-Baruah bound for global EDF. Tasks are given as parallel
 * arrays of runtime C, relative deadline D and period T (any time unit, typically ns), and for
 * RTA in priority order (highest first). Pure functions; no state.
 */
public final class RtAnalysis {
    private RtAnalysis() {}

    /** Fixed-point shift for bandwidths (as Linux: 1.0 == 1 &lt;&lt; 20), so sums are exact. */
    public static final int BW_SHIFT = 20;
    public static final long BW_ONE = 1L << BW_SHIFT;

    /** runtime / period in fixed point (rounded down, as Linux's to_ratio); Long.MAX_VALUE if it
     *  does not fit, which SchedAttr's bounds (runtime &lt;= period) rule out. */
    public static long bandwidth(long runtimeNs, long periodNs) {
        if (runtimeNs <= Long.MAX_VALUE >> BW_SHIFT) return (runtimeNs << BW_SHIFT) / periodNs;
        // runtime x 2^20 needs more than 63 bits (runtime over 2.4 hours): rare, so exact and slow
        BigInteger bw = BigInteger.valueOf(runtimeNs).shiftLeft(BW_SHIFT).divide(BigInteger.valueOf(periodNs));
        return bw.bitLength() < Long.SIZE ? bw.longValue() : Long.MAX_VALUE;
    }

    /** A fraction like 0.95 in fixed point (rounded to nearest). */
    public static long bandwidth(double fraction) {
        return Math.round(fraction * BW_ONE);
    }

    public static double toDouble(long bw) {
        return (double) bw / BW_ONE;
    }

    /** Liu &amp; Layland: n periodic tasks with D = T are RM-schedulable if U &lt;= n(2^(1/n) - 1). */
    public static double liuLaylandBound(int n) {
        if (n <= 0) return 1.0;
        return n * (Math.pow(2.0, 1.0 / n) - 1.0);
    }

    /** Total utilization sum C/T. */
    public static double utilization(long[] c, long[] t) {
        double u = 0;
        for (int i = 0; i < c.length; i++) u += (double) c[i] / t[i];
        return u;
    }

    /** Density sum C / min(D, T): EDF on one CPU meets all deadlines if it is at most 1. */
    public static double density(long[] c, long[] d, long[] t) {
        double s = 0;
        for (int i = 0; i < c.length; i++) s += (double) c[i] / Math.min(d[i], t[i]);
        return s;
    }

    /** Goossens-Funk-Baruah sufficient test for global EDF on m CPUs (implicit deadlines):
     *  U &lt;= m - (m - 1) * Umax. */
    public static boolean gfb(long[] c, long[] t, int m) {
        double u = 0, uMax = 0;
        for (int i = 0; i < c.length; i++) {
            double ui = (double) c[i] / t[i];
            u += ui;
            uMax = Math.max(uMax, ui);
        }
        return u <= m - (m - 1) * uMax + 1e-12;
    }

    /**
     * Exact response-time analysis for fixed priorities, tasks in priority order (index 0
     * highest). R_i is the least fixed point of R = C_i + sum_{j &lt; i} ceil(R / T_j) C_j,
     * iterated from C_i; iteration stops as soon as R exceeds D_i. Returns every R_i; a task
     * is schedulable iff its R_i &lt;= D_i.
     */
    public static long[] responseTimes(long[] c, long[] d, long[] t) {
        long[] r = new long[c.length];
        for (int i = 0; i < c.length; i++) {
            long ri = c[i];
            while (true) {
                long next = c[i];
                for (int j = 0; j < i; j++) next += ceilDiv(ri, t[j]) * c[j];
                if (next == ri || next > d[i]) { ri = next; break; }
                ri = next;
            }
            r[i] = ri;
        }
        return r;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The verdict of the RM admission: whether it passed, the test that decided, and why. */
    public record Verdict(boolean ok, String test, String detail) {}

    /**
     * The RM admission test for one CPU: the Liu &amp; Layland bound when every deadline equals
     * its period, and when that fails (or does not apply) exact response-time analysis.
     * Tasks in RM priority order (shortest period first). {@code names} label the tasks in
     * the detail.
     */
    public static Verdict rmTest(long[] c, long[] d, long[] t, String[] names) {
        int n = c.length;
        double u = utilization(c, t);
        boolean implicit = true;
        for (int i = 0; i < n; i++) implicit &= d[i] == t[i];
        double ll = liuLaylandBound(n);
        String llText = String.format(Locale.ROOT, "U=%.3f %s Liu & Layland bound %.4f for n=%d", u, u <= ll ? "<=" : ">", ll, n);
        if (implicit && u <= ll + 1e-12) return new Verdict(true, "liu-layland", llText);
        long[] r = responseTimes(c, d, t);
        for (int i = 0; i < n; i++) {
            if (r[i] > d[i]) {
                return new Verdict(false, "response-time",
                        (implicit ? llText + ", and " : "Liu & Layland bound does not apply (a deadline is shorter than its period), and ")
                        + "exact response-time analysis fails: " + names[i] + " (C=" + Durations.format(c[i])
                        + ", D=" + Durations.format(d[i]) + ", T=" + Durations.format(t[i]) + ") has response time R="
                        + Durations.format(r[i]) + " > D");
            }
        }
        return new Verdict(true, "response-time", (implicit ? llText + ", but " : "") + "exact response-time analysis passes");
    }
}
