package skyloft.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import skyloft.bench.AtomicFiles;
import skyloft.bench.BenchResult;
import skyloft.bench.Demo;
import skyloft.bench.Report;
import skyloft.bench.RunFacts;
import skyloft.util.JsonReader;

/**
 * {@code skyloft report DIR}: the headline table and {@code DIR/index.html} again, from the JSON
 * files a demo or {@code bench all} left in DIR (or any benchmark's {@code --json} files put
 * there), e.g. after a run stopped part-way, which writes its JSON but no report.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Rebuild the headline table and DIR/index.html from the benchmark JSON files in DIR: what a demo or bench all "
                + "left there (also when stopped part-way, which writes no report), or any benchmark's --json files.",
                "The machine facts are the run's own (DIR/machine.json) when the run wrote them, else this machine's now, and the "
                + "report says which. Results marked \"complete\": false were stopped part-way; their params say so.",
                "A file it cannot use (not UTF-8, not JSON, another program's, rows without the params the report reads) is left "
                + "out, named with the reason on stderr and in the page."})
final class ReportCommand implements Callable<Integer> {
    /** The order the demo runs its benchmarks in; others follow by name. */
    private static final List<String> ORDER = List.of("schbench", "lc", Demo.COLOCATION, "pipe", "ops", "pick", "capacity");
    /** Every benchmark whose --json a report takes: the demo's, then the other bench commands' and jfr's. */
    static final List<String> KNOWN = Stream.concat(ORDER.stream(),
            Stream.of("yield", "spawn", "poll-overhead", "rewrite", "preempt", "jfr")).toList();

    @Parameters(paramLabel = "DIR", description = "The directory with the JSON files; index.html is written there.")
    Path dir;

    @Option(names = "--title", paramLabel = "TEXT", description = "The page's title (default: Skyloft-J report, rebuilt from DIR).")
    String title;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("report: '" + dir + "' is not a directory; give the --out directory of a demo or bench all");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().equals(Demo.MACHINE_FILE))
                    .sorted().toList();
        }
        List<BenchResult> results = new ArrayList<>();
        Map<String, Path> fileOf = new LinkedHashMap<>();
        List<String> leftOut = new ArrayList<>();
        for (Path f : files) {
            String why;
            BenchResult r = null;
            if (Files.isDirectory(f)) {
                why = "it is a directory";
            } else {
                try {
                    r = BenchResult.fromJson(Files.readString(f, StandardCharsets.UTF_8));
                    why = KNOWN.contains(r.benchmark()) ? Report.check(r)
                            : "benchmark '" + r.benchmark() + "' is not one of Skyloft's; allowed: " + String.join(", ", KNOWN);
                } catch (CharacterCodingException e) {
                    why = "it is not UTF-8 text, as a benchmark's JSON is";
                } catch (IOException e) {
                    why = "cannot read it: " + AtomicFiles.describe(e, f);
                } catch (IllegalArgumentException e) {
                    why = e.getMessage();
                }
            }
            if (why != null) {
                System.err.println("skyloft: report: skipping " + f + ": " + why);
                leftOut.add(f.getFileName() + ": " + why);
                continue;
            }
            // the headline takes one result per benchmark; two would be mixed into it
            Path other = fileOf.putIfAbsent(r.benchmark(), f);
            if (other != null) {
                throw new IllegalArgumentException("report: " + other + " and " + f + " both hold results of " + r.benchmark()
                        + "; a report takes one result per benchmark, so move one of them out of " + dir);
            }
            results.add(r);
        }
        if (results.isEmpty()) throw new IllegalArgumentException("report: no benchmark results (*.json) in " + dir);
        results.sort(Comparator.comparingInt((BenchResult r) -> ORDER.contains(r.benchmark()) ? ORDER.indexOf(r.benchmark()) : ORDER.size())
                .thenComparing(BenchResult::benchmark));
        String rebuilt = "rebuilt by skyloft report at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " from " + results.size() + " JSON file(s)";
        Map<String, String> machine = runMachine();
        if (machine == null) {
            machine = Report.machine(cores(results));
            machine.put("these facts", "describe this machine when the report was " + rebuilt + ", not the run (it left no " + Demo.MACHINE_FILE
                    + "); each file's own run follows");
            for (BenchResult r : results) machine.put("run of " + r.benchmark(), RunFacts.describe(r.run()));
        } else {
            machine.put("report", rebuilt);
        }
        String mixed = mixedCores(results);
        if (mixed != null) {
            System.err.println("skyloft: report: note: " + mixed);
            machine.remove(Report.CORES_FACT);
        }
        List<String> partial = results.stream().filter(r -> Boolean.FALSE.equals(r.params().get("complete"))).map(BenchResult::benchmark).toList();
        boolean ownRun = machine.containsKey("report"); // the run's machine.json was there
        String note = (mixed != null ? mixed : ownRun ? Demo.NOTE : NOT_ONE_RUN)
                + (partial.isEmpty() ? "" : " Stopped part-way, with the rows measured until then: " + String.join(", ", partial) + ".")
                + (leftOut.isEmpty() ? "" : " Left out of this report: " + leftOut.size() + " file(s) it cannot use: " + String.join("; ", leftOut) + ".");
        Demo.writeReport(results, machine, dir, title != null ? title : "Skyloft-J report, rebuilt from " + dir, note, System.out);
        return 0;
    }

    /** What the page says of its figures when DIR holds no machine.json: its files may be the --json
     *  of separate bench commands, which the demo's note ("measured in the run described below, in
     *  one JVM") would misdescribe. */
    static final String NOT_ONE_RUN = "Every figure on this page is from the JSON files it was rebuilt from, each as the run that wrote it "
            + "measured it (one system after another in one JVM, on the same cores). Without the run's machine.json the report cannot tell "
            + "whether the files come from one run.";

    /** Null if the results that name their cores name one count, else a sentence saying which
     *  ran on which: they cannot all be from one run then. */
    static String mixedCores(List<BenchResult> results) {
        Map<Object, List<String>> byCores = new LinkedHashMap<>();
        for (BenchResult r : results) {
            if (r.params().get("cores") instanceof Number n) byCores.computeIfAbsent(n.longValue(), k -> new ArrayList<>()).add(r.benchmark());
        }
        if (byCores.size() < 2) return null;
        List<String> parts = new ArrayList<>();
        byCores.forEach((cores, names) -> parts.add(and(names) + " on " + cores));
        return "These results come from runs on different core counts (" + String.join("; ", parts)
                + "), so from more than one run: compare figures across benchmarks with care.";
    }

    private static String and(List<String> names) {
        if (names.size() == 1) return names.getFirst();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    /** The facts the run wrote at its start, or null. */
    private Map<String, String> runMachine() throws IOException {
        Path f = dir.resolve(Demo.MACHINE_FILE);
        if (!Files.isRegularFile(f)) return null;
        try {
            if (!(JsonReader.parse(Files.readString(f, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) return null;
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
            return out;
        } catch (IllegalArgumentException e) {
            System.err.println("skyloft: report: ignoring " + f + ": " + e.getMessage());
            return null;
        }
    }

    /** The cores the results say they used, or this machine's (at most 2), as the demo's default. */
    private static int cores(List<BenchResult> results) {
        for (BenchResult r : results) if (r.params().get("cores") instanceof Long c) return c.intValue();
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }
}
