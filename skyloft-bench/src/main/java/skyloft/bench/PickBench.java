package skyloft.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedContext;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * {@code bench pick}: the cost of one scheduling decision as the number of runnable tasks
 * grows. Each policy is driven directly on one CPU through a fake {@link SchedContext} (no
 * threads, no runtime): N tasks are made runnable, then each measured operation is one full
 * cycle pickNext + running + stopping(PREEMPT) + enqueue(PREEMPTED), with the fake clock
 * advancing 1us per cycle so that time-based policies rotate their tasks as they would.
 *
 * <p>Harness: per (policy, N), a warm-up of about 150ms, then {@value #RUNS} timed runs of a
 * calibrated number of operations (about {@value #RUN_TARGET_MS}ms each, at most
 * {@value #MAX_OPS_PER_RUN} operations); the figure is the median ns/op. Operations are
 * therefore capped by time, which is what keeps the O(n) goodness baseline at 1M tasks short
 * (a few dozen scans per run). Deadline and rate-monotonic tasks get deadline parameters
 * with random periods (admission off), so their EDF / fixed-priority heaps are exercised;
 * the other policies get nice 0 tasks.
 *
 * <p>Caveats: single-threaded microbenchmark with System.nanoTime around batches (no JMH);
 * results depend on the machine, JIT and GC, and on a shared machine they are noisy.
 */
public final class PickBench {
    public static final int RUNS = 5;
    public static final long RUN_TARGET_MS = 40;
    public static final long MAX_OPS_PER_RUN = 300_000;
    public static final int[] DEFAULT_RUNNABLE = {10, 1_000, 100_000, 1_000_000};
    static final long STEP_NS = 1_000;

    private PickBench() {}

    static final class BenchTask extends Task {
        BenchTask(String name, SchedAttr attr) { super(name, attr); }
    }

    /** One CPU, always busy from the policy's point of view except while it picks. */
    static final class FakeContext implements SchedContext {
        final SplittableRandom random = new SplittableRandom(42);
        Task current;
        @Override public int cpuCount() { return 1; }
        @Override public boolean isIdle(int cpu) { return current == null; }
        @Override public Task current(int cpu) { return current; }
        @Override public void requestPreempt(int cpu) { }
        @Override public void kickAt(int cpu, long atNs) { }
        @Override public int randomInt(int bound) { return random.nextInt(bound); }
    }

    /** A policy loaded with {@code n} runnable tasks, and its fake clock. */
    static final class Rig {
        final SchedPolicy policy;
        final FakeContext ctx = new FakeContext();
        long nowNs;

        /** {@code spec}: a policy name, perhaps with parameters ({@code rr[slice=30us]}). */
        Rig(String spec, int n) {
            PolicyRegistry.Spec p = PolicyRegistry.Spec.parse(spec);
            boolean rt = p.name().equals("deadline") || p.name().equals("rm");
            Map<String, String> params = new java.util.LinkedHashMap<>(p.params());
            if (rt) params.putIfAbsent("admission", "off");
            policy = PolicyRegistry.create(p.name(), params);
            policy.attach(ctx);
            SplittableRandom rnd = new SplittableRandom(n);
            for (int i = 0; i < n; i++) {
                SchedAttr attr = SchedAttr.DEFAULT;
                if (rt) {
                    long periodNs = 1_000_000 + rnd.nextLong(1_000_000_000);
                    attr = attr.withDeadline(periodNs / 2, periodNs, periodNs);
                }
                Task t = new BenchTask("t" + i, attr);
                policy.admit(t, attr);
                policy.taskInit(t, nowNs);
                policy.enqueue(t, 0, EnqueueReason.NEW, nowNs);
            }
        }

        /** {@code ops} cycles; returns a value that depends on the work so it is not optimised away. */
        long cycle(long ops) {
            long sink = 0;
            for (long i = 0; i < ops; i++) {
                Task t = policy.pickNext(0, nowNs);
                ctx.current = t;
                policy.running(0, t, nowNs);
                nowNs += STEP_NS;
                policy.stopping(0, t, StopReason.PREEMPT, STEP_NS, nowNs);
                ctx.current = null;
                policy.enqueue(t, 0, EnqueueReason.PREEMPTED, nowNs);
                sink += t.id();
            }
            return sink;
        }
    }

    static long sink;

    /** Median ns per operation for {@code policy} (a name, perhaps with parameters) with {@code n} runnable tasks, and the ops per run. */
    public static double[] measure(String policy, int n) {
        Rig rig = new Rig(policy, n);
        long ops = 16;
        long warmEnd = System.nanoTime() + 150_000_000L;
        while (System.nanoTime() < warmEnd) {
            long t0 = System.nanoTime();
            sink += rig.cycle(ops);
            long took = System.nanoTime() - t0;
            if (took < RUN_TARGET_MS * 1_000_000L / 4 && ops < MAX_OPS_PER_RUN) ops = Math.min(MAX_OPS_PER_RUN, ops * 2);
        }
        // Calibrate: ops per run from the last warm-up rate.
        long t0 = System.nanoTime();
        sink += rig.cycle(ops);
        double nsPerOp = Math.max(1.0, (double) (System.nanoTime() - t0) / ops);
        long runOps = Math.max(8, Math.min(MAX_OPS_PER_RUN, (long) (RUN_TARGET_MS * 1_000_000L / nsPerOp)));
        double[] perRun = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long s = System.nanoTime();
            sink += rig.cycle(runOps);
            perRun[r] = (double) (System.nanoTime() - s) / runOps;
        }
        Arrays.sort(perRun);
        return new double[] {perRun[RUNS / 2], runOps, perRun[0], perRun[RUNS - 1]};
    }

    public static BenchResult run(List<String> policies, int[] runnable, PrintStream progress) {
        BenchResult res = new BenchResult("pick");
        res.param("cpus", 1).param("runs", RUNS).param("run_target_ms", RUN_TARGET_MS)
           .param("op", "pickNext+running+stopping+enqueue").param("stat", "median");
        Sut.checkSystems(policies.stream().map(Baselines::skyloft).toList()); // fail fast on unknown names and bad parameters
        for (int n : runnable) {
            if (n < 1) throw new IllegalArgumentException("--runnable " + n + " is not allowed; allowed: positive task counts");
        }
        for (String p : policies) {
            for (int n : runnable) {
                double[] m = measure(p, n);
                var params = new java.util.LinkedHashMap<String, Object>();
                params.put("runnable", n);
                params.put("ops_per_run", (long) m[1]);
                params.put("min", Math.round(m[2] * 10) / 10.0);
                params.put("max", Math.round(m[3] * 10) / 10.0);
                res.add(new BenchResult.Row("skyloft:" + p, "ns_per_op", Math.round(m[0] * 10) / 10.0, "ns", params));
                if (progress != null) progress.printf("  %-10s runnable=%-8d %10.1f ns/op (min %.1f, max %.1f, %d ops/run)%n", p, n, m[0], m[2], m[3], (long) m[1]);
                System.gc();
            }
        }
        return res;
    }

    /** Default policy list: every registered policy. */
    public static List<String> defaultPolicies() {
        return new ArrayList<>(PolicyRegistry.names());
    }
}
