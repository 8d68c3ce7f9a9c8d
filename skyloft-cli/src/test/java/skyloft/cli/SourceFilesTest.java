package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFilesTest {

    private static JavaCommand parse(String... words) {
        return JavaCommand.parse(List.of(words), null);
    }

    private static JavaCommand compile(JavaCommand src, Path work) throws Exception {
        return SourceFiles.compile(src, work, new PrintWriter(new StringWriter(), true));
    }

    @Test
    void theMainClassIsTheFirstTopLevelClassWithAMainElseTheOneNamedAfterTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("X.java"), "class First { public static void main(String[] a) {} }\nclass X { public static void main(String[] a) {} }\n");
        Files.writeString(dir.resolve("Two.java"), "class Helper { }\npublic class Two { public static void main(String[] a) {} }\n");
        Files.writeString(dir.resolve("Compact.java"), "void main() { IO.println(1); }\n");
        assertEquals("First", compile(parse(dir.resolve("X.java").toString()), dir.resolve("w1")).mainClass(), "as java X.java picks it");
        assertEquals("Two", compile(parse(dir.resolve("Two.java").toString()), dir.resolve("w2")).mainClass());
        JavaCommand c = compile(parse(dir.resolve("Compact.java").toString(), "arg"), dir.resolve("w3"));
        assertEquals("Compact", c.mainClass(), "a compact source file's class is named after the file");
        assertTrue(Files.isRegularFile(dir.resolve("w3/classes/Compact.class")));
        assertEquals(dir.resolve("w3/classes").toString(), c.classPath());
        assertEquals(List.of("arg"), c.appArgs());
    }

    @Test
    void otherFilesOfThePackagesSourceTreeAreCompiledAsTheFileUsesThem(@TempDir Path dir) throws Exception {
        Path pkg = Files.createDirectories(dir.resolve("demo/app"));
        Files.writeString(pkg.resolve("Uses.java"), "package demo.app;\npublic class Uses { public static void main(String[] a) { System.out.println(Lib.v()); } }\n");
        Files.writeString(pkg.resolve("Lib.java"), "package demo.app;\nclass Lib { static int v() { return 42; } }\n");
        JavaCommand c = compile(parse("-cp", "extra", pkg.resolve("Uses.java").toString()), dir.resolve("w"));
        assertEquals("demo.app.Uses", c.mainClass());
        assertEquals(dir.resolve("w/classes") + File.pathSeparator + "extra", c.classPath(), "the compiled classes, then -cp");
        assertTrue(Files.isRegularFile(dir.resolve("w/classes/demo/app/Lib.class")), "Lib compiled because Uses uses it");

        Path wrong = Files.createDirectories(dir.resolve("elsewhere"));
        Files.copy(pkg.resolve("Uses.java"), wrong.resolve("Uses.java"));
        var e = assertThrows(IllegalArgumentException.class, () -> compile(parse(wrong.resolve("Uses.java").toString()), dir.resolve("w2")));
        assertTrue(e.getMessage().contains("is in package demo.app, but its directory does not end with demo" + File.separator + "app"), e.getMessage());
    }

    @Test
    void aScriptAfterMinusMinusSourceLosesItsHashBangLineButKeepsItsLineNumbers(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tool"), "#!/usr/bin/env java --source 25\nvoid main() { IO.println(1); }\n");
        JavaCommand c = compile(parse("--source", "25", dir.resolve("tool").toString()), dir.resolve("w"));
        assertEquals("tool", c.mainClass());
        assertEquals(List.of("", "void main() { IO.println(1); }"), Files.readAllLines(dir.resolve("w/src/tool.java")));
    }

    @Test
    void aFileThatIsNotUtf8IsReadAsJavaReadsItAndTheWarningSaysWhatToDo(@TempDir Path dir) throws Exception {
        // "caf\u00e9" in Latin-1: the 0xE9 is no UTF-8
        Files.write(dir.resolve("Lat.java"), "class Lat { static String s() { return \"caf\u00e9\"; } public static void main(String[] a) {} }\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        StringWriter messages = new StringWriter();
        JavaCommand c = SourceFiles.compile(parse(dir.resolve("Lat.java").toString()), dir.resolve("w"), new PrintWriter(messages, true));
        assertEquals("caf\uFFFD", constant(c), "as java Lat.java reads it: the default charset, UTF-8, with U+FFFD for the bad byte");
        assertTrue(messages.toString().startsWith("skyloft: warning: source file " + dir.resolve("Lat.java") + " is not UTF-8 text (line 1)")
                && messages.toString().contains("-Dfile.encoding=ISO-8859-1"), messages.toString());

        StringWriter none = new StringWriter();
        c = SourceFiles.compile(parse("-Dfile.encoding=ISO-8859-1", dir.resolve("Lat.java").toString()), dir.resolve("w2"), new PrintWriter(none, true));
        assertEquals("caf\u00e9", constant(c), "the JVM's -Dfile.encoding is the charset, as under java");
        assertEquals("", none.toString());
    }

    /** {@code Lat.s()} of the compiled classes of {@code c}. */
    private static String constant(JavaCommand c) throws Exception {
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {Path.of(c.classPath()).toUri().toURL()}, null)) {
            var s = loader.loadClass("Lat").getDeclaredMethod("s");
            s.setAccessible(true);
            return (String) s.invoke(null);
        }
    }

    @Test
    void aBinaryFileOrADirectoryIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path bin = Files.write(dir.resolve("bin.java"), new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 69});
        var e = assertThrows(IllegalArgumentException.class, () -> compile(parse(bin.toString()), dir.resolve("w")));
        assertEquals("source file " + bin + " is not text (it has NUL bytes: a class file or another binary?); expected Java source in UTF-8", e.getMessage());
        Path d = Files.createDirectories(dir.resolve("d.java"));
        e = assertThrows(IllegalArgumentException.class, () -> compile(parse(d.toString()), dir.resolve("w2")));
        assertEquals("source file " + d + " is a directory; expected a Java source file", e.getMessage());
    }

    @Test
    void warningsAndNotesAreNotPrintedAsJavasSourceLauncherPrintsNone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Dep.java"), "void main() { java.util.List l = new java.util.ArrayList(); l.add(new Integer(5)); }\n");
        StringWriter messages = new StringWriter();
        SourceFiles.compile(parse(dir.resolve("Dep.java").toString()), dir.resolve("w"), new PrintWriter(messages, true));
        assertEquals("", messages.toString(), "deprecated and unchecked calls compile silently");
    }

    @Test
    void failuresSayWhatFailed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Bad.java"), "class Bad { void main() { int x = \"s\"; } }\n");
        StringWriter messages = new StringWriter();
        var failed = assertThrows(SourceFiles.CompilationFailed.class,
                () -> SourceFiles.compile(parse(dir.resolve("Bad.java").toString()), dir.resolve("w"), new PrintWriter(messages, true)));
        assertTrue(failed.getMessage().contains("Bad.java failed"), failed.getMessage());
        assertEquals(1, messages.toString().lines().filter(l -> l.contains("incompatible types")).count(), "the compiler's message, once: " + messages);

        var e = assertThrows(IllegalArgumentException.class, () -> compile(parse(dir.resolve("None.java").toString()), dir.resolve("w2")));
        assertTrue(e.getMessage().contains("None.java: no such file"), e.getMessage());
        Files.writeString(dir.resolve("Ok.java"), "void main() {}\n");
        e = assertThrows(IllegalArgumentException.class, () -> compile(parse("--source", "99", dir.resolve("Ok.java").toString()), dir.resolve("w3")));
        assertTrue(e.getMessage().startsWith("--source 99: ") && e.getMessage().contains("99"), e.getMessage());
    }
}
