package skyloft.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks the paths a command will write before it runs, so that a benchmark of many minutes is
 * not lost at its end to a path that cannot be written. File options ({@code --json},
 * {@code --trace}, {@code --gantt}, run's {@code --jfr}) must not name a directory, and their nearest existing
 * ancestor must be a directory we may write in; the writers create missing directories later.
 * No path, input or output, may be empty (it would stand for the current directory).
 * No output may be an input of the command (sim's scenario file, an entry of
 * {@code --policy-path}, a file that run's application is given: its source file, jar, argument
 * files, class path entries and arguments that name files) or another output, nor an existing
 * Java file ({@code .java}, {@code .class}, {@code .jar}): a recording or a table written there
 * would replace code. A report directory ({@code --out}) is created at once.
 */
final class OutputPaths {
    static final String[] FILE_OPTIONS = {"--json", "--trace", "--gantt", "--jfr"};
    static final String DIR_OPTION = "--out";

    private OutputPaths() {}

    /** Checks the output options of the command that will run (the last subcommand parsed). */
    static void check(ParseResult parsed) {
        ParseResult pr = parsed;
        while (true) {
            if (pr.isUsageHelpRequested() || pr.isVersionHelpRequested()) return;
            if (!pr.hasSubcommand()) break;
            pr = pr.subcommand();
        }
        CommandSpec spec = pr.commandSpec();
        Map<String, Path> outputs = new LinkedHashMap<>();
        for (String name : FILE_OPTIONS) {
            OptionSpec o = spec.findOption(name);
            if (o != null && o.getValue() instanceof Path p) {
                checkFile(name, p);
                outputs.put(name, p);
            }
        }
        List<Map.Entry<String, Path>> inputs = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.getValue() instanceof Path in) {
                if (in.toString().isEmpty()) {
                    // report's DIR is a directory; the other commands' inputs are files
                    throw new IllegalArgumentException(p.paramLabel() + " '': the path is empty; expected "
                            + (p.paramLabel().equals("DIR") ? "a directory" : "a file") + " to read");
                }
                inputs.add(Map.entry("the input " + p.paramLabel(), in));
            }
        }
        OptionSpec policyPath = spec.findOption(PolicyPath.OPTION);
        if (policyPath != null && policyPath.getValue() instanceof List<?> parts) {
            for (Object part : parts) {
                for (String e : part.toString().split(java.io.File.pathSeparator)) {
                    if (!e.isBlank()) inputs.add(Map.entry("an entry of " + PolicyPath.OPTION, Path.of(e.strip())));
                }
            }
        }
        if (spec.userObject() instanceof RunCommand run) {
            for (Path in : run.inputFiles()) inputs.add(Map.entry("a file the application's command line names", in));
        }
        checkDistinct(outputs, inputs);
        for (var out : outputs.entrySet()) {
            String name = out.getValue().getFileName() == null ? "" : out.getValue().getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (Files.isRegularFile(out.getValue()) && (name.endsWith(".java") || name.endsWith(".class") || name.endsWith(".jar"))) {
                throw new IllegalArgumentException(out.getKey() + " " + out.getValue() + " is Java code (a .java, .class or .jar file); "
                        + "writing it would replace it, so give another path");
            }
        }
        OptionSpec out = spec.findOption(DIR_OPTION);
        if (out != null && out.getValue() instanceof Path p) checkDir(DIR_OPTION, p);
    }

    /** Throws if an output would overwrite an input (each what it is, e.g. {@code the input FILE}, to its path) or another output. */
    static void checkDistinct(Map<String, Path> outputs, List<Map.Entry<String, Path>> inputs) {
        List<Map.Entry<String, Path>> seen = new ArrayList<>();
        for (var out : outputs.entrySet()) {
            for (var in : inputs) {
                if (same(out.getValue(), in.getValue())) {
                    throw new IllegalArgumentException(out.getKey() + " " + out.getValue() + " is " + in.getKey()
                            + "; writing it would overwrite it, so give another path");
                }
            }
            for (var other : seen) {
                if (same(out.getValue(), other.getValue())) {
                    throw new IllegalArgumentException(other.getKey() + " " + other.getValue() + " and " + out.getKey() + " "
                            + out.getValue() + " are the same file; one would replace the other, so give each its own path");
                }
            }
            seen.add(out);
        }
    }

    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b); // links, and a/../a spellings
        } catch (IOException e) {
            return false;
        }
    }

    /** Throws if {@code file} cannot be written: it is a directory, a read-only file, or no ancestor we may write in. */
    static void checkFile(String option, Path file) {
        if (file.toString().isEmpty()) throw new IllegalArgumentException(option + " '': the path is empty; expected a file to write");
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new IllegalArgumentException(option + " " + file + " is a directory; expected a file to write");
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new IllegalArgumentException(option + " " + file + " exists and is not writable");
        }
        Path parent = abs.getParent();
        // a device or FIFO is written into, not replaced: nothing is created beside it
        if (parent != null && (!Files.exists(abs) || Files.isRegularFile(abs))) writableAncestor(option, file, parent);
    }

    /** Creates {@code dir} if needed; throws, naming the path, if it is a file or cannot be created or written. */
    static void checkDir(String option, Path dir) {
        // the current directory, taken for a report directory, would get its files strewn in it
        if (dir.toString().isEmpty()) throw new IllegalArgumentException(option + " '': the path is empty; expected a directory for the report");
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + dir + " is a file; expected a directory for the report");
        }
        writableAncestor(option, dir, abs);
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + dir + ": cannot create the directory: " + skyloft.bench.AtomicFiles.describe(e, abs));
        } catch (SecurityException e) {
            throw new IllegalArgumentException(option + " " + dir + ": cannot create the directory: " + e.getMessage());
        }
        if (!Files.isWritable(abs)) throw new IllegalArgumentException(option + " " + dir + " is not writable");
    }

    private static void writableAncestor(String option, Path given, Path start) {
        Path a = start;
        while (a != null && !Files.exists(a)) a = a.getParent();
        if (a == null) return;
        if (!Files.isDirectory(a)) {
            throw new IllegalArgumentException(option + " " + given + ": " + a + " is a file, so nothing can be written under it");
        }
        if (!Files.isWritable(a)) throw new IllegalArgumentException(option + " " + given + ": the directory " + a + " is not writable");
        // What permissions cannot tell (a file system such as /proc, read-only or full, where
        // root may write by the bits): create a file there, and delete it.
        try {
            Files.delete(Files.createTempFile(a, ".skyloft-probe-", ".tmp"));
        } catch (IOException | SecurityException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.AccessDeniedException || e instanceof SecurityException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "its file system takes no new files" // /proc
                    : e.getClass().getSimpleName();
            throw new IllegalArgumentException(option + " " + given + ": nothing can be created in the directory " + a + " (" + why + ")");
        }
    }
}
