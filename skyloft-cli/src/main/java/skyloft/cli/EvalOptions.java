package skyloft.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.Baselines;
import skyloft.bench.Sut;
import skyloft.runtime.TimerMode;
import skyloft.util.Durations;

/**
 * Options of the evaluation benchmarks, in three layers so that each command lists only what it
 * takes: these (every one: schbench, lc, pipe, capacity, ops, all), {@link WithJson} (all but
 * {@code all}, which writes its JSON into its report directory), {@link WithSystems} (the
 * benchmarks that compare systems: schbench, lc, pipe, capacity).
 */
class EvalOptions {
    /** Where a description names a default that differs by command; {@link #showDefaults} puts the command's own there. */
    static final String PER_COMMAND = "(default: per benchmark)";

    /** The runtime's default tick, as the options' help gives it (SkyloftRuntime: 5 us when the carriers tick in
     *  their polls, 50 us for a timer thread). */
    static final String TICK_DEFAULT = "(default 5us with the poll timer, 50us with sleep or spin)";

    @Mixin
    PolicyPath policyPath;

    @Option(names = "--cores", paramLabel = "N", description = "CPUs for every system (default: every core, at most 2).")
    Integer cores;

    @Option(names = "--duration", paramLabel = "D", description = "Measured time per configuration, 100ms..3600s, e.g. 10s, 500ms " + PER_COMMAND + ".")
    String duration;

    @Option(names = "--timer", paramLabel = "MODE", description = "Skyloft timer: poll, sleep, spin or off (default: the runtime's, poll).")
    String timer;

    @Option(names = "--tick", paramLabel = "D", description = "Skyloft timer tick, 1us..100ms " + TICK_DEFAULT + ".")
    String tick;

    @Option(names = "--idle-spin", paramLabel = "D|MIN..MAX", description = "How long an idle Skyloft carrier spins before it parks, 0..10ms: "
            + "D for a fixed spin, MIN..MAX for one that adapts to the idle periods " + PER_COMMAND + ".")
    String idleSpin;

    @Option(names = "--stats", description = "Print the runtime's stats after each Skyloft system.")
    boolean stats;

    int cores() {
        int max = Runtime.getRuntime().availableProcessors();
        int n = cores != null ? cores : Math.min(2, max);
        if (n < 1 || n > max) throw new IllegalArgumentException("--cores " + n + " is out of range; this machine allows 1.." + max);
        return n;
    }

    long durationNs(long defaultNs) {
        if (duration == null) return defaultNs;
        return Durations.parseNs("--duration", duration, 100_000_000L, 3_600_000_000_000L);
    }

    Sut.RuntimeConfig runtime() {
        TimerMode m;
        try {
            m = timer == null ? null : TimerMode.parse(timer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timer: " + e.getMessage());
        }
        long tickNs = tick == null ? 0 : Durations.parseNs("--tick", tick, 1_000, 100_000_000);
        if (idleSpin == null) return new Sut.RuntimeConfig(m, tickNs, -1);
        long[] spin = Durations.parseRangeNs("--idle-spin", idleSpin, 0, 10_000_000);
        return new Sut.RuntimeConfig(m, tickNs, spin[0], spin[1]);
    }

    /** Puts each benchmark command's own defaults ({@link EvalDefaults}) into the descriptions of its shared
     *  options, in place of {@link #PER_COMMAND}, for {@code cl} and every command under it. */
    static void showDefaults(CommandLine cl) {
        if (cl.getCommand() instanceof EvalDefaults d) {
            CommandSpec spec = cl.getCommandSpec();
            describe(spec, "--duration", "(default " + d.durationDefault() + ")");
            describe(spec, "--idle-spin", "(default " + d.idleSpinDefault() + ")");
            if (d.defaultPolicies() != null) {
                describe(spec, "--systems", "(default " + d.defaultPolicies().stream().map(Baselines::skyloft).collect(Collectors.joining(","))
                        + "," + Baselines.JDK_DEFAULT + "," + Baselines.PLATFORM + ")");
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) showDefaults(sub);
    }

    /** Replaces {@link #PER_COMMAND} in the description of the option {@code name} of {@code spec}, if it has one. */
    private static void describe(CommandSpec spec, String name, String what) {
        OptionSpec o = spec.findOption(name);
        if (o == null) return;
        String[] desc = o.description().clone();
        for (int i = 0; i < desc.length; i++) desc[i] = desc[i].replace(PER_COMMAND, what);
        spec.remove(o);
        spec.addOption(OptionSpec.builder(o).description(desc).build());
    }

    /** And {@code --json}. */
    static class WithJson extends EvalOptions {
        @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON rows to FILE.")
        Path json;
    }

    /** And {@code --systems}. */
    static final class WithSystems extends WithJson {
        @Option(names = "--systems", split = ",(?![^\\[]*\\])", splitSynopsisLabel = ",", preprocessor = ListOptions.Entries.class, paramLabel = "S,...",
                description = "Systems to run: skyloft:<policy> (with parameters: skyloft:rr[slice=200us], skyloft:cfs[latency=6ms,min_granularity=750us]), jdk-default, platform " + PER_COMMAND + ".")
        List<String> systems;

        /** The systems given, or the benchmark's defaults (unregistered default policies are skipped, with a note). */
        List<String> systems(List<String> defaultPolicies) {
            if (systems != null && !systems.isEmpty()) return Sut.checkSystems(BenchOptions.distinct("--systems", systems.stream().map(String::strip).toList()));
            List<String> skipped = new ArrayList<>();
            List<String> out = Sut.defaults(defaultPolicies, skipped);
            if (!skipped.isEmpty()) System.err.println("note: skipping " + skipped + " (policy not registered in this build)");
            return out;
        }
    }
}
