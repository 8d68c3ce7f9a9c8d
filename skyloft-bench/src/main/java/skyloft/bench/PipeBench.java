package skyloft.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import skyloft.runtime.Affinity;
import skyloft.runtime.SkyloftRuntime;

/**
 * {@code bench pipe}: the analogue of {@code perf bench sched pipe}. Two threads bounce a token
 * through a one-slot handoff with blocking reads (the reader parks until the token is there, the
 * writer unparks it), so every round trip is two wakeups and two switches. Reported as
 * microseconds per round trip, on one carrier (Skyloft with 1 carrier; platform threads both
 * pinned to one CPU) and, with two or more cores, across two (Skyloft with 2 carriers, where
 * the policy places the threads; platform threads pinned to the first two CPUs, as {@link Sut}
 * places them). Never on more carriers than the cores asked for. jdk-default runs with the
 * parallelism the JVM's default scheduler was given (one value per JVM), and its row's
 * {@code carriers} is that parallelism; when that is not 1, its one-carrier row comes from a
 * child JVM at parallelism 1 ({@link JdkOneCarrier}; the row's {@code jvm} says so).
 */
public final class PipeBench {
    private PipeBench() {}

    public static final List<String> DEFAULT_POLICIES = List.of("fifo", "rr", "cfs");

    public record Options(List<String> systems, long durationNs, int runs, Sut.RuntimeConfig runtime, boolean stats) {
        public Options {
            systems = Sut.checkSystems(systems);
            Checks.duration(durationNs, 100_000_000L);
            if (runs < 1 || runs > 100) throw new IllegalArgumentException("--runs " + runs + " is out of range; allowed 1..100");
        }
    }

    /** @param cores the CPUs every system may use (and jdk-default's parallelism, if this JVM has not fixed it yet) */
    public static BenchResult run(Options o, int cores) {
        Checks.cores(cores);
        int jdkPar = Baselines.configureJdkDefault(cores);
        List<Integer> cpus = Affinity.allowedCpus();
        BenchResult r = new BenchResult("pipe").param("cores", cores)
                .param("duration_per_config_s", o.durationNs() / 1e9).param("runs", o.runs())
                .param("policy_params", Sut.policyDefaults(o.systems())).param("timer", o.runtime().describe()).param("jdk_parallelism", jdkPar);
        long perRun = Math.max(20_000_000L, o.durationNs() / (o.runs() + 1)); // one unmeasured warm-up run
        int maxCarriers = Math.min(2, Math.min(cores, Runtime.getRuntime().availableProcessors()));
        for (String sys : o.systems()) {
            // jdk-default's parallelism is fixed per JVM: one figure, on as many carriers as it has
            List<Integer> counts = sys.equals(Baselines.JDK_DEFAULT) ? List.of(jdkPar) : maxCarriers == 1 ? List.of(1) : List.of(1, 2);
            if (sys.equals(Baselines.JDK_DEFAULT) && jdkPar != 1) {
                Harness.progress("pipe", sys + " on 1 carrier (a child JVM at parallelism 1)");
                JdkOneCarrier.Result one = JdkOneCarrier.measure(JdkOneCarrier.What.PIPE, perRun, o.runs(),
                        perRun * (o.runs() + 1) + OpsBench.CHILD_LIMIT_NS);
                if (one.problem() != null) System.err.println("pipe: no jdk-default figure on one carrier: " + one.problem());
                one.rows().forEach(r::add);
            }
            for (int carriers : counts) {
                Harness.progress("pipe", sys + (sys.equals(Baselines.JDK_DEFAULT) ? " at parallelism " + carriers : " on " + carriers + " carrier(s)"));
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("carriers", carriers);
                Harness.Measurement m;
                if (sys.startsWith("skyloft:")) {
                    try (SkyloftRuntime rt = Sut.builder(sys, carriers, o.runtime()).build()) {
                        m = Harness.measure(1, o.runs(), () -> roundTripUs(perRun, b -> rt.start(b), b -> rt.start(b)));
                        Sut.quiesce(rt);
                        rt.close();
                        if (o.stats()) System.out.println(rt.stats().format());
                    }
                } else if (sys.equals(Baselines.JDK_DEFAULT)) {
                    m = Harness.measure(1, o.runs(), () -> roundTripUs(perRun, b -> Thread.ofVirtual().start(b), b -> Thread.ofVirtual().start(b)));
                } else {
                    int c0 = cpus.isEmpty() ? -1 : cpus.get(0);
                    int c1 = cpus.isEmpty() ? -1 : carriers == 1 ? c0 : cpus.get(Math.min(1, cpus.size() - 1));
                    String[] problem = new String[1];
                    m = Harness.measure(1, o.runs(), () -> roundTripUs(perRun, pinned(c0, problem), pinned(c1, problem)));
                    p.put("pinned", problem[0] == null ? (carriers == 1 ? "both to CPU " + c0 : "CPUs " + c0 + " and " + c1) : "no: " + problem[0]);
                }
                p.put("min", m.min());
                p.put("max", m.max());
                p.put("runs", m.runs());
                r.add(new BenchResult.Row(sys, "us_per_roundtrip", m.median(), "us", p));
            }
        }
        return r;
    }

    private static YieldBench.Starter pinned(int cpu, String[] problem) {
        return body -> Thread.ofPlatform().start(() -> {
            String why = cpu < 0 ? "no CPU list" : Affinity.pinCurrentThread(cpu);
            if (why != null) problem[0] = why;
            body.run();
        });
    }

    /** The shared token: whose turn it is, and both threads. */
    static final class Token {
        volatile int turn; // 0: ping's turn, 1: pong's
        volatile boolean done;
        volatile Thread ping, pong;
        long rounds;
    }

    /** Runs ping and pong for about {@code ns}; microseconds per round trip. */
    static double roundTripUs(long ns, YieldBench.Starter startPing, YieldBench.Starter startPong) {
        Token t = new Token();
        t.turn = 1;
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        long[] elapsed = new long[1];
        Thread pong = startPong.start(() -> {
            t.pong = Thread.currentThread();
            both.countDown();
            while (true) {
                while (t.turn != 1) LockSupport.park();
                if (t.done) return;
                t.turn = 0;
                LockSupport.unpark(t.ping);
            }
        });
        Thread ping = startPing.start(() -> {
            t.ping = Thread.currentThread();
            both.countDown();
            try {
                both.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            t.turn = 0;
            long t0 = System.nanoTime(), end = t0 + ns, n = 0;
            while (true) {
                t.turn = 1;
                LockSupport.unpark(t.pong);
                while (t.turn != 0) LockSupport.park();
                n++;
                if ((n & 255) == 0 && System.nanoTime() >= end) break;
            }
            elapsed[0] = System.nanoTime() - t0;
            t.rounds = n;
            t.done = true;
            t.turn = 1;
            LockSupport.unpark(t.pong);
        });
        YieldBench.join(ping);
        YieldBench.join(pong);
        return elapsed[0] / 1e3 / t.rounds;
    }
}
