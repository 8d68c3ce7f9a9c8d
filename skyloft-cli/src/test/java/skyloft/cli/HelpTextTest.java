package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's --help names each option's value with a label of ours and shows the defaults a
 *  command runs with, not "per benchmark" or "the runtime's". */
class HelpTextTest {

    /** Every command and subcommand, by its full name. */
    private static List<CommandLine> all(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) all(sub, out);
        return out;
    }

    private static String help(CommandLine cl) {
        StringWriter w = new StringWriter();
        cl.usage(new PrintWriter(w, true));
        return w.toString().replaceAll("\\s+", " ");
    }

    @Test
    void everyOptionHasALabelAndEveryDefaultIsShown() {
        for (CommandLine cl : all(Main.commandLine(), new ArrayList<>())) {
            String name = cl.getCommandSpec().qualifiedName();
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.arity().max() == 0) continue; // a flag shows no label
                assertFalse(o.paramLabel().startsWith("<"), name + " " + o.longestName() + " has picocli's label " + o.paramLabel());
            }
            String h = help(cl);
            assertFalse(h.contains(EvalOptions.PER_COMMAND), name + ": " + h);
            assertFalse(h.contains("the runtime's)"), name + " names no value for a default: " + h);
        }
    }

    @Test
    void eachBenchmarkShowsTheDefaultsItRunsWith() {
        CommandLine bench = Main.commandLine().getSubcommands().get("bench");
        String schbench = help(bench.getSubcommands().get("schbench"));
        assertTrue(schbench.contains("(default 5s)"), schbench);
        // (the help wraps the list after a comma)
        assertTrue(schbench.replace(", ", ",").contains("(default skyloft:cfs,skyloft:eevdf,skyloft:rr,skyloft:fifo,jdk-default,platform)"), schbench);
        assertTrue(schbench.contains("(default the runtime's adaptive 20us..5ms)"), schbench);
        assertTrue(schbench.contains("(default 5us with the poll timer, 50us with sleep or spin)"), schbench);
        String lc = help(bench.getSubcommands().get("lc"));
        assertTrue(lc.contains("(default 2s)") && lc.contains("(default 2ms, fixed)"), lc);
        assertTrue(help(bench.getSubcommands().get("ops")).contains("(default 1s)"));
        assertTrue(help(bench.getSubcommands().get("capacity")).contains("(default 1s)"));
        assertTrue(help(bench.getSubcommands().get("pipe")).contains("(default 2s)"));
        // the options still set what they set
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult r = cl.parseArgs("bench", "pipe", "--duration", "300ms", "--systems", "skyloft:rr,platform");
        BenchPipeCommand pipe = r.subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertEquals("300ms", pipe.opts.duration);
        assertEquals(List.of("skyloft:rr", "platform"), pipe.opts.systems);
    }
}
