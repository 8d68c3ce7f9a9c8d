package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaCommandTest {

    private static JavaCommand parse(String line, String env) {
        return JavaCommand.parse(List.of(line.split(" ")), env);
    }

    @Test
    void jvmOptionsClassPathMainAndArgumentsAreTakenApart() {
        JavaCommand c = parse("-Xmx1g -Dk=v -cp a.jar:b com.acme.Main -x 8080", null);
        assertEquals(List.of("-Xmx1g", "-Dk=v"), c.jvmOptions());
        assertEquals("a.jar:b", c.classPath());
        assertEquals("com.acme.Main", c.mainClass());
        assertEquals(List.of("-x", "8080"), c.appArgs(), "options after the main class are the application's");

        c = parse("--add-opens java.base/java.io=ALL-UNNAMED --class-path=lib Main", null);
        assertEquals(List.of("--add-opens", "java.base/java.io=ALL-UNNAMED"), c.jvmOptions(), "an option's separate value is not the main class");
        assertEquals("lib", c.classPath());
        assertEquals("Main", c.mainClass());
        assertEquals(List.of(), c.appArgs());
    }

    @Test
    void moduleModeKeepsTheModulePathAndNamesTheModuleAndItsMainClass(@TempDir Path dir) {
        JavaCommand c = parse("-Xmx1g -p mods -m app/com.acme.Main -x 8080", null);
        assertEquals(List.of("-Xmx1g", "-p", "mods"), c.jvmOptions());
        assertEquals("app", c.module());
        assertEquals("com.acme.Main", c.mainClass());
        assertEquals(List.of("-x", "8080"), c.appArgs());
        c = parse("--module-path=mods --module=app/com.acme.Main", null);
        assertEquals("app", c.module());
        assertEquals("com.acme.Main", c.mainClass());
        assertEquals(null, parse("-cp a.jar Main", null).module(), "class-path mode has no module");

        // Without /MAINCLASS the descriptor must name it: the module has to be on the module path.
        var e = assertThrows(IllegalArgumentException.class, () -> parse("-p " + dir + " -m app", null));
        assertTrue(e.getMessage().contains("module app is neither on the module path " + dir), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("-m app", null));
        assertTrue(e.getMessage().contains("not a module of the JDK, and there is no module path"), e.getMessage());

        // A module of the JDK with a main class runs as under java, with or without a module path.
        for (String line : List.of("-m jdk.httpserver -p 0", "-p " + dir + " -m jdk.httpserver")) {
            c = parse(line, null);
            assertEquals("jdk.httpserver", c.module(), line);
            assertEquals(java.lang.module.ModuleFinder.ofSystem().find("jdk.httpserver").orElseThrow().descriptor().mainClass().orElseThrow(),
                    c.mainClass(), line);
        }
        assertEquals(List.of("-p", "0"), parse("-m jdk.httpserver -p 0", null).appArgs(), "what follows -m is the application's");
        e = assertThrows(IllegalArgumentException.class, () -> parse("-m java.base", null));
        assertTrue(e.getMessage().contains("module java.base names no main class"), e.getMessage());
        // nothing at all (an empty @argfile expands to no words): said so, not "in ''"
        e = assertThrows(IllegalArgumentException.class, () -> JavaCommand.parse(List.of(), null));
        assertTrue(e.getMessage().startsWith("no main class: the java command line is empty"), e.getMessage());
    }

    @Test
    void anEmptyMainClassOrAJarThatIsADirectoryIsRefusedSayingSo(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> JavaCommand.parse(List.of("-Xmx1g", ""), null));
        assertTrue(e.getMessage().startsWith("the main class '' is empty; expected [JVM-OPTIONS] MAINCLASS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("-jar " + dir, null));
        assertEquals("-jar " + dir + " is a directory; expected a jar file", e.getMessage());
        PolicyPathTest.Run r = PolicyPathTest.cli("run", "");
        assertEquals(2, r.exit(), "bad input, refused before any JVM starts: " + r);
        assertTrue(r.err().startsWith("skyloft: the main class '' is empty"), r.err());
    }

    @Test
    void withoutMinusCpTheClassPathIsClasspathFromTheEnvironmentOrTheCurrentDirectory() {
        assertEquals("env/cp", parse("Main", "env/cp").classPath());
        assertEquals(".", parse("Main", null).classPath());
        assertEquals(".", parse("Main", " ").classPath());
        assertEquals("x", parse("-classpath x Main", "env/cp").classPath());
    }

    @Test
    void minusJarTakesTheMainClassFromTheManifest(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        writeJar(jar, "com.acme.App");
        JavaCommand c = parse("-ea -jar " + jar + " serve --port 1", null);
        assertEquals(List.of("-ea"), c.jvmOptions());
        assertEquals(jar.toString(), c.classPath());
        assertEquals("com.acme.App", c.mainClass());
        assertEquals(List.of("serve", "--port", "1"), c.appArgs());

        Path bare = dir.resolve("bare.jar");
        writeJar(bare, null);
        var e = assertThrows(IllegalArgumentException.class, () -> parse("-jar " + bare, null));
        assertTrue(e.getMessage().contains(bare.toString()) && e.getMessage().contains("Main-Class"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("-jar " + dir.resolve("none.jar"), null));
        assertTrue(e.getMessage().contains("none.jar") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void minusJarAppliesTheManifestsOpensExportsAndNativeAccess(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("opens.jar");
        writeJar(jar, "com.acme.App", "Add-Opens", "java.base/java.util  java.base/java.io", "Add-Exports", "java.base/sun.nio.ch",
                "Enable-Native-Access", "ALL-UNNAMED");
        JavaCommand c = parse("-ea -jar " + jar, null);
        assertEquals(List.of("-ea", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"), c.jvmOptions());

        Path agent = dir.resolve("agent.jar");
        writeJar(agent, "com.acme.App", "Launcher-Agent-Class", "com.acme.Agent");
        assertEquals(List.of("--add-exports=java.instrument/sun.instrument=ALL-UNNAMED", "-Dskyloft.launcher.agentJar=" + agent),
                parse("-jar " + agent, null).jvmOptions(), "the launcher starts the jar's agent as java -jar does");
    }

    @Test
    void aDotJavaFileOrAnyWordAfterMinusMinusSourceIsASourceFileToCompile() {
        JavaCommand c = parse("-Xmx1g -cp lib Hello.java a b", null);
        assertTrue(c.fromSource());
        assertEquals("Hello.java", c.sourceFile());
        assertEquals(null, c.sourceVersion());
        assertEquals(null, c.mainClass(), "named once compiled");
        assertEquals("lib", c.classPath());
        assertEquals(List.of("-Xmx1g"), c.jvmOptions());
        assertEquals(List.of("a", "b"), c.appArgs());

        c = parse("--source 25 --enable-preview script x", null);
        assertEquals("script", c.sourceFile(), "after --source a file needs no .java");
        assertEquals("25", c.sourceVersion());
        assertEquals(List.of("--enable-preview"), c.jvmOptions(), "--source is the compiler's, not the JVM's");
        assertEquals(List.of("x"), c.appArgs());
        assertEquals(null, parse("Hello.java", null).classPath(), "no -cp: only the compiled classes");
        assertEquals("env", parse("Hello.java", "env").classPath());
        assertTrue(!parse("com.acme.Main", null).fromSource());
    }

    @Test
    void formsItCannotRunAreRefusedSayingWhichAreAllowed() {
        for (String bad : List.of("-Xmx1g", "-cp", "-m", "-m /com.acme.Main", "-p mods -m app/", "--module=app",
                "--source 25", "-jar", "--add-opens", "-p mods -d app", "--describe-module=app")) {
            var e = assertThrows(IllegalArgumentException.class, () -> parse(bad, null), bad);
            assertTrue(e.getMessage().contains(JavaCommand.FORMS), bad + ": " + e.getMessage());
        }
    }

    /** A jar with only a manifest: its Main-Class (or none), then attribute names and values. */
    private static void writeJar(Path jar, String mainClass, String... attrs) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        for (int i = 0; i < attrs.length; i += 2) mf.getMainAttributes().putValue(attrs[i], attrs[i + 1]);
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
            jos.flush();
        }
    }
}
