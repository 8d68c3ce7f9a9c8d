package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad input to the evaluation commands fails before anything runs, naming the bad value. */
class EvalCommandsTest {

    private static void rejects(Supplier<Callable<Integer>> cmd, String expectedInMessage, String... args) {
        Callable<Integer> c = cmd.get();
        new CommandLine(c).parseArgs(args);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call, List.of(args).toString());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void badCommonOptions() {
        rejects(BenchLcCommand::new, "--timer: 'fast' is not a timer mode; allowed: sleep, spin, poll, off", "--timer", "fast");
        rejects(BenchLcCommand::new, "--duration: '5'", "--duration", "5");
        rejects(BenchLcCommand::new, "--duration: 1ms is out of range", "--duration", "1ms");
        rejects(BenchLcCommand::new, "--cores 0", "--cores", "0");
        rejects(BenchLcCommand::new, "--idle-spin: 20ms is out of range", "--idle-spin", "20ms");
        rejects(BenchSchbenchCommand::new, "--idle-spin 1ms..20us: the maximum is below the minimum", "--idle-spin", "1ms..20us");
        rejects(BenchSchbenchCommand::new, "--idle-spin: 20ms is out of range", "--idle-spin", "20us..20ms");
        rejects(BenchSchbenchCommand::new, "--idle-spin: empty duration", "--idle-spin", "20us..");
        rejects(BenchLcCommand::new, "--cores 4096", "--cores", "4096");
        rejects(BenchLcCommand::new, "--tick", "--tick", "1ns");
        rejects(BenchSchbenchCommand::new, "skyloft:nosuch", "--systems", "skyloft:nosuch,platform");
        rejects(BenchPipeCommand::new, "'linux'", "--systems", "linux");
    }

    @Test
    void badBenchmarkOptions() {
        rejects(BenchLcCommand::new, "--dist 'uniform-3us'", "--dist", "uniform-3us");
        rejects(BenchLcCommand::new, "--slo: 'fast'", "--slo", "fast");
        rejects(BenchLcCommand::new, "--loads 5.0", "--loads", "0.5,5");
        rejects(BenchLcCommand::new, "--workers 0", "--workers", "0");
        rejects(BenchLcCommand::new, "--windows 0 is out of range; allowed 1..99", "--windows", "0");
        rejects(BenchSchbenchCommand::new, "--workers 0", "--workers", "0");
        rejects(BenchSchbenchCommand::new, "--sleep", "--sleep", "2s");
        rejects(BenchSchbenchCommand::new, "--footprint 0KB", "--footprint", "0");
        rejects(BenchPipeCommand::new, "--runs 0", "--runs", "0");
        rejects(BenchOpsCommand::new, "nosuch", "--policy", "nosuch");
    }

    @Test
    void aSystemOrPolicyGivenTwiceIsRefusedNotRunTwice() {
        rejects(BenchPipeCommand::new, "--systems: 'platform' is given twice", "--systems", "platform,jdk-default,platform");
        rejects(BenchSchbenchCommand::new, "--systems: 'skyloft:rr[slice=30us]' is given twice", "--systems", "skyloft:rr[slice=30us], skyloft:rr[slice=30us]");
        rejects(BenchYieldCommand::new, "--policies: 'fifo' is given twice", "--policies", "fifo,rr,fifo");
        rejects(BenchPickCommand::new, "--policies: 'fifo' is given twice", "--policies", "fifo,fifo");
        rejects(DemoCommand::new, "--policies: 'rr' is given twice", "--policies", "rr,rr");
        BenchLcCommand lc = new BenchLcCommand();
        new CommandLine(lc).parseArgs("--systems", "skyloft:rr,skyloft:rr[slice=30us]");
        assertEquals(List.of("skyloft:rr", "skyloft:rr[slice=30us]"), lc.opts.systems(List.of()), "different parameters, different systems");
    }

    @Test
    void everyListOptionRefusesAnEmptyEntryAndAValueGivenTwice() {
        String empty = "has an empty entry; allowed: values separated by single commas, with no comma at either end";
        String[][] emptyEntries = {{"schbench", "--workers", "2,,4"}, {"schbench", "--workers", "2,"}, {"schbench", "--workers", ",2"},
                {"lc", "--systems", "jdk-default,"}, {"lc", "--loads", "0.5,"}, {"pick", "--runnable", "10,"}, {"yield", "--policies", "fifo,"},
                {"preempt", "--slices", "20us,,50us"}, {"poll-overhead", "--kernels", "Fib,"}, {"rewrite", "--jars", ","}};
        for (String[] c : emptyEntries) {
            SimOutputsTest.Run r = SimOutputsTest.run("bench", c[0], c[1], c[2]);
            assertEquals(2, r.code(), List.of(c).toString());
            assertTrue(r.err().startsWith("skyloft: " + c[1] + " '" + c[2] + "' " + empty + "\n"), r.err());
        }
        String[][] twice = {{"schbench", "--workers", "2,2", "'2'"}, {"pick", "--runnable", "10,10", "'10'"}, {"lc", "--loads", "0.5,0.50", "'0.5'"},
                {"poll-overhead", "--kernels", "Fib,Fib", "'Fib'"}, {"lc", "--systems", "platform, platform", "'platform'"}};
        for (String[] c : twice) {
            SimOutputsTest.Run r = SimOutputsTest.run("bench", c[0], c[1], c[2]);
            assertEquals(2, r.code(), List.of(c).toString());
            assertEquals("skyloft: " + c[1] + ": " + c[3] + " is given twice; allowed each once\n", r.err());
        }
        SimOutputsTest.Run r = SimOutputsTest.run("bench", "schbench", "--workers", "2", "--workers", "2");
        assertEquals("skyloft: --workers: '2' is given twice; allowed each once\n", r.err(), "over repeats of the option too");
        rejects(BenchPreemptCommand::new, "--slices: '20us' is given twice", "--slices", "20us,20000ns");
    }

    @Test
    void schbenchRefusesASleepOfPartMicroseconds() {
        // the benchmark sleeps whole microseconds: 1900ns ran as 1us (sleep_us 1), 500ns as no sleep at all
        rejects(BenchSchbenchCommand::new, "--sleep 1900ns is not a whole number of microseconds (schbench sleeps whole microseconds); give e.g. 2us",
                "--sleep", "1900ns");
        rejects(BenchSchbenchCommand::new, "--sleep 500ns is not a whole number of microseconds", "--sleep", "500ns");
    }

    @Test
    void opsRefusesAPreemptPolicyThatNeverPreempts() {
        rejects(BenchOpsCommand::new, "--preempt-policy fifo never preempts (its tick asks for no preemption), so it has no preemption figures; "
                + "allowed: rr, cfs", "--preempt-policy", "fifo");
    }

    @Test
    void aPolicyGivenAsASystemIsToldToDropTheSkyloftPrefix() {
        rejects(BenchPickCommand::new, "--policies: 'skyloft:rr' names a system; give the policy name without 'skyloft:', e.g. rr",
                "--policies", "skyloft:rr");
    }

    @Test
    void preemptWarnsWhenTheSpinTimerHasNoCpuOfItsOwn() {
        assertEquals("--modes spin with --cores 2 on 2 CPUs: the spin timer needs a CPU of its own beside the carriers, so it shares one with "
                + "a carrier and its figures show that contention; allowed without it: --cores 1",
                BenchPreemptCommand.spinCrowded(List.of(skyloft.runtime.TimerMode.SPIN), 2, 2));
        assertEquals(null, BenchPreemptCommand.spinCrowded(List.of(skyloft.runtime.TimerMode.SPIN), 1, 2), "one carrier leaves the timer a CPU");
        assertEquals(null, BenchPreemptCommand.spinCrowded(List.of(skyloft.runtime.TimerMode.POLL), 2, 2), "no spin timer");
        assertTrue(BenchPreemptCommand.spinCrowded(List.of(skyloft.runtime.TimerMode.SPIN), 4, 4).endsWith("--cores 1..3"));
    }

    @Test
    void lcsHelpSaysWhatABimodalsDigitsMean() {
        String usage = new CommandLine(new BenchLcCommand()).getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(usage.contains("A bimodal's DIGITS are the decimals of D1's share, the rest is D2's: bimodal-995-4us-10ms is 99.5% 4us "
                + "and 0.5% 10ms, bimodal-9-4us-10ms 90% 4us, bimodal-1000-4us-10ms 10% 4us."), usage);
        // as the parser reads them
        for (String[] c : new String[][] {{"995", "0.995"}, {"9", "0.9"}, {"1000", "0.1"}}) {
            assertEquals(Double.parseDouble(c[1]), skyloft.bench.ServiceDist.parse("bimodal-" + c[0] + "-4us-10ms").classShare(0), 1e-12, c[0]);
        }
    }

    @Test
    void pollOverheadNamesItsOwnOptions() {
        rejects(BenchPollOverheadCommand::new, "--stride 0 is out of range; allowed 1..65536", "--stride", "0");
        rejects(BenchPollOverheadCommand::new, "--stride 70000 is out of range; allowed 1..65536", "--stride", "70000");
    }

    @Test
    void preemptBoundsItsDurationByWhatTheBenchmarkTakesBeforeItRuns() {
        rejects(BenchPreemptCommand::new, "--duration: 99999s is out of range; allowed 50ms to 60s", "--duration", "99999s");
        rejects(BenchPreemptCommand::new, "--duration: 10ms is out of range; allowed 50ms to 60s", "--duration", "10ms");
        rejects(BenchPreemptCommand::new, "--duration: 61s is out of range; allowed 50ms to 60s", "--duration", "61s");
    }

    @Test
    void eachCommandListsOnlyTheOptionsItTakes() {
        for (Object c : List.of(new BenchOpsCommand(), new BenchAllCommand())) {
            CommandLine cl = new CommandLine(c);
            assertTrue(cl.getCommandSpec().findOption("--systems") == null, cl.getCommandName() + " chooses its own systems");
            assertThrows(CommandLine.UnmatchedArgumentException.class, () -> new CommandLine(c).parseArgs("--systems", "platform"));
        }
        assertTrue(new CommandLine(new BenchAllCommand()).getCommandSpec().findOption("--json") == null, "all writes its JSON into --out");
        assertTrue(new CommandLine(new BenchOpsCommand()).getCommandSpec().findOption("--json") != null);
        for (Object c : List.of(new BenchSchbenchCommand(), new BenchLcCommand(), new BenchPipeCommand(), new BenchCapacityCommand())) {
            var spec = new CommandLine(c).getCommandSpec();
            for (String o : List.of("--systems", "--json", "--cores", "--duration", "--timer", "--tick", "--idle-spin", "--stats")) {
                assertTrue(spec.findOption(o) != null, spec.name() + " " + o);
            }
        }
    }

    @Test
    void benchPickRefusesABadListBeforeItsHeader() {
        for (String[] args : new String[][] {{"--runnable", "0"}, {"--policies", "fifo,nosuch"}}) {
            SimOutputsTest.Run r = SimOutputsTest.run("bench", "pick", args[0], args[1]);
            assertEquals(2, r.code());
            assertEquals("", r.out(), "no header before the error");
            assertTrue(r.err().startsWith("skyloft: "), r.err());
        }
    }

    @Test
    void theMicroBenchmarksTakePoliciesWithParameters() {
        BenchYieldCommand y = new BenchYieldCommand();
        new CommandLine(y).parseArgs("--policies", "fifo,cfs[latency=6ms,min_granularity=750us], rr[slice=30us]");
        assertEquals(List.of("fifo", "cfs[latency=6ms,min_granularity=750us]", "rr[slice=30us]"), y.opts.policies());
        rejects(BenchYieldCommand::new, "--policies: system 'skyloft:rr[quantum=5us]': policy rr has no parameter 'quantum'", "--policies", "rr[quantum=5us]");
        rejects(BenchSpawnCommand::new, "--policies: system 'skyloft:rr[slice=30us': expected skyloft:<policy>[name=value,...]", "--policies", "rr[slice=30us");
        rejects(BenchSpawnCommand::new, "--policies: system 'skyloft:nosuch': no policy named 'nosuch'", "--policies", "fifo,nosuch");
        SimOutputsTest.Run r = SimOutputsTest.run("bench", "pick", "--policies", "rr[slice=30us],fifo", "--runnable", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("skyloft:rr[slice=30us]") && r.out().contains("skyloft:fifo"), r.out());
    }

    @Test
    void demoPoliciesKeepTheCommasInsideTheirBrackets() {
        DemoCommand d = new DemoCommand();
        new CommandLine(d).parseArgs("--policies", "cfs[latency=6ms,min_granularity=750us],rr[slice=30us]");
        assertEquals(List.of("cfs[latency=6ms,min_granularity=750us]", "rr[slice=30us]"), d.policies);
    }

    @Test
    void anIdleSpinIsFixedOrARange() {
        BenchSchbenchCommand sb = new BenchSchbenchCommand();
        new CommandLine(sb).parseArgs("--idle-spin", "50us");
        assertEquals(List.of(50_000L, 50_000L), List.of(sb.opts.runtime().idleSpinNs(), sb.opts.runtime().idleSpinMaxNs()));
        new CommandLine(sb).parseArgs("--idle-spin", "20us..2ms");
        assertEquals(List.of(20_000L, 2_000_000L), List.of(sb.opts.runtime().idleSpinNs(), sb.opts.runtime().idleSpinMaxNs()));
        BenchSchbenchCommand none = new BenchSchbenchCommand();
        new CommandLine(none).parseArgs();
        assertEquals(-1L, none.opts.runtime().idleSpinNs(), "none given: the runtime's default");
    }

    @Test
    void systemsMayCarryPolicyParametersWithCommas() {
        BenchLcCommand lc = new BenchLcCommand();
        new CommandLine(lc).parseArgs("--systems", "skyloft:cfs[latency=6ms,min_granularity=750us],skyloft:rr[slice=200us],jdk-default");
        assertEquals(List.of("skyloft:cfs[latency=6ms,min_granularity=750us]", "skyloft:rr[slice=200us]", "jdk-default"), lc.opts.systems);
        rejects(BenchLcCommand::new, "no parameter 'quantum'", "--systems", "skyloft:rr[quantum=5us]");
    }

    @Test
    void lcDispatcherAndWindowOptionsParse() {
        BenchLcCommand lc = new BenchLcCommand();
        new CommandLine(lc).parseArgs();
        assertTrue(lc.dispatcherRt);
        assertEquals(3, lc.windows);
        lc = new BenchLcCommand();
        new CommandLine(lc).parseArgs("--no-dispatcher-rt", "--windows", "5");
        assertEquals(false, lc.dispatcherRt);
        assertEquals(5, lc.windows);
        // the description with percent signs renders (picocli formats it)
        String usage = new CommandLine(new BenchLcCommand()).getUsageMessage();
        assertTrue(usage.contains("loads run from 10% to past saturation"), usage);
    }

    @Test
    void theEvaluationCommandsAreRegistered() {
        CommandLine bench = new CommandLine(new BenchCommand());
        for (String name : List.of("schbench", "lc", "pipe", "ops", "all", "yield", "spawn")) {
            assertTrue(bench.getSubcommands().containsKey(name), name);
        }
        CommandLine demo = new CommandLine(new DemoCommand());
        assertTrue(demo.getCommandSpec().findOption("--stats") != null);
        assertEquals("skyloft-report", demo.getCommandSpec().findOption("--out").defaultValue());
    }
}
