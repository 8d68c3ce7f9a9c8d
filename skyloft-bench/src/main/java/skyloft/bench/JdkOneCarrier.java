package skyloft.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * jdk-default on one carrier, measured in a JVM of its own. The JDK's default scheduler reads its
 * parallelism once per JVM, when the first virtual thread starts, so a benchmark that runs
 * jdk-default at {@code --cores 2} cannot also run it at parallelism 1 in the same JVM, and the
 * one-carrier rows of {@code bench pipe} and {@code bench ops} (yield, spawn) had no jdk-default
 * figure beside Skyloft's. {@link #measure} starts this class's {@link #main} in a child JVM (the
 * same {@code java}, class path and module flags) with the scheduler's parallelism at 1; the
 * child measures with the same code as the parent, prints its rows as JSON, and exits. The rows
 * say {@code carriers 1} and {@code jvm "child, parallelism 1"}.
 *
 * <p>Failure is reported, not fatal: a child that cannot start, exits with an error or runs past
 * its time limit gives no rows, and {@link #measure} returns why, for the benchmark to print.
 */
public final class JdkOneCarrier {
    private JdkOneCarrier() {}

    /** What the child measures: the pipe round trip, or the ops table's yield switch and spawn. */
    public enum What { PIPE, OPS }

    /** The child's rows, or none and why. */
    public record Result(List<BenchResult.Row> rows, String problem) {}

    /** The JVM options of this JVM that the child needs too (module access; heap and collector). */
    static List<String> inheritedJvmOptions(List<String> inputArguments) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < inputArguments.size(); i++) {
            String a = inputArguments.get(i);
            if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=") || a.startsWith("--enable-native-access=")
                    || a.startsWith("-Xmx") || a.startsWith("-Xms") || a.matches("-XX:[+-]Use\\w+GC")) {
                out.add(a);
            } else if ((a.equals("--add-opens") || a.equals("--add-exports") || a.equals("--enable-native-access")) && i + 1 < inputArguments.size()) {
                out.add(a);
                out.add(inputArguments.get(++i));
            }
        }
        return out;
    }

    /**
     * Runs {@code what} in a child JVM at parallelism 1: {@code perRunNs} per pipe run, or the
     * ops counts, {@code runs} measured runs after one warm-up, as the parent does. Waits at most
     * {@code limitNs}; an interrupt stops the child.
     */
    public static Result measure(What what, long perRunNs, int runs, long limitNs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(inheritedJvmOptions(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-Djdk.virtualThreadScheduler.parallelism=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JdkOneCarrier.class.getName());
        cmd.add(what.name().toLowerCase());
        cmd.add(Long.toString(perRunNs));
        cmd.add(Integer.toString(runs));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return new Result(List.of(), "the child JVM did not start: " + e.getMessage());
        }
        try {
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (InputStream in = p.getInputStream()) {
                    out[0] = in.readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            if (!p.waitFor(limitNs, TimeUnit.NANOSECONDS)) {
                return new Result(List.of(), "the child JVM ran past " + skyloft.util.Durations.format(limitNs) + " and was stopped");
            }
            reader.join(TimeUnit.NANOSECONDS.toMillis(limitNs) + 1);
            if (p.exitValue() != 0) return new Result(List.of(), "the child JVM exited with " + p.exitValue() + " (its errors are above)");
            String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
            try {
                return new Result(BenchResult.fromJson(text).rows(), null);
            } catch (IllegalArgumentException e) {
                return new Result(List.of(), "the child JVM's output was not a result: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(List.of(), "interrupted");
        } finally {
            p.destroyForcibly();
        }
    }

    /** The child: {@code pipe|ops PER_RUN_NS RUNS}; prints a result's JSON on stdout. */
    public static void main(String[] args) {
        if (args.length != 3) throw new IllegalArgumentException("usage: pipe|ops PER_RUN_NS RUNS; got " + List.of(args));
        if (!args[0].equals("pipe") && !args[0].equals("ops")) throw new IllegalArgumentException("'" + args[0] + "' is not a measurement; allowed: pipe, ops");
        What what = What.valueOf(args[0].toUpperCase());
        long perRunNs = Long.parseLong(args[1]);
        int runs = Integer.parseInt(args[2]);
        int par = Baselines.configureJdkDefault(1);
        if (par != 1) throw new IllegalStateException("the JDK's default scheduler has parallelism " + par + ", not 1");
        BenchResult r = new BenchResult(what.name().toLowerCase());
        if (what == What.PIPE) {
            r.add(row(Harness.measure(1, runs, () -> PipeBench.roundTripUs(perRunNs, b -> Thread.ofVirtual().start(b), b -> Thread.ofVirtual().start(b))),
                    "us_per_roundtrip", "us"));
        } else {
            r.add(row(Harness.measure(1, runs, () -> YieldBench.pingPong(OpsBench.YIELD_SWITCHES / 2, b -> Thread.ofVirtual().start(b))), "yield_ns", "ns"));
            r.add(row(Harness.measure(1, runs, () -> SpawnBench.inside(b -> Thread.ofVirtual().start(b),
                    () -> SpawnBench.loop(OpsBench.SPAWNS, () -> Thread.ofVirtual().start(() -> { })))), "spawn_ns", "ns"));
        }
        System.out.print(r.toJson());
        System.out.flush();
    }

    private static BenchResult.Row row(Harness.Measurement m, String metric, String unit) {
        BenchResult.Row row = m.row(Baselines.JDK_DEFAULT, metric, unit);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("carriers", 1);
        p.put("jvm", "child, parallelism 1");
        p.putAll(row.params());
        return new BenchResult.Row(row.system(), row.metric(), row.value(), row.unit(), p);
    }
}
