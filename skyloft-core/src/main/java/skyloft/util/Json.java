package skyloft.util;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Minimal JSON writing for the project's outputs (benchmark rows, simulator results, traces):
 *  strings, numbers, booleans, null, maps and lists. */
public final class Json {
    private Json() {}

    /** A JSON string literal; null gives {@code null}. A surrogate that is not half of a pair
     *  (a name cut in the middle of one) becomes U+FFFD: no UTF-8 encoder can write it. */
    public static String quote(String s) {
        if (s == null) return "null";
        var sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else if (Character.isSurrogate(c) && !Xml.pairedAt(s, i)) sb.append('\ufffd');
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A finite number with 4 significant digits; NaN and infinities become null (JSON has neither). */
    public static String number(double v) {
        return number(v, 4);
    }

    /** A finite number with {@code digits} significant digits (integers exactly); NaN and
     *  infinities become null. */
    public static String number(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%." + digits + "g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    public static String value(Object o) {
        if (o == null) return "null";
        if (o instanceof Number n) return number(n.doubleValue());
        if (o instanceof Boolean b) return b.toString();
        if (o instanceof Map<?, ?> m) return object(m);
        if (o instanceof Collection<?> c) {
            var sb = new StringBuilder("[");
            boolean first = true;
            for (Object x : c) { if (!first) sb.append(", "); sb.append(value(x)); first = false; }
            return sb.append(']').toString();
        }
        return quote(o.toString());
    }

    public static String object(Map<?, ?> m) {
        var sb = new StringBuilder("{");
        boolean first = true;
        for (var e : m.entrySet()) {
            if (!first) sb.append(", ");
            sb.append(quote(String.valueOf(e.getKey()))).append(": ").append(value(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }
}
