package skyloft.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import skyloft.bench.AtomicFiles;
import skyloft.bench.BenchResult;

/**
 * Runs a benchmark and reports its result, keeping what it measured when the run does not end:
 * stopped part-way (Ctrl-C, SIGTERM) or failing part-way, it prints the rows of the benchmark in
 * progress measured so far and writes them to its JSON file, marked {@code "complete": false}
 * with why it stopped in {@code "stopped"}. Exactly one report is made, the whole one or the
 * partial one; bad input found before anything was measured prints nothing more than its error.
 */
final class BenchRun {
    /** The report of a run that ended. */
    interface Report<T> {
        void of(T result) throws IOException;
    }

    /** Where the partial result of a benchmark goes; null for nowhere. */
    private final Function<BenchResult, Path> jsonFor;
    /** What the earlier parts left, said when nothing of the part in progress is kept; or "". */
    private final String kept;
    private final PrintStream out, err;
    private final Object lock = new Object();
    private boolean reported;
    private BenchResult before;
    private long startNs;

    BenchRun(Function<BenchResult, Path> jsonFor, String kept, PrintStream out, PrintStream err) {
        this.jsonFor = jsonFor;
        this.kept = kept;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code bench}, then prints its table and writes {@code json} (if given). */
    static void run(Path json, Callable<BenchResult> bench) throws Exception {
        new BenchRun(r -> json, "", System.out, System.err).execute(bench, r -> r.report(System.out, json));
    }

    /** Runs several benchmarks that write {@code dir/NAME.json} as each ends ({@code demo},
     *  {@code bench all}); the one in progress when the run stops writes its rows there too. */
    static void runAll(Path dir, Callable<?> benches) throws Exception {
        new BenchRun(r -> dir.resolve(r.benchmark() + ".json"), "; the benchmarks finished before it are in " + dir, System.out, System.err)
                .execute(benches, r -> {});
    }

    /** Runs {@code work}, then {@code report}s its result, unless the JVM began to stop meanwhile. */
    <T> void execute(Callable<T> work, Report<T> report) throws Exception {
        before = BenchResult.latest();
        startNs = System.nanoTime();
        Thread hook = new Thread(() -> partial("stopped part-way (interrupted or killed)", null), "skyloft-keep-results");
        Runtime.getRuntime().addShutdownHook(hook);
        T r;
        try {
            r = work.call();
        } catch (Exception | Error e) {
            removeHook(hook);
            partial("failed part-way", e.getMessage() != null ? e.getMessage() : e.toString());
            throw e;
        }
        try {
            synchronized (lock) {
                if (reported) return; // the JVM is stopping and the partial result is out
                reported = true;
                report.of(r);
            }
        } finally {
            removeHook(hook);
        }
    }

    /** Removes a shutdown hook that reports what was measured; if the JVM is stopping already, the
     *  hook runs (or ran), and it reports only if nothing was reported. */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or has run; it reports only if nothing was reported
        }
    }

    /** The rows measured so far, printed and written, marked incomplete with {@code why}; {@code error}
     *  is the failure's message (which the command line prints after), null if the JVM is stopping. */
    private void partial(String why, String error) {
        boolean stopped = error == null;
        synchronized (lock) {
            if (reported) return;
            reported = true;
            BenchResult now = BenchResult.latest();
            BenchResult r = now == null || now == before ? null : now.snapshot();
            Path json = r == null ? null : jsonFor.apply(r);
            String after = String.format(Locale.ROOT, "after %.1f s", (System.nanoTime() - startNs) / 1e9);
            if (r == null || r.rows().isEmpty() || writtenWhole(r, json)) {
                // a failure this early is bad input, or the like: its error says it all
                if (stopped) err.println("skyloft: " + why + " " + after + ", before a measurement of the benchmark in progress finished"
                        + (kept.isEmpty() ? "; nothing to keep" + (json == null ? "" : ", " + json + " not written") : kept));
                return;
            }
            r.param("complete", false).param("stopped", why + " " + after + (stopped ? "" : ": " + error));
            r.printTable(out);
            out.flush();
            String where = "";
            if (json != null) {
                try {
                    r.writeJson(json);
                    where = " and in " + json + " (marked \"complete\": false)";
                } catch (IOException e) {
                    err.println("skyloft: " + AtomicFiles.describe(e));
                }
            }
            err.println("skyloft: " + why + " " + after + "; the " + r.rows().size() + " rows of " + r.benchmark() + " measured so far are above"
                    + where + kept);
        }
    }

    /** Whether {@code json} holds {@code r} whole already: a part of several that ended and was written. */
    private static boolean writtenWhole(BenchResult r, Path json) {
        try {
            return json != null && Files.isRegularFile(json) && Files.readString(json).equals(r.toJson());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
