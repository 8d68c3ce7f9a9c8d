package skyloft.util;

/** Escaping for text and attribute values in the project's SVG and HTML outputs. */
public final class Xml {
    private Xml() {}

    /** {@code s} safe inside XML text or a double- or single-quoted attribute; control
     *  characters other than newline and tab are dropped, and the characters XML 1.0 has no place
     *  for (U+FFFE, U+FFFF, a surrogate that is not half of a pair) become U+FFFD; null gives "". */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c == '\ufffe' || c == '\uffff' || Character.isSurrogate(c) && !pairedAt(s, i)) sb.append('\ufffd');
                    else if (c >= 0x20 || c == '\n' || c == '\t') sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /** Whether the surrogate at {@code i} of {@code s} is half of a high-low pair. */
    static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
