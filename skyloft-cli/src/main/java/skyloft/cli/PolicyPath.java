package skyloft.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code --policy-path}: the jars and class directories that hold policy classes named by their
 * full name ({@code --policy com.acme.Lottery}, {@code skyloft:com.acme.Lottery},
 * {@code policy: com.acme.Lottery} in a scenario). The command runs with a class loader over
 * them as its thread's context class loader, which the policy registry loads classes through,
 * and which the threads the command starts inherit.
 */
final class PolicyPath {
    static final String OPTION = "--policy-path";

    @Option(names = OPTION, paramLabel = "PATH", description = "Jars and class directories, separated by ':', holding policy "
            + "classes named by their full name, e.g. --policy-path lottery.jar --policy com.acme.Lottery (docs/POLICIES.md, "
            + "\"Writing a policy\").")
    String path;

    /** The entries of {@code text}, each an existing directory or file; throws naming the first
     *  that is not, and what is allowed. */
    static List<Path> entries(String text) {
        List<Path> out = new ArrayList<>();
        for (String e : text.split(File.pathSeparator, -1)) {
            if (e.isBlank()) {
                throw new IllegalArgumentException(OPTION + " '" + text + "' has an empty entry; allowed: jars and class directories separated by '"
                        + File.pathSeparator + "'");
            }
            Path p = Path.of(e.strip());
            if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
                throw new IllegalArgumentException(OPTION + ": '" + e + "' is neither a directory nor a file; allowed: jars and class directories");
            }
            out.add(p);
        }
        return out;
    }

    /** The path given to the command that will run (the last subcommand parsed), or null. */
    static String given(ParseResult parsed) {
        ParseResult pr = parsed;
        while (pr.hasSubcommand()) pr = pr.subcommand();
        OptionSpec o = pr.commandSpec().findOption(OPTION);
        return o != null && o.getValue() instanceof String s ? s : null;
    }

    /** A loader over {@code entries} whose parent is {@code parent}. */
    static URLClassLoader loader(List<Path> entries, ClassLoader parent) {
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toAbsolutePath().toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(OPTION + ": '" + entries.get(i) + "' is not a usable path: " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("skyloft-policy-path", urls, parent);
    }

    /** A body that may fail as a command does. */
    interface Body {
        int run();
    }

    /** Runs {@code body} with the current thread's context class loader over the path given to
     *  the command, if one was; puts the old loader back and closes the new one afterwards. */
    static int run(ParseResult parsed, Body body) {
        String text = given(parsed);
        if (text == null) return body.run();
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader loader = loader(entries(text), before != null ? before : PolicyPath.class.getClassLoader())) {
            me.setContextClassLoader(loader);
            return body.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            me.setContextClassLoader(before);
        }
    }
}
