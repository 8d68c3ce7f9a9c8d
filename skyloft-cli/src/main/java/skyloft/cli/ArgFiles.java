package skyloft.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code java} launcher's {@code @argfile} expansion, so that {@code skyloft run} finds the
 * main class, the class path and the application's arguments where {@code java} would: IDEs and
 * build tools put long class paths, and sometimes the main class, in such files.
 *
 * <p>The rules are the launcher's (JDK 9 to 25, src/java.base/share/native/libjli/args.c), and
 * {@code ArgFilesTest} checks them against the launcher of the running JDK:
 * <ul>
 * <li>A word {@code @FILE} is replaced by the words in FILE (relative to the current
 *     directory). Words in a file are never expanded again. {@code @@X} stands for the word
 *     {@code @X}; a lone {@code @} is itself.
 * <li>Expansion stops for good at {@code --disable-@files}, and at the main class: the first
 *     word that neither starts with {@code -} nor is the value of an option that takes one
 *     ({@code -cp X}), or the value of {@code -jar}, {@code -m} or {@code --module}, or
 *     {@code --module=X}. The rest of a file that holds the main class is the application's
 *     arguments, and so is every later word, as it stands.
 * <li>In a file, words are separated by spaces, tabs, form feeds and line ends. Single or double
 *     quotes group text, spaces included, and may start mid-word ({@code -Dk="a b"}); a quote
 *     left open ends at the line's end. Inside quotes only, a backslash escapes: {@code \n},
 *     {@code \r}, {@code \t}, {@code \f} are those characters, any other character is itself,
 *     and a backslash at the end of a line joins the next line with its leading blanks removed.
 *     Outside quotes a backslash is an ordinary character ({@code C:\dir}).
 * <li>{@code #} outside quotes starts a comment to the end of the line. In the middle of a word
 *     it also drops the unquoted text of the word before it, as the launcher does (the launcher
 *     reads in 4096-byte blocks, and a word cut by a block's end keeps that text; such a file
 *     is the only one where the two can differ).
 * <li>One difference: a file holding a NUL character (a binary file) is refused, naming it; the
 *     launcher would cut the word there, and no command line can pass a NUL on.
 * </ul>
 */
final class ArgFiles {
    private ArgFiles() {}

    /** {@code words} with every {@code @FILE} the launcher would expand replaced by its words. */
    static List<String> expand(List<String> words) {
        MainClassFinder finder = new MainClassFinder();
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (finder.mainFound || finder.stopped || !w.startsWith("@") || w.length() == 1) {
                finder.see(w);
                out.add(w);
            } else if (w.charAt(1) == '@') {
                String literal = w.substring(1);
                finder.see(literal);
                out.add(literal);
            } else {
                for (String t : words(read(w.substring(1)))) {
                    finder.see(t);
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The launcher's state while it reads the command line: has it passed the main class, or
     *  {@code --disable-@files}, and is the next word an option's value. */
    private static final class MainClassFinder {
        boolean mainFound, stopped, valueNext;

        void see(String w) {
            if (mainFound) return;
            if (w.startsWith("-")) {
                valueNext = JavaCommand.TAKES_VALUE.contains(w);
                if (w.equals("--disable-@files")) stopped = true;
                else if (w.startsWith("--module=")) mainFound = true;
            } else {
                if (!valueNext) mainFound = true; // the main class, or -jar's jar, or -m's module
                valueNext = false;
            }
        }
    }

    private static String read(String file) {
        Path p = Path.of(file);
        try {
            // The launcher passes the file's bytes on as they are; the JVM decodes them with the
            // platform's encoding, so that is what this reads them with.
            byte[] bytes = Files.readAllBytes(p);
            // no command line can hold a NUL (the launcher would cut the word there): a binary file
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) throw new IllegalArgumentException("@" + file + ": a NUL character at byte " + i + "; expected an argument file of text");
            }
            return new String(bytes, Charset.forName(System.getProperty("native.encoding", "UTF-8"), Charset.defaultCharset()));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("@" + file + ": no such argument file (" + p.toAbsolutePath()
                    + "); write @@" + file + " for a word that starts with @");
        } catch (IOException e) {
            throw new IllegalArgumentException("@" + file + ": cannot read the argument file: " + e);
        }
    }

    private enum State { BETWEEN, WORD, QUOTED, ESCAPE, JOINING, COMMENT }

    /** The words of an argument file's text, by the rules in the class comment. */
    static List<String> words(CharSequence text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder(); // the current word's pieces so far (quoted parts, escapes)
        int pieces = 0;                           // how many pieces, empty ones included: a word of "" at the end counts only then
        State state = State.BETWEEN;
        char quote = '"';
        int from = 0;                             // start of the current piece's raw text
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (state) {
                case BETWEEN, JOINING -> {
                    if (blank(c)) continue;
                    state = state == State.BETWEEN ? State.WORD : State.QUOTED;
                    from = i;
                }
                case ESCAPE -> {
                    if (c == '\n' || c == '\r') {
                        state = State.JOINING;
                    } else {
                        word.append(switch (c) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'f' -> '\f';
                            default -> c;
                        });
                        pieces++;
                        state = State.QUOTED;
                    }
                    from = i + 1;
                    continue;
                }
                case COMMENT -> {
                    if (c == '\n' || c == '\r') state = State.BETWEEN;
                    continue;
                }
                default -> { }
            }
            // state is WORD or QUOTED here
            boolean quoted = state == State.QUOTED;
            if (c == '\n' || c == '\r' || !quoted && (c == ' ' || c == '\t' || c == '\f')) {
                word.append(text, from, i);
                out.add(word.toString());
                word.setLength(0);
                pieces = 0;
                state = State.BETWEEN;
            } else if (c == '#' && !quoted) {
                state = State.COMMENT; // the unquoted text since `from` is dropped
            } else if (c == '\\' && quoted) {
                word.append(text, from, i);
                pieces++;
                state = State.ESCAPE;
            } else if ((c == '"' || c == '\'') && (!quoted || c == quote)) {
                if (from != i) {
                    word.append(text, from, i);
                    pieces++;
                }
                from = i + 1;
                if (quoted) {
                    state = State.WORD;
                } else {
                    quote = c;
                    state = State.QUOTED;
                }
            }
        }
        if (state == State.WORD || state == State.QUOTED) {
            if (from < n) {
                word.append(text, from, n);
                pieces++;
            }
            if (pieces > 0) out.add(word.toString());
        }
        return out;
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
    }
}
