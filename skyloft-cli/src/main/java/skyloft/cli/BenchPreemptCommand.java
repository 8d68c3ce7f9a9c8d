package skyloft.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import skyloft.bench.PreemptBench;
import skyloft.runtime.TimerMode;
import skyloft.util.Durations;

/** {@code skyloft bench preempt}: achieved RR slices with agent-inserted polls, per timer mode and slice. */
@Command(name = "preempt", mixinStandardHelpOptions = true,
        description = "CPU-bound agent-instrumented threads under RR at several slices in each timer mode: achieved slice "
                + "p50/p99/max, preemption delivery p99, timer CPU use.")
final class BenchPreemptCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Option(names = "--slices", paramLabel = "D", split = ",", preprocessor = ListOptions.Entries.class,
            description = "RR slices (default 10us,20us,50us,100us).")
    List<String> slices;

    @Option(names = "--modes", paramLabel = "MODE", split = ",", preprocessor = ListOptions.Entries.class, description = "Timer modes: poll, sleep, spin (default all three).")
    List<String> modes;

    @Option(names = "--cores", paramLabel = "N", description = "Carriers (default ${DEFAULT-VALUE}; the spin timer needs a core of its own).")
    int cores = PreemptBench.Config.defaults().cores();

    @Option(names = "--hogs", paramLabel = "N", description = "CPU-bound threads per carrier (default ${DEFAULT-VALUE}).")
    int hogs = PreemptBench.Config.defaults().hogsPerCore();

    @Option(names = "--duration", paramLabel = "D", description = "Run time per (mode, slice), 50ms..60s (default 500ms).")
    String duration = "500ms";

    @Option(names = "--no-pin", description = "Do not pin carriers to CPUs (pinning is the runtime's default).")
    boolean noPin;

    @Option(names = "--stats", description = "Print the runtime's counters after each point.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        List<Long> slicesUs = new ArrayList<>();
        if (slices == null) slicesUs.addAll(PreemptBench.DEFAULT_SLICES_US);
        else for (String s : slices) {
            long ns = Durations.parseNs("--slices", s);
            if (ns % 1_000 != 0) throw new IllegalArgumentException("--slices: " + s + " is not a whole number of microseconds");
            slicesUs.add(ns / 1_000);
        }
        BenchOptions.distinct("--slices", slicesUs.stream().map(us -> Durations.format(us * 1_000)).toList()); // 20us and 20000ns alike
        List<TimerMode> ms = new ArrayList<>();
        if (modes == null) ms.addAll(PreemptBench.Config.defaults().modes());
        else for (String m : modes) {
            try {
                ms.add(TimerMode.parse(m));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--modes: " + e.getMessage());
            }
        }
        // what PreemptBench takes: enough for a measurement's warm-up and its samples, at most a minute per point
        long durationNs = Durations.parseNs("--duration", duration, 50_000_000L, 60_000_000_000L);
        var cfg = new PreemptBench.Config(ms, slicesUs, cores, hogs, Duration.ofNanos(durationNs), !noPin, stats);
        String crowded = spinCrowded(cfg.modes(), cfg.cores(), Runtime.getRuntime().availableProcessors());
        if (crowded != null) System.err.println("skyloft: warning: " + crowded);
        System.out.println("preempt: " + cfg.cores() + " carrier(s) x " + cfg.hogsPerCore() + " instrumented hogs, RR, "
                + Durations.format(durationNs) + " per point; the machine may be shared, so tails include its noise");
        BenchRun.run(json, () -> PreemptBench.run(cfg, System.out));
        return 0;
    }

    /** Why the spin mode's figures would not be its own on {@code cpus} CPUs, or null: its timer
     *  thread spins on a CPU of its own, which {@code cores} carriers leave it only below {@code cpus}. */
    static String spinCrowded(List<TimerMode> modes, int cores, int cpus) {
        if (!modes.contains(TimerMode.SPIN) || cores + 1 <= cpus) return null;
        return "--modes spin with --cores " + cores + " on " + cpus + " CPU" + (cpus == 1 ? "" : "s") + ": the spin timer needs a CPU of its "
                + "own beside the carriers, so it shares one with a carrier and its figures show that contention; allowed without it: --cores "
                + (cpus > 2 ? "1.." + (cpus - 1) : cpus == 2 ? "1" : "(none: this machine has one CPU)");
    }
}
