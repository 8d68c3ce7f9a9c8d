package sample;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import skyloft.runtime.Skyloft;
import skyloft.runtime.SkyloftRuntime;
import skyloft.spi.SchedAttr;

/**
 * Do a task's time slices end on time when it shares a carrier with a task that polls far more
 * often? One carrier under rr with 100-us slices runs two CPU-bound tasks for 2 s: "sparse" polls
 * every 10 us, and the other polls in a tight loop ("dense") or, as the control, every 10 us too.
 * A poll of sparse that takes over 50 us was a preemption: the slice before it ran from the
 * previous one. Prints sparse's slices: how many, their mean and their maximum.
 *
 * <p>Before the poll stride became each task's own (PollStrideTest), sparse started its runs with
 * dense's stride, hundreds of polls between clock reads, and its slices ran milliseconds.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp skyloft-bench.jar:skyloft-core.jar:HdrHistogram.jar sample.PollMix
 * </pre>
 */
public final class PollMix {
    private PollMix() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            System.err.println("usage: PollMix (no arguments); got " + String.join(" ", args));
            System.exit(2);
        }
        for (boolean dense : new boolean[] {true, false}) run(dense);
    }

    private static void spin(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    private static void run(boolean dense) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        long[] slices = new long[1], sumNs = new long[1], maxNs = new long[1];
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("rr").param("slice", "100us").pin(false).jfr(false).build()) {
            Thread other = rt.start(dense ? "dense" : "sparse-2", SchedAttr.DEFAULT, () -> {
                while (!stop.get()) {
                    if (!dense) spin(10_000);
                    Skyloft.preemptionPoint();
                }
            });
            Thread sparse = rt.start("sparse", SchedAttr.DEFAULT, () -> {
                long sliceStart = System.nanoTime(), end = sliceStart + 2_000_000_000L;
                while (System.nanoTime() < end) {
                    spin(10_000);
                    long before = System.nanoTime();
                    Skyloft.preemptionPoint();
                    long after = System.nanoTime();
                    if (after - before > 50_000) { // preempted in this poll
                        slices[0]++;
                        sumNs[0] += before - sliceStart;
                        maxNs[0] = Math.max(maxNs[0], before - sliceStart);
                        sliceStart = after;
                    }
                }
                stop.set(true);
            });
            sparse.join(Duration.ofSeconds(60));
            stop.set(true);
            other.join(Duration.ofSeconds(60));
        }
        System.out.printf(Locale.ROOT, "sparse beside %s: %d slices, mean %.0f us, max %.0f us (slice 100 us)%n",
                dense ? "dense" : "sparse (control)", slices[0], slices[0] == 0 ? 0.0 : sumNs[0] / 1e3 / slices[0], maxNs[0] / 1e3);
    }
}
