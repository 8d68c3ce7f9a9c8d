package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The java launcher's @argfile rules in {@link ArgFiles}, and, for the tricky ones, the
 *  launcher of the JDK that runs the tests reading the same files. */
class ArgFilesTest {

    @Test
    void blanksSeparateWordsAndQuotesGroupThem() {
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), ArgFiles.words("a b\tc\fd\n  e\r\nf"));
        assertEquals(List.of("a b", "c \"d\"", "e 'f'", "xy zw"), ArgFiles.words("\"a b\" 'c \"d\"' \"e 'f'\" x\"y z\"w"));
        assertEquals(List.of("", "", "x"), ArgFiles.words("'' \"\" x"), "an empty quoted word followed by a blank is a word");
        assertEquals(List.of("x"), ArgFiles.words("x \"\""), "at the end of the file, the launcher drops it");
        assertEquals(List.of("open quote", "next"), ArgFiles.words("\"open quote\nnext"), "an open quote ends at the line's end");
        assertEquals(List.of("last word"), ArgFiles.words("'last word"), "and at the file's end");
    }

    @Test
    void backslashesEscapeOnlyInsideQuotes() {
        assertEquals(List.of("t\tn\nr\rf\fb\\q\"s'zz"), ArgFiles.words("\"t\\tn\\nr\\rf\\fb\\\\q\\\"s\\'z\\z\""));
        assertEquals(List.of("C:\\dir\\name"), ArgFiles.words("C:\\dir\\name"));
        assertEquals(List.of("first second", "third"), ArgFiles.words("\"first \\\n     second\" third"),
                "a backslash at a line's end joins the next line without its leading blanks");
        assertEquals(List.of("ab"), ArgFiles.words("'a\\\r\n\tb'"));
    }

    @Test
    void hashStartsACommentOutsideQuotes() {
        assertEquals(List.of("a", "b#in quotesc", "d"), ArgFiles.words("# whole line\na # tail\nb\"#in quotes\"c ab#gone\nd"));
        assertEquals(List.of("qs"), ArgFiles.words("\"q\"r#quirk\ns"),
                "mid-word, the unquoted text before it goes and the quoted part joins the next word, as in the launcher");
    }

    @Test
    void expansionStopsAtTheMainClassAndAtDisableAtFiles(@TempDir Path dir) throws Exception {
        String f = file(dir, "opts", "-cp lib\ncom.acme.Main a # comment\n\"b c\"");
        assertEquals(List.of("-Xmx1g", "-cp", "lib", "com.acme.Main", "a", "b c", "Other", "@missing", "@@x"),
                ArgFiles.expand(List.of("-Xmx1g", f, "Other", "@missing", "@@x")),
                "after the main class, in the file or after it, words are the application's as they stand");
        assertEquals(List.of("@Main", "@missing"), ArgFiles.expand(List.of("@@Main", "@missing")), "@@ is an escaped @; here the main class");
        assertEquals(List.of("-cp", "@", "Main"), ArgFiles.expand(List.of("-cp", "@", "Main")), "a lone @ is a word");
        assertEquals(List.of("--disable-@files", f, "@@x"), ArgFiles.expand(List.of("--disable-@files", f, "@@x")));

        String cp = file(dir, "cp", "lib1:lib2");
        assertEquals(List.of("-cp", "lib1:lib2", "Main", "@x"), ArgFiles.expand(List.of("-cp", cp, "Main", "@x")),
                "an option's value may come from a file, and is not the main class");
        String jar = file(dir, "jar", "-jar app.jar");
        assertEquals(List.of("-jar", "app.jar", "@x"), ArgFiles.expand(List.of(jar, "@x")), "-jar's value ends the options");
        String mod = file(dir, "mod", "--module=app/a.Main");
        assertEquals(List.of("--module=app/a.Main", "@x"), ArgFiles.expand(List.of(mod, "@x")));

        JavaCommand c = JavaCommand.parse(ArgFiles.expand(List.of("-Xmx1g", f, "Other")), null);
        assertEquals(List.of("-Xmx1g"), c.jvmOptions());
        assertEquals("lib", c.classPath());
        assertEquals("com.acme.Main", c.mainClass());
        assertEquals(List.of("a", "b c", "Other"), c.appArgs());
    }

    @Test
    void aMissingFileIsNamedWithTheEscape() {
        var e = assertThrows(IllegalArgumentException.class, () -> ArgFiles.expand(List.of("-Xmx1g", "@no/such/file", "Main")));
        assertTrue(e.getMessage().contains("@no/such/file: no such argument file") && e.getMessage().contains("@@no/such/file"),
                e.getMessage());
    }

    @Test
    void aBinaryFileIsNamedNotPassedOnToFailInProcessBuilder(@TempDir Path dir) throws Exception {
        // a NUL cannot reach a JVM's command line: it failed later as "invalid null character in command"
        Path bin = Files.write(dir.resolve("app.args"), new byte[] {'-', 'c', 'p', ' ', 'a', 0, 'b', ' ', 'M', '\n'});
        var e = assertThrows(IllegalArgumentException.class, () -> ArgFiles.expand(List.of("@" + bin)));
        assertEquals("@" + bin + ": a NUL character at byte 5; expected an argument file of text", e.getMessage());
    }

    /**
     * Runs each command line twice in new JVMs: as given, where the launcher expands the
     * files, and as skyloft run passes it on (expanded here, then behind --disable-@files).
     * Both must print what this class's expansion predicts: the main class's arguments, the
     * -Dargfiles.* properties and the module path.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theLauncherOfThisJdkReadsTheSameWords(@TempDir Path dir) throws Exception {
        String classes = Path.of(ArgEcho.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String quotedClasses = "\"" + classes.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        String main = ArgEcho.class.getName();

        String tricky = file(dir, "tricky", """
                -cp %s   # the class path, quoted
                # a whole-line comment
                -Dargfiles.spaced="a b  c" -Dargfiles.single='x "y" z'
                -Dargfiles.escapes="t\\tn\\nb\\\\q\\"s\\'z\\z"
                -Dargfiles.joined="first \\
                      second"
                -Dargfiles.back=C:\\dir\\name
                -Dargfiles.mixed=pre"mid dle"post'x'
                -Dargfiles.hash="#kept"
                %s plain "two words" '' "" x"y z"w open"quote to the line's end
                next\\tword\ttab\tseparated ab#dropped
                "q"r#quirk
                s last""
                """.formatted(quotedClasses, main));
        String crlf = file(dir, "crlf", "-cp " + quotedClasses + "\r\n-Dargfiles.crlf=\"a\\\r\n   b\"\r\n-p @@mp\r\n");
        String disabling = file(dir, "disabling", "-cp " + quotedClasses + " --disable-@files");
        String tail = file(dir, "tail", main + " one # c\n two");

        List<List<String>> cases = List.of(
                List.of(tricky),
                List.of(crlf, main, "@nofile", "@@x", "-cp"),
                List.of(disabling, "-p", "@@mp", main, "@x"),
                List.of("-cp", classes, "-p", "@@mp", tail, "three"));
        List<String> expected = List.of(
                """
                arg plain
                arg two words
                arg\s
                arg\s
                arg xy zw
                arg openquote to the line's end
                arg next\\\\tword
                arg tab
                arg separated
                arg qs
                arg last
                prop argfiles.back=C:\\\\dir\\\\name
                prop argfiles.escapes=t\\tn\\nb\\\\q"s'zz
                prop argfiles.hash=#kept
                prop argfiles.joined=first second
                prop argfiles.mixed=premid dlepostx
                prop argfiles.single=x "y" z
                prop argfiles.spaced=a b  c
                """,
                "arg @nofile\narg @@x\narg -cp\nprop argfiles.crlf=ab\nprop jdk.module.path=@@mp\n",
                "arg @x\nprop jdk.module.path=@@mp\n",
                "arg one\narg two\narg three\nprop jdk.module.path=@mp\n");

        for (int i = 0; i < cases.size(); i++) {
            List<String> words = cases.get(i);
            JavaCommand c = JavaCommand.parse(ArgFiles.expand(words), null);
            assertEquals(main, c.mainClass(), words.toString());
            assertEquals(expected.get(i), predicted(c), "what this class's expansion makes of " + words);
            assertEquals(expected.get(i), java(dir, words), "what the launcher makes of " + words);
            List<String> passedOn = new ArrayList<>(List.of("--disable-@files"));
            passedOn.addAll(c.jvmOptions());
            passedOn.addAll(List.of("-cp", c.classPath(), c.mainClass()));
            passedOn.addAll(c.appArgs());
            assertEquals(expected.get(i), java(dir, passedOn), "the expanded words behind --disable-@files, for " + words);
        }
    }

    /** What {@link ArgEcho} prints when the JVM gets {@code c}. */
    private static String predicted(JavaCommand c) {
        StringBuilder out = new StringBuilder();
        for (String a : c.appArgs()) out.append("arg ").append(ArgEcho.escaped(a)).append('\n');
        TreeMap<String, String> props = new TreeMap<>();
        List<String> opts = c.jvmOptions();
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            if (o.startsWith("-Dargfiles.")) {
                int eq = o.indexOf('=');
                props.put(o.substring(2, eq), o.substring(eq + 1));
            } else if (o.equals("-p")) {
                props.put("jdk.module.path", opts.get(++i));
            }
        }
        props.forEach((k, v) -> out.append("prop ").append(k).append('=').append(ArgEcho.escaped(v)).append('\n'));
        return out.toString();
    }

    private static String java(Path dir, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(args);
        // to a file, not read from a pipe: a read blocks past any timeout if the JVM hangs
        Path outFile = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().keySet().removeAll(List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"));
        Process p = pb.start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertTrue(done, "java did not finish in 60 s: " + cmd);
        assertEquals(0, p.exitValue(), cmd + "\n" + Files.readString(dir.resolve("err.txt")));
        return Files.readString(outFile, java.nio.charset.Charset.defaultCharset());
    }

    /** Writes {@code text} to {@code dir/name} and returns the word {@code @PATH} for it. */
    private static String file(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return "@" + f.toAbsolutePath();
    }
}
