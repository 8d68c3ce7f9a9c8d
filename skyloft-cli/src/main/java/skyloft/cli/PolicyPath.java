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
import skyloft.policy.PolicyRegistry;

/**
 * {@code --policy-path}: the jars, class directories and Java source files that hold policy
 * classes named by their full name ({@code --policy com.acme.Lottery},
 * {@code skyloft:com.acme.Lottery}, {@code policy: com.acme.Lottery} in a scenario). Source files
 * are compiled together, once per command, against skyloft-core and the path's other entries,
 * into a temporary directory that is deleted when the command's JVM exits. The command runs with
 * a class loader over the result as its thread's context class loader, which the policy
 * registry loads classes through, and which the threads the command starts inherit. The path's
 * classes with a short name ({@code @PolicyInfo(name = "lottery")}) are listed in a services
 * file there, through which the registry finds them by that name ({@link #classPath}).
 */
final class PolicyPath {
    static final String OPTION = "--policy-path";

    @Option(names = OPTION, paramLabel = "PATH", description = "Jars, class directories and .java files, separated by ':', "
            + "holding policy classes named by their full name, e.g. --policy-path Lottery.java --policy example.Lottery "
            + "(docs/POLICIES.md, \"Writing a policy\"). Source files are compiled first. May be given more than once.")
    List<String> parts;

    /** The path as one text (every {@code --policy-path} joined), or null if none was given. */
    String path() {
        return joined(parts);
    }

    private static String joined(List<?> parts) {
        if (parts == null || parts.isEmpty()) return null;
        return String.join(File.pathSeparator, parts.stream().map(Object::toString).toList());
    }

    /** The class path of each path text compiled so far in this JVM (a command and its run share one compilation). */
    private static final java.util.Map<String, List<Path>> COMPILED = new java.util.HashMap<>();
    /** The compilations' directories, deleted when this JVM exits unless kept. */
    private static final List<Path> TO_DELETE = new ArrayList<>();
    private static boolean keep;

    static final String ALLOWED = "allowed: jars, class directories and .java files";

    /** The entries of {@code text}, each a directory, a {@code .java} file or a jar; throws naming
     *  the first that is not, and what is allowed. */
    static List<Path> entries(String text) {
        List<Path> out = new ArrayList<>();
        for (String e : text.split(File.pathSeparator, -1)) {
            if (e.isBlank()) {
                throw new IllegalArgumentException(OPTION + " '" + text + "' has an empty entry; " + ALLOWED + " separated by '"
                        + File.pathSeparator + "'");
            }
            Path p = Path.of(e.strip());
            if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
                throw new IllegalArgumentException(OPTION + ": '" + e + "' is neither a directory nor a file; " + ALLOWED);
            }
            if (Files.isRegularFile(p) && !isSource(p)) checkJar(OPTION, p, ALLOWED);
            if (Files.isDirectory(p)) checkNotSourcesOnly(p);
            out.add(p);
        }
        return out;
    }

    /** Throws if directory {@code dir} holds {@code .java} files and no {@code .class} file: a
     *  directory entry is a class directory, and one of sources alone would find no policy, the
     *  command then saying only that the policy is unknown. */
    static void checkNotSourcesOnly(Path dir) {
        List<String> sources = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (var it = files.filter(Files::isRegularFile).iterator(); it.hasNext(); ) {
                Path f = it.next();
                String name = f.getFileName().toString();
                if (name.endsWith(".class")) return;
                if (isSource(f)) sources.add(f.toString());
            }
        } catch (IOException | UncheckedIOException e) {
            return; // unreadable parts: the class loader will say what it finds
        }
        if (sources.isEmpty()) return;
        sources.sort(null);
        String shown = String.join(File.pathSeparator, sources.subList(0, Math.min(3, sources.size())))
                + (sources.size() > 3 ? "" + File.pathSeparator + "... (" + sources.size() + " files)" : "");
        throw new IllegalArgumentException(OPTION + ": '" + dir + "' holds Java sources and no compiled classes, and a directory entry is a "
                + "class directory; give the .java files themselves (" + OPTION + " " + shown + "), or compile them into one; " + ALLOWED);
    }

    /** Throws, naming {@code option}, the file and why, unless {@code file} opens as a jar (a zip
     *  archive); {@code allowed} says what the option takes. */
    static void checkJar(String option, Path file, String allowed) {
        String why;
        try (var jar = new java.util.jar.JarFile(file.toFile())) {
            return;
        } catch (java.util.zip.ZipException e) {
            why = e.getMessage();
        } catch (IOException e) {
            why = skyloft.bench.AtomicFiles.describe(e, file);
        }
        throw new IllegalArgumentException(option + ": '" + file + "' is not a jar (" + why + "); " + allowed);
    }

    /**
     * The class path for {@code text}: its jars and directories as given, with its {@code .java}
     * files compiled into a directory put first. Compiler errors go to stderr, and end in an
     * IllegalArgumentException naming the files. If a class of the path has a short name
     * ({@code @PolicyInfo(name = ...)}), that first directory also holds a
     * {@value PolicyRegistry#SERVICES} file listing every such class, through which the registry
     * finds them by their short names, here and in {@code run}'s application.
     */
    static synchronized List<Path> classPath(String text) {
        List<Path> cached = COMPILED.get(text);
        if (cached != null) return cached;
        List<Path> given = entries(text);
        List<Path> sources = given.stream().filter(PolicyPath::isSource).toList();
        List<Path> result = new ArrayList<>(given.stream().filter(e -> !isSource(e)).toList());
        if (!sources.isEmpty()) {
            javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
            if (javac == null) throw new IllegalStateException(OPTION + ": this JDK has no Java compiler (jdk.compiler) for " + sources);
            Path out = newDirectory();
            StringBuilder cp = new StringBuilder(RunCommand.codeSource(skyloft.spi.SchedPolicy.class).toString());
            for (Path e : result) cp.append(File.pathSeparator).append(e.toAbsolutePath());
            List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", cp.toString(), "-proc:none", "-implicit:class",
                    "-Xlint:none", "-XDsuppressNotes"));
            for (Path src : sources) args.add(src.toString());
            if (javac.run(null, System.err, System.err, args.toArray(String[]::new)) != 0) {
                throw new IllegalArgumentException(OPTION + ": compiling " + sources.stream().map(Path::toString).toList()
                        + " failed (the compiler's messages are above)");
            }
            result.addFirst(out);
        }
        try {
            List<String> named = shortNamedClasses(result);
            if (!named.isEmpty()) {
                if (sources.isEmpty()) result.addFirst(newDirectory());
                Path services = result.getFirst().resolve(PolicyRegistry.SERVICES);
                Files.createDirectories(services.getParent());
                Files.write(services, named);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(OPTION + ": listing the policy classes with short names: " + e.getMessage(), e);
        }
        COMPILED.put(text, List.copyOf(result));
        return COMPILED.get(text);
    }

    /** A new temporary directory, deleted when this JVM exits unless kept. */
    private static Path newDirectory() {
        Path out;
        try {
            out = Files.createTempDirectory("skyloft-policies-");
        } catch (IOException e) {
            throw new UncheckedIOException(OPTION + ": cannot create a temporary directory: " + e.getMessage(), e);
        }
        if (TO_DELETE.isEmpty()) Runtime.getRuntime().addShutdownHook(new Thread(PolicyPath::deleteCompiled, "skyloft-policy-path-cleanup"));
        TO_DELETE.add(out);
        return out;
    }

    /**
     * The full names of the classes in {@code entries} (class directories and jars) whose
     * {@code @PolicyInfo} gives a short name, read from their class files without loading them.
     */
    static List<String> shortNamedClasses(List<Path> entries) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path e : entries) {
            if (Files.isDirectory(e)) {
                try (var files = Files.walk(e)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        if (hasShortName(Files.readAllBytes(f))) out.add(className(e.relativize(f).toString().replace(File.separatorChar, '/')));
                    }
                }
            } else if (!isSource(e)) {
                try (var jar = new java.util.jar.JarFile(e.toFile())) {
                    for (var entry : jar.stream().filter(j -> j.getName().endsWith(".class") && !j.getName().startsWith("META-INF/"))
                            .sorted(java.util.Comparator.comparing(java.util.jar.JarEntry::getName)).toList()) {
                        try (var in = jar.getInputStream(entry)) {
                            if (hasShortName(in.readAllBytes())) out.add(className(entry.getName()));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final String POLICY_INFO = "L" + skyloft.spi.PolicyInfo.class.getName().replace('.', '/') + ";";

    /** True if the class file {@code bytes} carries a {@code @PolicyInfo} with a {@code name}. */
    private static boolean hasShortName(byte[] bytes) {
        try {
            return java.lang.classfile.ClassFile.of().parse(bytes)
                    .findAttribute(java.lang.classfile.Attributes.runtimeVisibleAnnotations()).stream()
                    .flatMap(a -> a.annotations().stream())
                    .filter(a -> a.classSymbol().descriptorString().equals(POLICY_INFO))
                    .anyMatch(a -> a.elements().stream().anyMatch(el -> el.name().equalsString("name")));
        } catch (IllegalArgumentException notAClassFile) {
            return false; // a damaged or foreign file with a .class name: no policy of ours
        }
    }

    /**
     * The full names of the policy classes in {@code entries} (class directories and jars, as
     * {@link #classPath} gives them), loaded through {@code loader} without initializing them:
     * public, not abstract, extending SchedPolicy. Classes that do not load (a missing dependency)
     * are passed over.
     */
    static List<String> policyClasses(List<Path> entries, ClassLoader loader) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path e : entries) {
            if (Files.isDirectory(e)) {
                try (var files = Files.walk(e)) {
                    files.filter(f -> f.toString().endsWith(".class")).sorted()
                            .forEach(f -> names.add(className(e.relativize(f).toString().replace(File.separatorChar, '/'))));
                }
            } else if (!isSource(e)) {
                try (var jar = new java.util.jar.JarFile(e.toFile())) {
                    jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                            .sorted().forEach(n -> names.add(className(n)));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("module-info") || n.endsWith("package-info")) continue;
            try {
                Class<?> c = Class.forName(n, false, loader);
                int mod = c.getModifiers();
                if (skyloft.spi.SchedPolicy.class.isAssignableFrom(c) && java.lang.reflect.Modifier.isPublic(mod)
                        && !java.lang.reflect.Modifier.isAbstract(mod)) {
                    out.add(n);
                }
            } catch (ClassNotFoundException | LinkageError notLoadable) {
                // a class of the path that needs what the path lacks: not a policy we can run anyway
            }
        }
        return out;
    }

    /** {@code a/b/C$D.class} as {@code a.b.C$D}. */
    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }

    private static boolean isSource(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".java");
    }

    /** Leaves the compiled classes in place at exit (run's --dry-run prints a command that needs them); returns where they are. */
    static synchronized List<Path> keepCompiled() {
        keep = true;
        return List.copyOf(TO_DELETE);
    }

    private static synchronized void deleteCompiled() {
        if (keep) return;
        for (Path dir : TO_DELETE) RunCommand.deleteTree(dir);
    }

    /** The path given to the command that will run (the last subcommand parsed), or null. */
    static String given(ParseResult parsed) {
        ParseResult pr = parsed;
        while (pr.hasSubcommand()) pr = pr.subcommand();
        OptionSpec o = pr.commandSpec().findOption(OPTION);
        return o != null && o.getValue() instanceof List<?> l ? joined(l) : null;
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

    /** Runs {@code body} with the current thread's context class loader over the path given to
     *  the command, if one was. */
    static int run(ParseResult parsed, java.util.function.IntSupplier body) {
        String text = given(parsed);
        return text == null ? body.getAsInt() : withLoader(classPath(text), body::getAsInt);
    }

    /** Calls {@code body} with the current thread's context class loader over {@code entries} (its
     *  parent: the loader before); puts the old loader back and closes the new one afterwards. */
    static <T> T withLoader(List<Path> entries, java.util.function.Supplier<T> body) {
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader loader = loader(entries, before != null ? before : PolicyPath.class.getClassLoader())) {
            me.setContextClassLoader(loader);
            return body.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            me.setContextClassLoader(before);
        }
    }
}
