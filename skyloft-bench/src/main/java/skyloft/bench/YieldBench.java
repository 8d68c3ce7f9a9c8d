package skyloft.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import skyloft.runtime.Affinity;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;

/**
 * {@code bench yield}: two threads ping-pong {@code Thread.yield()} on one CPU; ns per switch for
 * every policy on one carrier, for the JDK's default scheduler with parallelism 1, for two
 * platform threads pinned to one core (sched_yield under Linux), and for two bare continuations.
 */
public final class YieldBench {
    private YieldBench() {}

    public record Options(List<String> policies, int switches, int warmups, int runs, TimerMode timer, boolean stats) {}

    public static BenchResult run(Options o) {
        int jdkPar = Baselines.configureJdkDefault(1);
        BenchResult r = new BenchResult("yield")
                .param("switches_per_run", o.switches()).param("warmups", o.warmups()).param("runs", o.runs())
                .param("carriers", 1).param("timer", o.timer().name().toLowerCase()).param("jdk_parallelism", jdkPar);
        int each = o.switches() / 2;
        for (String policy : o.policies()) {
            Harness.progress("yield", Baselines.skyloft(policy));
            try (SkyloftRuntime rt = OpsBench.runtime(policy, 1, new Sut.RuntimeConfig(o.timer(), 0))) {
                var m = Harness.measure(o.warmups(), o.runs(), () -> pingPong(each, body -> rt.start(body)));
                r.add(m.row(Baselines.skyloft(policy), "ns_per_switch", "ns"));
                if (o.stats()) System.out.println(rt.stats().format());
            }
        }
        Harness.progress("yield", Baselines.JDK_DEFAULT);
        var jdk = Harness.measure(o.warmups(), o.runs(), () -> pingPong(each, body -> Thread.ofVirtual().start(body)));
        r.add(jdk.row(Baselines.JDK_DEFAULT, "ns_per_switch", "ns"));

        Harness.progress("yield", Baselines.PLATFORM);
        List<Integer> cpus = Affinity.allowedCpus();
        int cpu = cpus.isEmpty() ? -1 : cpus.get(cpus.size() - 1);
        String[] pinProblem = new String[1];
        var plat = Harness.measure(o.warmups(), o.runs(), () -> pingPong(each, body -> Thread.ofPlatform().start(() -> {
            String p = cpu < 0 ? "no CPU list" : Affinity.pinCurrentThread(cpu);
            if (p != null) pinProblem[0] = p;
            body.run();
        })));
        var platRow = plat.row(Baselines.PLATFORM, "ns_per_switch", "ns");
        var platParams = new java.util.LinkedHashMap<String, Object>(platRow.params());
        platParams.put("pinned_to_one_cpu", pinProblem[0] == null);
        r.add(new BenchResult.Row(platRow.system(), platRow.metric(), platRow.value(), platRow.unit(), platParams));

        Harness.progress("yield", Baselines.CONTINUATION);
        var cont = Harness.measure(o.warmups(), o.runs(), () -> ContinuationFloor.yieldNsPerSwitch(o.switches()));
        r.add(cont.row(Baselines.CONTINUATION, "ns_per_switch", "ns"));
        return r;
    }

    interface Starter {
        Thread start(Runnable body);
    }

    /** Two threads released together, each yielding {@code each} times; ns per switch. */
    static double pingPong(int each, Starter starter) {
        CountDownLatch go = new CountDownLatch(1);
        Runnable body = () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            for (int i = 0; i < each; i++) Thread.yield();
        };
        Thread a = starter.start(body);
        Thread b = starter.start(body);
        sleepQuietly(2); // both reach the latch
        long t0 = System.nanoTime();
        go.countDown();
        join(a);
        join(b);
        return (System.nanoTime() - t0) / (double) (2 * each);
    }

    static void join(Thread t) {
        try {
            if (!t.join(Duration.ofSeconds(60))) throw new IllegalStateException(t + " did not finish within 60 s");
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
