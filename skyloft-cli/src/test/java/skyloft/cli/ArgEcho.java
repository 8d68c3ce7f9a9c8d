package skyloft.cli;

import java.util.TreeMap;

/** Prints what a JVM was given, for {@code ArgFilesTest}: its arguments, then its
 *  {@code argfiles.*} system properties and its module path, one per line, with control
 *  characters and backslashes escaped. */
public final class ArgEcho {
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (String a : args) out.append("arg ").append(escaped(a)).append('\n');
        TreeMap<String, String> props = new TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("argfiles.") || k.equals("jdk.module.path")) props.put(k.toString(), v.toString());
        });
        props.forEach((k, v) -> out.append("prop ").append(k).append('=').append(escaped(v)).append('\n'));
        System.out.print(out);
    }

    static String escaped(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\f", "\\f");
    }

    private ArgEcho() {}
}
