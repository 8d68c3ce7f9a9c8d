package skyloft.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;

/**
 * {@code bench spawn}: the cost of starting a thread and joining it, one after another, from a
 * thread of the same system: every policy on one carrier, the JDK's default scheduler with
 * parallelism 1, platform threads, and the continuation floor (create and run to completion).
 */
public final class SpawnBench {
    private SpawnBench() {}

    public record Options(List<String> policies, int spawns, int warmups, int runs, TimerMode timer, boolean stats) {}

    private static final Runnable EMPTY = () -> { };

    public static BenchResult run(Options o) {
        int jdkPar = Baselines.configureJdkDefault(1);
        BenchResult r = new BenchResult("spawn")
                .param("spawns_per_run", o.spawns()).param("warmups", o.warmups()).param("runs", o.runs())
                .param("carriers", 1).param("timer", o.timer().name().toLowerCase()).param("jdk_parallelism", jdkPar);
        for (String policy : o.policies()) {
            Harness.progress("spawn", Baselines.skyloft(policy));
            try (SkyloftRuntime rt = OpsBench.runtime(policy, 1, new Sut.RuntimeConfig(o.timer(), 0))) {
                var m = Harness.measure(o.warmups(), o.runs(), () -> inside(rt::start, () -> loop(o.spawns(), () -> rt.start(EMPTY))));
                r.add(m.row(Baselines.skyloft(policy), "ns_per_spawn_join", "ns"));
                if (o.stats()) System.out.println(rt.stats().format());
            }
        }
        Harness.progress("spawn", Baselines.JDK_DEFAULT);
        var jdk = Harness.measure(o.warmups(), o.runs(),
                () -> inside(b -> Thread.ofVirtual().start(b), () -> loop(o.spawns(), () -> Thread.ofVirtual().start(EMPTY))));
        r.add(jdk.row(Baselines.JDK_DEFAULT, "ns_per_spawn_join", "ns"));

        Harness.progress("spawn", Baselines.PLATFORM);
        int platformSpawns = Math.max(1, o.spawns() / 20); // platform threads cost ~50x more; keep the run short
        var plat = Harness.measure(o.warmups(), o.runs(), () -> loop(platformSpawns, () -> Thread.ofPlatform().start(EMPTY)));
        r.add(plat.row(Baselines.PLATFORM, "ns_per_spawn_join", "ns"));

        Harness.progress("spawn", Baselines.CONTINUATION);
        var cont = Harness.measure(o.warmups(), o.runs(), () -> ContinuationFloor.spawnNs(o.spawns()));
        r.add(cont.row(Baselines.CONTINUATION, "ns_per_spawn_join", "ns"));
        return r;
    }

    interface Spawner {
        Thread start();
    }

    /** Spawns and joins {@code n} threads one after another; ns per spawn+join. */
    static double loop(int n, Spawner s) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Thread t = s.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Runs {@code work} in a thread of the system being measured and returns its result. */
    static double inside(YieldBench.Starter starter, java.util.function.DoubleSupplier work) {
        AtomicReference<Double> out = new AtomicReference<>();
        Thread driver = starter.start(() -> out.set(work.getAsDouble()));
        YieldBench.join(driver);
        if (out.get() == null) throw new IllegalStateException("the driver thread failed; see its stack trace above");
        return out.get();
    }
}
