package skyloft.util;

/** Escaping for text and attribute values in the project's SVG and HTML outputs. */
public final class Xml {
    private Xml() {}

    /** {@code s} safe inside XML text or a double- or single-quoted attribute; control
     *  characters other than newline and tab are dropped; null gives "". */
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
                default -> { if (c >= 0x20 || c == '\n' || c == '\t') sb.append(c); }
            }
        }
        return sb.toString();
    }
}
