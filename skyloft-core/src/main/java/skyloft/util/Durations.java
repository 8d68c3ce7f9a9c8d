package skyloft.util;

import java.util.Locale;

/** Parses and prints durations with units: {@code 500ns}, {@code 50us}, {@code 2ms}, {@code 1s}. */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code text} as a number (decimals allowed) followed by one of ns, us, ms, s, or a bare 0.
     * {@code what} names the setting in the error, e.g. "--slice".
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static long parseNs(String what, String text) {
        double ns = parseDoubleNs(what, text);
        if (ns < 0) throw new IllegalArgumentException(what + ": '" + text + "' is negative; allowed a duration of 0 or more");
        if (ns > MAX_NS) {
            throw new IllegalArgumentException(what + ": '" + text + "' is too large; allowed at most " + MAX_NS / 1_000_000_000L + "s (about 146 years)");
        }
        return Math.round(ns);
    }

    /** The most any duration may be: half of what a long holds, so sums of two do not overflow. */
    private static final long MAX_NS = Long.MAX_VALUE / 2;

    /** {@code text} in nanoseconds, unchecked but for its form. */
    private static double parseDoubleNs(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + ": empty duration; expected a number with a unit, e.g. 50us, 2ms, 1s");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) return 0; // zero needs no unit (format(0) writes it so)
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
        String num = s.substring(0, i);
        String unit = s.substring(i).trim();
        long scale = switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> -1L;
        };
        if (scale < 0 || num.isEmpty()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; expected a number with a unit ns, us, ms or s, e.g. 50us");
        }
        double v;
        try {
            v = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration; expected a number with a unit ns, us, ms or s, e.g. 50us");
        }
        return v * scale;
    }

    /** Parses and checks {@code min <= value <= max}: a value outside, negative or too large for a
     *  long included, is refused naming the range. */
    public static long parseNs(String what, String text, long minNs, long maxNs) {
        long v = Math.round(parseDoubleNs(what, text)); // what a long cannot hold becomes its largest value, also out of range
        if (v < minNs || v > maxNs) {
            throw new IllegalArgumentException(what + ": " + text.trim() + (v < 0 ? " is negative" : " is out of range") + "; allowed "
                    + format(minNs) + " to " + format(maxNs));
        }
        return v;
    }

    /**
     * A duration {@code D} or a range {@code MIN..MAX}, each checked against {@code minNs..maxNs};
     * returns {lo, hi} ({@code {D, D}} for one duration). Refuses a range whose maximum is below
     * its minimum, naming it.
     */
    public static long[] parseRangeNs(String what, String text, long minNs, long maxNs) {
        int dots = text.indexOf("..");
        if (dots < 0) {
            long d = parseNs(what, text, minNs, maxNs);
            return new long[] {d, d};
        }
        long lo = parseNs(what, text.substring(0, dots), minNs, maxNs);
        long hi = parseNs(what, text.substring(dots + 2), minNs, maxNs);
        if (hi < lo) {
            throw new IllegalArgumentException(what + " " + text.trim() + ": the maximum is below the minimum; allowed MIN..MAX with MIN <= MAX");
        }
        return new long[] {lo, hi};
    }

    /** The shortest exact-ish rendering: 1500ns -> 1.5us, 2000000 -> 2ms. */
    public static String format(long ns) {
        if (ns == 0) return "0";
        long abs = Math.abs(ns);
        if (abs >= 1_000_000_000L) return trim(ns / 1e9) + "s";
        if (abs >= 1_000_000L) return trim(ns / 1e6) + "ms";
        if (abs >= 1_000L) return trim(ns / 1e3) + "us";
        return ns + "ns";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
