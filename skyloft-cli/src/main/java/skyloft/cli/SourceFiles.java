package skyloft.cli;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Source-file mode for {@code skyloft run}, as {@code java File.java ARGS} has it (JEP 330, with
 * JEP 458's other files of the same source tree compiled as they are needed, and JEP 512's
 * compact source files): the file is compiled into a directory before the application's JVM
 * starts, and the JVM runs the classes from there, so that the launcher and the agent see
 * ordinary classes. The main class is the first top-level class of the file when it declares a
 * method named {@code main}, else the class named after the file, as the JDK's launcher picks
 * it. A first line starting with {@code #!} (a script run with {@code --source N}) is blanked.
 *
 * <p>The compiler gets the options the JDK's launcher gives it: the class path, the module
 * options and {@code --enable-preview} from the JVM options, {@code --source}'s version as
 * {@code --release}, and {@code -proc:none}; like it, it reports errors only. The file is read as
 * the launcher reads it, in the application JVM's default charset (UTF-8 unless the JVM options
 * give {@code -Dfile.encoding}), a byte that is not of that charset read as U+FFFD; unlike it,
 * this says so on stderr. A file with NUL characters is no source and is refused.
 */
final class SourceFiles {
    private SourceFiles() {}

    /** The compilation failed; the compiler has printed why. */
    static final class CompilationFailed extends Exception {
        CompilationFailed(String message) {
            super(message);
        }
    }

    /** JVM options the compiler is given too, each with a value (as the next word or after '='). */
    private static final Set<String> FOR_COMPILER = Set.of("-p", "--module-path", "--upgrade-module-path", "--add-modules",
            "--limit-modules", "--add-exports", "--add-reads", "--patch-module");

    /**
     * Compiles {@code src}'s source file into {@code work}'s {@code classes} directory and returns
     * the command that runs it: the class path that directory then {@code src}'s, and the main
     * class. A script's copy goes to {@code work}'s {@code src}. Compiler messages go to {@code err}.
     */
    static JavaCommand compile(JavaCommand src, Path work, PrintWriter err) throws IOException, CompilationFailed {
        Path out = Files.createDirectories(work.resolve("classes"));
        Path file = Path.of(src.sourceFile());
        if (Files.isDirectory(file)) throw new IllegalArgumentException("source file " + file + " is a directory; expected a Java source file");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("source file " + file + ": no such file");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new IllegalStateException("this JDK has no Java compiler (jdk.compiler) for source-file mode");
        Charset charset = charset(src.jvmOptions());
        String text = read(file, charset, err);
        boolean script = text.startsWith("#!");
        String name = file.getFileName().toString();
        String stem = name.endsWith(".java") ? name.substring(0, name.length() - ".java".length()) : name;
        String source = script ? text.substring(lineEnd(text)) : text; // javac wants no #! line
        Path compiled = file;
        if (script || !name.endsWith(".java")) { // and a .java name, which the compiler's messages name
            Path dir = Files.createDirectories(work.resolve("src"));
            compiled = dir.resolve(stem + ".java");
            Files.writeString(compiled, source, StandardCharsets.UTF_8);
        }

        // quiet as java's source launcher is: errors only, no warnings and no notes
        List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-proc:none", "-implicit:class", "-Xlint:none",
                "-XDsuppressNotes"));
        if (src.classPath() != null) options.addAll(List.of("--class-path", src.classPath()));
        List<String> jvm = src.jvmOptions();
        boolean preview = false;
        for (int i = 0; i < jvm.size(); i++) {
            String o = jvm.get(i);
            int eq = o.indexOf('=');
            if (o.equals("--enable-preview")) {
                preview = true;
            } else if (FOR_COMPILER.contains(o) && i + 1 < jvm.size()) {
                options.addAll(List.of(o, jvm.get(++i)));
            } else if (o.startsWith("--") && eq > 0 && FOR_COMPILER.contains(o.substring(0, eq))) {
                options.add(o);
            }
        }
        String release = src.sourceVersion() != null ? src.sourceVersion() : preview ? Integer.toString(Runtime.version().feature()) : null;
        if (release != null) options.addAll(List.of("--release", release));
        if (preview) options.add("--enable-preview");

        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, charset)) {
            List<JavaFileObject> units = List.of(sourceObject(compiled, source));
            CompilationUnitTree unit;
            try {
                // parsed apart first for the package and the main class; its complaints come again from the compilation
                unit = ((JavacTask) javac.getTask(err, files, diagnostic -> {}, options, null, units)).parse().iterator().next();
            } catch (IllegalArgumentException e) { // an option javac refuses, such as a release it does not know
                throw new IllegalArgumentException((src.sourceVersion() != null ? "--source " + src.sourceVersion() : "compiling " + file)
                        + ": " + e.getMessage().replaceFirst("^error: ", ""), e);
            }
            String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
            if (!script && name.endsWith(".java")) {
                // the other files of the source tree, compiled when the file uses them (JEP 458)
                Path root = sourceRoot(file.toAbsolutePath(), pkg);
                options.addAll(List.of("--source-path", root.toString()));
            }
            String main = mainClassName(unit, stem);
            JavacTask task = (JavacTask) javac.getTask(err, files, null, options, null, units);
            if (!task.call()) throw new CompilationFailed("compiling " + file + " failed");
            String mainClass = pkg.isEmpty() ? main : pkg + "." + main;
            String classPath = src.classPath() == null ? out.toString() : out + File.pathSeparator + src.classPath();
            return new JavaCommand(jvm, classPath, null, mainClass, src.appArgs());
        }
    }

    /** The application JVM's default charset, as its {@code -Dfile.encoding} (the last given) makes
     *  it: UTF-8 without one or for one the JDK does not know, {@code native.encoding} for COMPAT. */
    static Charset charset(List<String> jvmOptions) {
        String name = null;
        for (String o : jvmOptions) if (o.startsWith("-Dfile.encoding=")) name = o.substring("-Dfile.encoding=".length());
        if (name == null) return StandardCharsets.UTF_8;
        if (name.equals("COMPAT")) name = System.getProperty("native.encoding", "UTF-8");
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * The text of {@code file} in {@code charset}, with each byte that is not of it read as U+FFFD,
     * as java's source launcher reads it; says so on {@code err}, naming the first such line and
     * what to do. Refuses a file with a NUL character: a class file or another binary, not source.
     */
    static String read(Path file, Charset charset, PrintWriter err) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, charset);
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("source file " + file + " is not text (it has NUL bytes: a class file or another binary?); "
                    + "expected Java source in " + charset.name());
        }
        CharBuffer decoded = CharBuffer.allocate(text.length() + 1);
        if (charset.newDecoder().decode(ByteBuffer.wrap(bytes), decoded, true).isError()) {
            long line = 1 + decoded.flip().chars().filter(c -> c == '\n').count();
            err.println("skyloft: warning: source file " + file + " is not " + charset.name() + " text (line " + line + "); java reads "
                    + "such bytes as U+FFFD, and so does this run. Save it as " + charset.name() + ", or give the JVM option "
                    + "-Dfile.encoding with the charset it is written in, e.g. -Dfile.encoding=ISO-8859-1");
        }
        return text;
    }

    /** The source {@code text}, compiled as the file {@code path} (whose name javac checks a public class's against). */
    private static JavaFileObject sourceObject(Path path, String text) {
        return new SimpleJavaFileObject(path.toAbsolutePath().toUri(), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }

            @Override
            public String getName() {
                return path.toString(); // the compiler's messages name the file as it was given
            }
        };
    }

    /** The first top-level class if it declares a method named {@code main}, else the file's stem. */
    static String mainClassName(CompilationUnitTree unit, String stem) {
        for (Tree t : unit.getTypeDecls()) {
            if (!(t instanceof ClassTree c) || c.getSimpleName().isEmpty()) continue;
            boolean hasMain = c.getMembers().stream().anyMatch(m -> m instanceof MethodTree mt && mt.getName().contentEquals("main"));
            return hasMain ? c.getSimpleName().toString() : stem;
        }
        return stem;
    }

    /** The directory of the source tree that {@code file} of package {@code pkg} sits in, as java requires it. */
    static Path sourceRoot(Path file, String pkg) {
        Path dir = file.getParent();
        if (pkg.isEmpty()) return dir;
        String[] parts = pkg.split("\\.");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().equals(parts[i])) {
                throw new IllegalArgumentException("source file " + file + " is in package " + pkg
                        + ", but its directory does not end with " + pkg.replace('.', File.separatorChar) + " (java requires it)");
            }
            dir = dir.getParent();
        }
        return dir;
    }

    /** The index just past the first line's text, keeping its line break so that line numbers hold. */
    private static int lineEnd(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text.length() : nl;
    }
}
