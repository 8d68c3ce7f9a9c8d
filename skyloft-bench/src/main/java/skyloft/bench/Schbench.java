package skyloft.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import skyloft.runtime.Affinity;
import skyloft.runtime.Skyloft;

/**
 * {@code bench schbench}: a Java port of schbench (one message thread, {@code -m1}). Workers
 * loop: post to the message thread and wait; the message thread takes <em>one</em> timestamp for
 * the batch of waiting workers and wakes them all; a woken worker records its wakeup latency
 * (its first instruction after waking minus that timestamp), then serves a request: it sleeps
 * ({@code sleepUs}, schbench's default 100 us), takes the lock of the CPU it is on and multiplies
 * matrices sized so that three fit in {@code footprintKb} ({@code -F}), {@code ops} times
 * ({@code -n}). Request latency runs from the wake timestamp to the end of the work.
 *
 * <p>As in schbench, the wakeup latency leaves out the message thread's own scheduling delay:
 * its timestamp is taken once it runs. Under a non-preemptive scheduler the message thread runs
 * only when a carrier is free, so its wakeups look fast while the workers wait for it; the
 * {@code post_to_run} percentiles (a worker's post to its next first instruction, the message
 * thread's delay included) show that part.
 *
 * <p>The matrix loop calls {@link Skyloft#preemptionPoint()} once per row (a few microseconds of
 * work): explicit polls standing in for the ones the agent inserts. They cost one load on the
 * other systems. The per-CPU lock is a {@link ReentrantLock} picked by {@code sched_getcpu()}, so
 * on Skyloft it is the lock of the carrier's CPU.
 */
public final class Schbench {
    private Schbench() {}

    public static final List<String> DEFAULT_POLICIES = List.of("cfs", "eevdf", "rr", "fifo");

    public record Options(List<String> systems, int cores, List<Integer> workers, long durationNs, long warmupNs,
                          int sleepUs, int footprintKb, int ops, Sut.RuntimeConfig runtime, boolean stats) {
        public Options {
            systems = Sut.checkSystems(systems);
            if (workers == null || workers.isEmpty()) throw new IllegalArgumentException("--workers: no worker count given; allowed 1..1024");
            for (int w : workers) {
                if (w < 1 || w > 1024) throw new IllegalArgumentException("--workers " + w + " is out of range; allowed 1..1024");
            }
            workers = List.copyOf(workers);
            Checks.cores(cores);
            Checks.duration(durationNs, 100_000_000L);
            if (warmupNs < 0 || warmupNs > durationNs) throw new IllegalArgumentException("warm-up " + warmupNs + "ns is out of range; allowed 0 to the duration");
            if (sleepUs < 0 || sleepUs > 1_000_000) throw new IllegalArgumentException("--sleep " + sleepUs + "us is out of range; allowed 0us to 1s");
            if (footprintKb < 1 || footprintKb > 65_536) throw new IllegalArgumentException("--footprint " + footprintKb + "KB is out of range; allowed 1..65536 KB");
            if (ops < 0 || ops > 10_000) throw new IllegalArgumentException("--ops " + ops + " is out of range; allowed 0..10000");
        }
    }

    /** Matrix side: three N x N double matrices fit in the footprint. */
    static int matrixSide(int footprintKb) {
        return Math.max(2, (int) Math.sqrt(footprintKb * 1024.0 / 3 / 8));
    }

    public static BenchResult run(Options o) {
        int jdkPar = Baselines.configureJdkDefault(o.cores());
        BenchResult r = new BenchResult("schbench")
                .param("cores", o.cores()).param("workers", o.workers()).param("message_threads", 1)
                .param("duration_s", o.durationNs() / 1e9).param("warmup_s", o.warmupNs() / 1e9)
                .param("sleep_us", o.sleepUs()).param("footprint_kb", o.footprintKb()).param("matrix_side", matrixSide(o.footprintKb()))
                .param("ops", o.ops()).param("policy_params", Sut.policyDefaults(o.systems())).param("timer", o.runtime().describe()).param("jdk_parallelism", jdkPar)
                .param("platform", Sut.platformPlacement(o.cores()))
                .param("preemption_points", "explicit Skyloft.preemptionPoint() per matrix row");
        for (int w : o.workers()) {
            for (String sys : o.systems()) {
                Harness.progress("schbench", sys + ", " + w + " workers, " + o.durationNs() / 1e9 + " s");
                try (Sut sut = Sut.create(sys, o.cores(), o.runtime())) {
                    Outcome out = once(sut, w, o);
                    sut.close();
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("workers", w);
                    addPercentiles(r, sys, "wakeup", out.wakeupNs, p);
                    addPercentiles(r, sys, "request", out.requestNs, p);
                    addPercentiles(r, sys, "post_to_run", out.postToRunNs, p);
                    Map<String, Object> rp = new LinkedHashMap<>(p);
                    rp.put("requests", out.requests);
                    if (sut.stats() != null) rp.put("timer_cpu_ms", sut.stats().preemption().timerCpuNs() / 1e6);
                    r.add(new BenchResult.Row(sys, "rps", out.requests / (out.windowNs / 1e9), "1/s", rp));
                    if (o.stats() && sut.stats() != null) System.out.println(sut.stats().format());
                }
            }
        }
        return r;
    }

    static void addPercentiles(BenchResult r, String sys, String what, Histogram h, Map<String, Object> p) {
        Map<String, Object> rp = new LinkedHashMap<>(p);
        rp.put("samples", h.getTotalCount());
        double[] q = {50, 90, 99, 99.9};
        String[] n = {"p50", "p90", "p99", "p999"};
        for (int i = 0; i < q.length; i++) {
            double v = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q[i]) / 1e3;
            r.add(new BenchResult.Row(sys, what + "_" + n[i] + "_us", v, "us", rp));
        }
    }

    record Outcome(Histogram wakeupNs, Histogram requestNs, Histogram postToRunNs, long requests, long windowNs) {}

    static final class Worker {
        Thread thread;
        volatile boolean woken;
        volatile long wakeNs;
        final Histogram wake = new Histogram(3);
        final Histogram req = new Histogram(3);
        final Histogram cycle = new Histogram(3);
        long requests;
        final double[] a, b, c;

        Worker(int n) {
            a = new double[n * n];
            b = new double[n * n];
            c = new double[n * n];
            for (int i = 0; i < a.length; i++) { a[i] = (i % 7) * 0.5; b[i] = (i % 5) * 0.25; }
        }
    }

    private static Outcome once(Sut sut, int nWorkers, Options o) {
        int side = matrixSide(o.footprintKb());
        int nLocks = Math.max(1, Affinity.allowedCpus().isEmpty() ? o.cores() : Affinity.allowedCpus().stream().mapToInt(i -> i).max().getAsInt() + 1);
        ReentrantLock[] locks = new ReentrantLock[nLocks];
        for (int i = 0; i < nLocks; i++) locks[i] = new ReentrantLock();
        ConcurrentLinkedQueue<Worker> posted = new ConcurrentLinkedQueue<>();
        var state = new Object() {
            volatile boolean stop;
            volatile boolean measuring;
        };
        Thread[] msg = new Thread[1];
        List<Worker> workers = new ArrayList<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(nWorkers);
        for (int i = 0; i < nWorkers; i++) workers.add(new Worker(side));
        msg[0] = sut.start("schbench-msg", () -> {
            List<Worker> batch = new ArrayList<>();
            while (!state.stop) {
                Worker w;
                while ((w = posted.poll()) != null) batch.add(w);
                if (batch.isEmpty()) {
                    LockSupport.park();
                    continue;
                }
                long t = System.nanoTime(); // one timestamp for the whole batch, as schbench does
                for (Worker x : batch) {
                    x.wakeNs = t;
                    x.woken = true;
                    LockSupport.unpark(x.thread);
                }
                batch.clear();
            }
        });
        for (int i = 0; i < nWorkers; i++) {
            Worker w = workers.get(i);
            sut.start("schbench-" + i, () -> {
                w.thread = Thread.currentThread(); // before the first post: the messenger unparks it
                started.countDown();
                while (!state.stop) {
                    w.woken = false;
                    long postNs = System.nanoTime();
                    posted.add(w);
                    LockSupport.unpark(msg[0]);
                    while (!w.woken) {
                        if (state.stop) return;
                        LockSupport.park();
                    }
                    long woke = System.nanoTime();
                    boolean rec = state.measuring;
                    long t0 = w.wakeNs;
                    if (rec) {
                        w.wake.recordValue(Math.max(0, woke - t0));
                        w.cycle.recordValue(Math.max(0, woke - postNs));
                    }
                    if (o.sleepUs() > 0) sleepNs(o.sleepUs() * 1000L);
                    int cpu = Math.max(0, Affinity.currentCpu());
                    ReentrantLock lock = locks[cpu % nLocks];
                    lock.lock();
                    try {
                        for (int k = 0; k < o.ops(); k++) multiply(w.a, w.b, w.c, side);
                    } finally {
                        lock.unlock();
                    }
                    if (rec && state.measuring) {
                        w.req.recordValue(Math.max(0, System.nanoTime() - t0));
                        w.requests++;
                    }
                }
            });
        }
        try {
            started.await();
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
        sleepNs(o.warmupNs());
        long m0 = System.nanoTime();
        state.measuring = true;
        sleepNs(o.durationNs() - o.warmupNs());
        state.measuring = false;
        long window = System.nanoTime() - m0;
        state.stop = true;
        LockSupport.unpark(msg[0]);
        for (Worker w : workers) LockSupport.unpark(w.thread);
        YieldBench.join(msg[0]);
        for (Worker w : workers) YieldBench.join(w.thread);
        Histogram wake = new Histogram(3), req = new Histogram(3), cycle = new Histogram(3);
        long n = 0;
        for (Worker w : workers) {
            wake.add(w.wake);
            cycle.add(w.cycle);
            req.add(w.req);
            n += w.requests;
        }
        return new Outcome(wake, req, cycle, n, window);
    }

    static double sinkD;

    /** c = a * b (n x n, i-k-j order so the inner loop vectorizes), with a preemption point per row. */
    static void multiply(double[] a, double[] b, double[] c, int n) {
        for (int i = 0; i < n; i++) {
            int row = i * n;
            java.util.Arrays.fill(c, row, row + n, 0.0);
            for (int k = 0; k < n; k++) {
                double aik = a[row + k];
                int bk = k * n;
                for (int j = 0; j < n; j++) c[row + j] += aik * b[bk + j];
            }
            Skyloft.preemptionPoint();
        }
        sinkD += c[n + 1];
    }

    static void sleepNs(long ns) {
        try {
            Thread.sleep(Duration.ofNanos(ns));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
