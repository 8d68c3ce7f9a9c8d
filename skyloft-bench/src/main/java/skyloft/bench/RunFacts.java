package skyloft.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What identifies the run a result came from: when it started, the build that measured it, the
 * JDK, the OS and the CPUs the JVM saw. Every result's JSON carries them under {@code "run"}, so a
 * file kept on its own still says where its figures came from, and {@code skyloft report} can
 * name each file's run when the run left no machine.json.
 *
 * <p>The build is the value of the system property {@value #BUILD_PROPERTY}, which the {@code
 * ./skyloft} launcher sets to the checkout's commit (with {@code -dirty} when tracked files differ
 * from it, since the launcher builds what is on disk). Run any other way, or from a copy that is no
 * git checkout, it is not known, and the facts leave it out rather than guess.
 */
public final class RunFacts {
    /** The system property naming the build; set by the launcher. */
    public static final String BUILD_PROPERTY = "skyloft.build";

    private RunFacts() {}

    /** The build this JVM runs, or null when nothing said. */
    public static String build() {
        String b = System.getProperty(BUILD_PROPERTY);
        return b == null || b.isBlank() ? null : b.strip();
    }

    /** The JDK as the report names it: VM, version and vendor. */
    public static String jdk() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")";
    }

    /** The OS as the report names it: name, version and architecture. */
    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    }

    /** The facts of a run starting now, in the order the JSON writes them. */
    public static Map<String, Object> now() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("started_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        String b = build();
        if (b != null) m.put("build", b);
        m.put("jdk", jdk());
        m.put("os", os());
        m.put("cpus", (long) Runtime.getRuntime().availableProcessors()); // a long, as it reads back
        return m;
    }

    /**
     * One line for a result's run, as read back from its JSON: "started 2026-11-23T08:17:08Z,
     * build bafb762, JDK ..., 2 CPUs"; what the file lacks is left out, and a file with no run
     * facts at all (written before they existed) says so.
     */
    public static String describe(Map<String, Object> run) {
        if (run == null || run.isEmpty()) return "no run facts (written by an older version)";
        var sb = new StringBuilder();
        append(sb, "started ", run.get("started_utc"));
        append(sb, "build ", run.get("build"));
        append(sb, "JDK ", run.get("jdk"));
        if (run.get("cpus") instanceof Number n) append(sb, "", n.longValue() + " CPUs");
        return sb.isEmpty() ? "no run facts it can read" : sb.toString();
    }

    private static void append(StringBuilder sb, String label, Object v) {
        if (v == null) return;
        if (!sb.isEmpty()) sb.append(", ");
        sb.append(label).append(v);
    }
}
