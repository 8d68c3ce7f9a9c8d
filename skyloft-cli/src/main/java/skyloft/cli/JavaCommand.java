package skyloft.cli;

import java.io.File;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import skyloft.runtime.AppLauncher;

/**
 * A {@code java} command line without the {@code java}, taken apart so that {@code skyloft run}
 * can put its launcher between the JVM and the application: the JVM options, the class path,
 * the main class and its arguments. Four forms are understood, as {@code java} has them:
 * {@code [JVM-OPTIONS] MAINCLASS [ARGS]}, {@code [JVM-OPTIONS] -jar JAR [ARGS]} (the jar's
 * manifest names the main class; its {@code Class-Path} is honoured because the jar goes on the
 * class path), {@code [JVM-OPTIONS] -p MODULEPATH -m MODULE[/MAINCLASS] [ARGS]} (without
 * {@code /MAINCLASS}, the module's descriptor names it; a module of the JDK needs no {@code -p}); and
 * source-file mode, {@code [JVM-OPTIONS] [--source N] FILE.java [ARGS]}, whose file
 * {@link SourceFiles} compiles before the JVM starts.
 * The words come with their {@code @argfile}s expanded ({@link ArgFiles}): a word that starts
 * with {@code @} here is a word, and, as for {@code java}, may be the main class.
 *
 * @param jvmOptions the options before the main class, with {@code -cp}, {@code -jar} and
 *                   {@code -m} taken out ({@code -p} stays)
 * @param classPath  the class path: {@code -cp}'s, the jar, {@code $CLASSPATH} or {@code .} (in source-file mode no {@code .}: null)
 * @param module     the main class's module in module mode, else null
 * @param mainClass  the main class; null in source-file mode until {@link SourceFiles#compile} names it
 * @param sourceFile in source-file mode ({@code File.java ARGS} or {@code --source N FILE ARGS}) the
 *                   file to compile, else null
 * @param sourceVersion {@code --source}'s version, or null
 */
record JavaCommand(List<String> jvmOptions, String classPath, String module, String mainClass, List<String> appArgs,
                   String sourceFile, String sourceVersion) {

    JavaCommand(List<String> jvmOptions, String classPath, String module, String mainClass, List<String> appArgs) {
        this(jvmOptions, classPath, module, mainClass, appArgs, null, null);
    }

    /** Whether this is source-file mode: {@link #sourceFile} still has to be compiled ({@link SourceFiles}). */
    boolean fromSource() {
        return sourceFile != null;
    }

    /** Options whose value is the next word (as well as after '=' for the long ones), as the
     *  launcher counts them when it looks for the main class; {@code -jar}, {@code -m} and
     *  {@code --module} are apart, as their value ends the launcher's options. */
    static final Set<String> TAKES_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--enable-native-access", "--limit-modules", "--add-exports",
            "--add-opens", "--add-reads", "--patch-module", "--describe-module", "-d", "--source");
    private static final Set<String> CLASS_PATH = Set.of("-cp", "-classpath", "--class-path");
    static final String FORMS = "expected [JVM-OPTIONS] MAINCLASS [ARGS...], [JVM-OPTIONS] -jar JAR [ARGS...]"
            + ", [JVM-OPTIONS] [-p MODULEPATH] -m MODULE[/MAINCLASS] [ARGS...] or [JVM-OPTIONS] [--source N] FILE.java [ARGS...]";

    /** Takes {@code words} apart; {@code envClassPath} is {@code $CLASSPATH} (or null). */
    static JavaCommand parse(List<String> words, String envClassPath) {
        List<String> jvm = new ArrayList<>();
        String cp = null, sourceVersion = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (CLASS_PATH.contains(w)) {
                cp = value(words, ++i, w);
            } else if (w.startsWith("--class-path=")) {
                cp = w.substring("--class-path=".length());
            } else if (w.equals("-jar")) {
                String jar = value(words, ++i, w);
                String main = jarMainClass(Path.of(jar));
                jvm.addAll(jarManifestOptions(Path.of(jar))); // the jar goes on the class path, where java would not read them
                return new JavaCommand(jvm, jar, null, main, List.copyOf(words.subList(i + 1, words.size())));
            } else if (w.equals("-m") || w.equals("--module") || w.startsWith("--module=")) {
                String target = w.startsWith("--module=") ? w.substring("--module=".length()) : value(words, ++i, w);
                String classPath = cp != null ? cp : envClassPath != null && !envClassPath.isBlank() ? envClassPath : ".";
                int slash = target.indexOf('/');
                String module = slash < 0 ? target : target.substring(0, slash);
                String main = slash < 0 ? null : target.substring(slash + 1);
                if (module.isEmpty() || main != null && main.isEmpty()) {
                    throw new IllegalArgumentException(w + " '" + target + "': expected MODULE or MODULE/MAINCLASS; " + FORMS);
                }
                if (main == null) main = moduleMainClass(module, pathOption(jvm, "-p", "--module-path"), pathOption(jvm, null, "--upgrade-module-path"));
                return new JavaCommand(jvm, classPath, module, main, List.copyOf(words.subList(i + 1, words.size())));
            } else if (w.equals("--source") || w.startsWith("--source=")) {
                sourceVersion = w.startsWith("--source=") ? w.substring("--source=".length()) : value(words, ++i, w);
            } else if (w.equals("-d") || w.equals("--describe-module") || w.startsWith("--describe-module=")) {
                throw new IllegalArgumentException(w + " describes a module and runs nothing; skyloft run needs an application; " + FORMS);
            } else if (TAKES_VALUE.contains(w)) {
                jvm.add(w);
                jvm.add(value(words, ++i, w));
            } else if (w.startsWith("-")) {
                jvm.add(w);
            } else {
                // java takes a word ending in .java, or any word after --source, for a source file
                if (sourceVersion != null || w.endsWith(".java")) return source(jvm, cp, envClassPath, words, i, sourceVersion);
                if (w.isBlank()) throw new IllegalArgumentException("the main class '" + w + "' is empty; " + FORMS);
                String classPath = cp != null ? cp : envClassPath != null && !envClassPath.isBlank() ? envClassPath : ".";
                return new JavaCommand(jvm, classPath, null, w, List.copyOf(words.subList(i + 1, words.size())));
            }
        }
        throw new IllegalArgumentException((sourceVersion != null ? "no source file after --source " + sourceVersion : "no main class")
                + (words.isEmpty() ? ": the java command line is empty (an empty @argfile?)" : " in '" + String.join(" ", words) + "'")
                + "; " + FORMS);
    }

    /** Source-file mode: {@code words.get(file)} is the source, what follows it the application's arguments. */
    private static JavaCommand source(List<String> jvm, String cp, String envClassPath, List<String> words, int file, String version) {
        String classPath = cp != null ? cp : envClassPath != null && !envClassPath.isBlank() ? envClassPath : null;
        return new JavaCommand(jvm, classPath, null, null, List.copyOf(words.subList(file + 1, words.size())), words.get(file), version);
    }

    private static String value(List<String> words, int i, String option) {
        if (i >= words.size()) throw new IllegalArgumentException(option + " needs a value; " + FORMS);
        return words.get(i);
    }

    /** The value of the last {@code short}/{@code long} option among the JVM options ({@code -p P},
     *  {@code --module-path P} or {@code --module-path=P}), or null. */
    private static String pathOption(List<String> jvm, String shortName, String longName) {
        String value = null;
        for (int i = 0; i < jvm.size(); i++) {
            String o = jvm.get(i);
            if ((o.equals(shortName) || o.equals(longName)) && i + 1 < jvm.size()) value = jvm.get(++i);
            else if (o.startsWith(longName + "=")) value = o.substring(longName.length() + 1);
        }
        return value;
    }

    /** The main class that the descriptor of {@code module} names, the module found as the JVM
     *  finds it: on the upgrade module path, among the JDK's own modules ({@code -m jdk.httpserver}
     *  needs no module path), then on the module path. */
    private static String moduleMainClass(String module, String modulePath, String upgradePath) {
        ModuleFinder finder = ModuleFinder.compose(finderOf(upgradePath), ModuleFinder.ofSystem(), finderOf(modulePath));
        ModuleReference ref;
        try {
            ref = finder.find(module).orElse(null);
        } catch (FindException e) {
            throw new IllegalArgumentException("module path " + (modulePath != null ? modulePath : upgradePath) + ": " + e.getMessage());
        }
        if (ref == null) {
            throw new IllegalArgumentException(modulePath == null
                    ? "-m " + module + ": not a module of the JDK, and there is no module path: give -p MODULEPATH before it; " + FORMS
                    : "module " + module + " is neither on the module path " + modulePath + " nor in the JDK");
        }
        return ref.descriptor().mainClass().orElseThrow(() -> new IllegalArgumentException(
                "module " + module + " names no main class in its descriptor; give -m " + module + "/MAINCLASS"));
    }

    private static ModuleFinder finderOf(String path) {
        if (path == null) return ModuleFinder.of();
        return ModuleFinder.of(Arrays.stream(path.split(File.pathSeparator)).filter(x -> !x.isEmpty()).map(Path::of).toArray(Path[]::new));
    }

    /** The JVM options that java -jar takes from the manifest: {@code Add-Opens} and
     *  {@code Add-Exports} (space-separated MODULE/PACKAGE, for the unnamed module) and
     *  {@code Enable-Native-Access: ALL-UNNAMED}; for a {@code Launcher-Agent-Class}, what the
     *  launcher needs to start that agent before main as java does ({@link AppLauncher#LAUNCHER_AGENT_JAR}). */
    static List<String> jarManifestOptions(Path jar) {
        List<String> out = new ArrayList<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            var mf = f.getManifest();
            if (mf == null) return out;
            var attrs = mf.getMainAttributes();
            for (String[] kv : new String[][] {{"Add-Opens", "--add-opens"}, {"Add-Exports", "--add-exports"}}) {
                String v = attrs.getValue(kv[0]);
                if (v == null) continue;
                for (String pkg : v.trim().split("\\s+")) {
                    if (!pkg.isEmpty()) out.add(kv[1] + "=" + pkg + "=ALL-UNNAMED");
                }
            }
            String nat = attrs.getValue("Enable-Native-Access");
            if (nat != null && nat.trim().equals("ALL-UNNAMED")) out.add("--enable-native-access=ALL-UNNAMED");
            String agent = attrs.getValue("Launcher-Agent-Class");
            if (agent != null && !agent.isBlank()) {
                out.add("--add-exports=java.instrument/sun.instrument=ALL-UNNAMED");
                out.add("-D" + AppLauncher.LAUNCHER_AGENT_JAR + "=" + jar);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("-jar " + jar + ": not a readable jar (" + e.getMessage() + ")");
        }
        return out;
    }

    private static String jarMainClass(Path jar) {
        if (Files.isDirectory(jar)) throw new IllegalArgumentException("-jar " + jar + " is a directory; expected a jar file");
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("-jar " + jar + ": no such file");
        try (JarFile f = new JarFile(jar.toFile())) {
            var mf = f.getManifest();
            String main = mf == null ? null : mf.getMainAttributes().getValue("Main-Class");
            if (main == null || main.isBlank()) {
                throw new IllegalArgumentException("-jar " + jar + ": the manifest names no Main-Class; give -cp " + jar + " MAINCLASS instead");
            }
            return main.trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("-jar " + jar + ": not a readable jar (" + e.getMessage() + ")");
        }
    }
}
