package sample;

import java.time.Duration;
import java.util.Locale;
import skyloft.runtime.Affinity;
import skyloft.runtime.SkyloftRuntime;
import skyloft.spi.SchedAttr;

/**
 * What starting and stopping a runtime costs in a fresh JVM, part by part: FFM's first linking
 * (the first CPU-affinity call), the build, a first task, and {@code close()}; with the runtime's
 * JFR events on or off. One line per run; run it a few times, each in a JVM of its own.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp skyloft-bench.jar:skyloft-core.jar:HdrHistogram.jar sample.StartCost [jfr|nojfr]
 * </pre>
 */
public final class StartCost {
    private StartCost() {}

    public static void main(String[] args) throws Exception {
        boolean jfr = args.length == 0 || args[0].equals("jfr");
        if (args.length > 0 && !args[0].equals("jfr") && !args[0].equals("nojfr")) {
            System.err.println("usage: StartCost [jfr|nojfr]; got " + String.join(" ", args));
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Affinity.allowedCpus();
        long t1 = System.nanoTime();
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .policy("rr").jfr(jfr).build();
        long t2 = System.nanoTime();
        rt.start("first", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10));
        long t3 = System.nanoTime();
        rt.close();
        long t4 = System.nanoTime();
        System.out.printf(Locale.ROOT, "jfr events %s: first FFM call %.0f ms, build %.0f ms, first task %.0f ms, close %.0f ms%n",
                jfr ? "on" : "off", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6);
    }
}
