package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Commands by name: an unknown one is named with the ones there are, a missing benchmark is bad
 *  input, and every command prints the version. */
class CommandNamesTest {

    private record Out(int code, String out, String err) {}

    private static Out cli(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Out(code, out.toString(), err.toString());
    }

    @Test
    void anUnknownCommandIsNamedWithTheCommandsThereAre() {
        Out top = cli("bogus");
        assertEquals(2, top.code());
        assertTrue(top.err().startsWith("skyloft: unknown command 'bogus'; allowed: demo, policies, bench, sim, trace, run, jfr, report\n"), top.err());
        Out bench = cli("bench", "pipee");
        assertEquals(2, bench.code());
        assertTrue(bench.err().startsWith("skyloft: bench: unknown command 'pipee'; allowed: yield, ") && bench.err().contains("pipe, ops"), bench.err());
        assertTrue(bench.err().contains("Did you mean: bench pipe"), "picocli's suggestion stays: " + bench.err());
        Out option = cli("sim", "--bogus", "x.yaml");
        assertEquals(2, option.code());
        assertTrue(option.err().startsWith("skyloft: Unknown option: '--bogus'"), "an unknown option is not taken for a command: " + option.err());
    }

    @Test
    void benchWithoutABenchmarkIsBadInputNamingThem() {
        Out r = cli("bench");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("skyloft: bench needs a benchmark; allowed: yield, spawn, ") && r.err().contains("see 'skyloft bench --help'"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (List<String> cmd : List.of(List.of("-V"), List.of("sim", "-V"), List.of("run", "--version"), List.of("bench", "pipe", "--version"))) {
            Out r = cli(cmd.toArray(String[]::new));
            assertEquals(0, r.code(), cmd.toString());
            assertEquals("Skyloft-J 0.1.0\n", r.out(), cmd.toString());
        }
    }
}
