package skyloft.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import skyloft.agent.InstrumentingClassLoader;
import skyloft.agent.PollInserter;
import skyloft.runtime.RuntimeStats;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;
import skyloft.spi.SchedAttr;

/**
 * {@code bench preempt}: how close the runtime gets to the asked time slice when nothing but
 * agent-inserted polls can preempt. For each timer mode (SLEEP: no dedicated core; SPIN: a
 * spinning timer thread) and each RR slice, a fresh runtime runs {@code hogsPerCore} CPU-bound
 * {@link HogTask}s per carrier for {@code duration}; the hogs come from
 * {@code skyloft.bench.hogs}, loaded through the agent's {@link InstrumentingClassLoader} (the
 * same transformation {@code -javaagent} applies; no hand-written polls).
 *
 * <p>Metrics per (mode, slice), system {@code skyloft:rr}: {@code slice_p50_us},
 * {@code slice_p99_us}, {@code slice_max_us} (how long each preempted hog had run, pick to stop,
 * from the runtime's {@code preemptedRunHistogram}; OS descheduling of the carrier inside a
 * slice counts as part of it), {@code delivery_p99_us} (the runtime's request-to-yield histogram),
 * {@code timer_cpu_pct} (the timer thread's CPU time over the wall time, % of one core),
 * {@code preempt_delivered}, {@code fair_share_min} (smallest hog's share of work over the
 * equal share). Baseline in the same run, system {@code skyloft:rr-no-agent}: the same hogs
 * loaded plain, which nothing can preempt ({@code preempt_delivered},
 * {@code longest_mean_run_us}: the longest mean run per switch of any hog). The POLL mode's
 * cost is not in {@code timer_cpu_pct} but in the polls of armed carriers: {@code bench
 * poll-overhead} measures it ({@code poll_overhead_geomean_armed}); a work-rate ratio of these
 * hogs, tried here, swung from 0.04 to 20 between runs with the JIT's handling of their single
 * long-running loop, and was dropped. Timer tick: slice/2 clamped to 10..50us in SLEEP mode (each
 * wakeup costs CPU), slice/10 in SPIN mode (min 1us), slice/2 clamped to 1..50us in POLL mode (a
 * tick is a lock and a policy call, no wakeup).
 */
public final class PreemptBench {
    private PreemptBench() {}

    public static final List<Long> DEFAULT_SLICES_US = List.of(10L, 20L, 50L, 100L);

    public record Config(List<TimerMode> modes, List<Long> slicesUs, int cores, int hogsPerCore, Duration duration, boolean pin, boolean printStats) {
        public Config {
            for (TimerMode m : modes) {
                if (m == TimerMode.OFF) throw new IllegalArgumentException("--modes: off has no timer to measure; allowed poll, sleep, spin");
            }
            for (long s : slicesUs) {
                if (s < 5 || s > 1_000_000) throw new IllegalArgumentException("--slices: " + s + "us out of range; allowed 5us..1s");
            }
            int max = Runtime.getRuntime().availableProcessors();
            if (cores < 1 || cores > max) throw new IllegalArgumentException("--cores " + cores + " out of range; allowed 1.." + max);
            if (hogsPerCore < 2 || hogsPerCore > 64) throw new IllegalArgumentException("--hogs " + hogsPerCore + " out of range; allowed 2..64 per core");
            if (duration.toMillis() < 50 || duration.toMillis() > 60_000) {
                throw new IllegalArgumentException("--duration " + duration.toMillis() + "ms out of range; allowed 50ms..60s");
            }
            modes = List.copyOf(modes);
            slicesUs = List.copyOf(slicesUs);
        }

        public static Config defaults() {
            return new Config(List.of(TimerMode.POLL, TimerMode.SLEEP, TimerMode.SPIN), DEFAULT_SLICES_US, 1, 3, Duration.ofMillis(500), true, false);
        }
    }

    static long tickNs(TimerMode mode, long sliceNs) {
        return switch (mode) {
            case SPIN -> Math.max(1_000, sliceNs / 10);
            case POLL -> Math.clamp(sliceNs / 2, 1_000, 50_000);
            default -> Math.clamp(sliceNs / 2, 10_000, 50_000);
        };
    }

    public static BenchResult run(Config cfg, PrintStream progress) {
        ClassLoader loader = new InstrumentingClassLoader(PreemptBench.class.getClassLoader(),
                n -> n.startsWith("skyloft.bench.hogs."), PollInserter.Options.DEFAULT);
        BenchResult result = new BenchResult("preempt")
                .param("policy", "rr")
                .param("cores", cfg.cores())
                .param("hogs_per_core", cfg.hogsPerCore())
                .param("duration_ms", cfg.duration().toMillis())
                .param("pinned", cfg.pin())
                .param("cpus", Runtime.getRuntime().availableProcessors());
        // Warm-up: JIT-compile the hog and the runtime's switch path; not reported.
        for (TimerMode mode : cfg.modes()) runOne(loader, mode, 100_000, cfg.cores(), cfg.hogsPerCore(), Duration.ofMillis(200), cfg.pin());
        // Baseline: the same hogs loaded plain (no polls) under the same policy and timer. Nothing
        // can preempt them, so the first one keeps its carrier for the whole run.
        long baseSliceNs = cfg.slicesUs().get(cfg.slicesUs().size() - 1) * 1_000;
        TimerMode baseMode = cfg.modes().get(0);
        Outcome plain = runOne(PreemptBench.class.getClassLoader(), baseMode, baseSliceNs, cfg.cores(), cfg.hogsPerCore(),
                cfg.duration(), cfg.pin());
        for (TimerMode mode : cfg.modes()) {
            for (long sliceUs : cfg.slicesUs()) {
                Outcome o = runOne(loader, mode, sliceUs * 1_000, cfg.cores(), cfg.hogsPerCore(), cfg.duration(), cfg.pin());
                Map<String, Object> p = Map.of("mode", mode.name().toLowerCase(Locale.ROOT), "slice_us", sliceUs,
                        "tick_us", tickNs(mode, sliceUs * 1_000) / 1e3);
                String sys = "skyloft:rr";
                result.add(new BenchResult.Row(sys, "slice_p50_us", o.slices.getValueAtPercentile(50) / 1e3, "us", p));
                result.add(new BenchResult.Row(sys, "slice_p99_us", o.slices.getValueAtPercentile(99) / 1e3, "us", p));
                result.add(new BenchResult.Row(sys, "slice_max_us", o.slices.getMaxValue() / 1e3, "us", p));
                result.add(new BenchResult.Row(sys, "delivery_p99_us", o.stats.preemption().delayP99Ns() / 1e3, "us", p));
                result.add(new BenchResult.Row(sys, "timer_cpu_pct", o.timerCpuPct, "%", p));
                result.add(new BenchResult.Row(sys, "preempt_delivered", o.stats.preemption().delivered(), "count", p));
                result.add(new BenchResult.Row(sys, "fair_share_min", o.fairShareMin, "x", p));
                if (progress != null) {
                    progress.printf(Locale.ROOT, "  %-5s slice %4d us: achieved p50 %7.1f p99 %7.1f max %8.1f us; delivery p99 %6.1f us;"
                                    + " timer %5.1f%% of a core; %d preemptions; min share %.2f%n",
                            mode.name().toLowerCase(Locale.ROOT), sliceUs, o.slices.getValueAtPercentile(50) / 1e3,
                            o.slices.getValueAtPercentile(99) / 1e3, o.slices.getMaxValue() / 1e3,
                            o.stats.preemption().delayP99Ns() / 1e3, o.timerCpuPct, o.stats.preemption().delivered(), o.fairShareMin);
                    if (cfg.printStats()) progress.print(o.stats.format());
                }
            }
        }
        long longestRunNs = 0;
        for (RuntimeStats.TaskRow t : plain.stats.tasks()) {
            if (t.switches() > 0) longestRunNs = Math.max(longestRunNs, t.runNs() / t.switches());
        }
        Map<String, Object> bp = Map.of("mode", baseMode.name().toLowerCase(Locale.ROOT), "slice_us", baseSliceNs / 1_000);
        result.add(new BenchResult.Row("skyloft:rr-no-agent", "preempt_delivered", plain.stats.preemption().delivered(), "count", bp));
        result.add(new BenchResult.Row("skyloft:rr-no-agent", "longest_mean_run_us", longestRunNs / 1e3, "us", bp));
        if (progress != null) {
            progress.printf(Locale.ROOT, "  baseline, hogs without polls (%s, slice %d us): %d preemptions delivered; a hog held its carrier %.1f ms per run%n",
                    baseMode.name().toLowerCase(Locale.ROOT), baseSliceNs / 1_000, plain.stats.preemption().delivered(), longestRunNs / 1e6);
        }
        return result;
    }

    private record Outcome(Histogram slices, RuntimeStats stats, double timerCpuPct, double fairShareMin) {}

    private static Outcome runOne(ClassLoader loader, TimerMode mode, long sliceNs, int cores, int hogsPerCore,
                                  Duration duration, boolean pin) {
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(cores).policy("rr").param("slice", sliceNs + "ns")
                .timer(mode, tickNs(mode, sliceNs)).pin(pin).build();
        int n = cores * hogsPerCore;
        List<HogTask> hogs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                HogTask h = newHog(loader);
                hogs.add(h);
                threads.add(rt.start("hog-" + i, SchedAttr.DEFAULT, h));
            }
            Thread.sleep(duration);
            for (HogTask h : hogs) h.stop();
            for (Thread t : threads) {
                if (!t.join(Duration.ofSeconds(30))) throw new IllegalStateException(t + " did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            for (HogTask h : hogs) h.stop();
            rt.close(Duration.ofSeconds(5));
        }
        long wallNs = System.nanoTime() - t0;
        RuntimeStats stats = rt.stats();
        long total = 0, least = Long.MAX_VALUE;
        for (HogTask h : hogs) {
            total += h.work();
            least = Math.min(least, h.work());
        }
        double fair = total == 0 ? 0 : (double) least / ((double) total / n);
        return new Outcome(rt.preemptedRunHistogram(), stats, 100.0 * stats.preemption().timerCpuNs() / wallNs, fair);
    }

    private static HogTask newHog(ClassLoader loader) {
        try {
            Class<?> c = Class.forName("skyloft.bench.hogs.SpinHog", true, loader);
            return (HogTask) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the hog through the instrumenting loader: " + e, e);
        }
    }
}
