package skyloft.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON parser, for what {@link Json} wrote (benchmark results read back by
 * {@code skyloft report}, and the tests): objects become {@code LinkedHashMap}, arrays
 * {@code ArrayList}, numbers {@code Double}, plus String, Boolean and null. Throws
 * {@link IllegalArgumentException} with the offset on anything that is not JSON (trailing
 * commas, bare words, unterminated strings, bad escapes, trailing garbage, nesting deeper than
 * {@value #MAX_DEPTH}).
 */
public final class JsonReader {
    /** Deeper nesting is refused, not followed into a stack overflow. */
    static final int MAX_DEPTH = 256;
    private final String s;
    private int i;

    private int depth;

    private JsonReader(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        JsonReader p = new JsonReader(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) throw p.error("trailing characters");
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String text) {
        return (Map<String, Object>) parse(text);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + i);
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private Object value() {
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> obj();
            case '[' -> arr();
            case '"' -> str();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> num();
        };
    }

    private Object word(String w, Object v) {
        if (!s.startsWith(w, i)) throw error("bad literal");
        i += w.length();
        return v;
    }

    private Map<String, Object> obj() {
        if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek('}')) { i++; depth--; return m; }
        while (true) {
            ws();
            if (!peek('"')) throw error("expected a key");
            String k = str();
            ws();
            expect(':');
            ws();
            m.put(k, value());
            ws();
            if (peek(',')) { i++; continue; }
            expect('}');
            depth--;
            return m;
        }
    }

    private List<Object> arr() {
        if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        List<Object> a = new ArrayList<>();
        i++;
        ws();
        if (peek(']')) { i++; depth--; return a; }
        while (true) {
            ws();
            a.add(value());
            ws();
            if (peek(',')) { i++; continue; }
            expect(']');
            depth--;
            return a;
        }
    }

    private String str() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') { sb.append(c); continue; }
            if (i >= s.length()) throw error("unterminated string");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) throw error("bad \\u escape");
                    sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Double num() {
        int st = i;
        if (peek('-')) i++;
        while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) i++;
        if (st == i) throw error("unexpected character '" + s.charAt(i) + "'");
        try {
            return Double.valueOf(s.substring(st, i));
        } catch (NumberFormatException e) {
            throw error("bad number '" + s.substring(st, i) + "'");
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) throw error("expected '" + c + "'");
        i++;
    }
}
