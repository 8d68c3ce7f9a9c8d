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
import skyloft.spi.EnqueueReason;
import skyloft.trace.TraceBuffer;
import skyloft.trace.TraceEvent;
import skyloft.trace.TraceKind;
import skyloft.trace.TraceRecorder;

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
 * thread's delay included) show that part. (jdk-default avoids that wait: a thread unparked by a
 * running virtual thread goes to that carrier's own queue, run before the shared one.)
 *
 * <p>The matrix loop calls {@link Skyloft#preemptionPoint()} once per row (a few microseconds of
 * work): explicit polls standing in for the ones the agent inserts. They cost one load on the
 * other systems. The per-CPU lock is a {@link ReentrantLock} picked by {@code sched_getcpu()}, so
 * on Skyloft it is the lock of the carrier's CPU.
 *
 * <p>With {@code breakdown}, each Skyloft system also records its scheduling trace during the
 * measured window, and every wakeup is split at the runtime's events into three parts: the
 * message thread's timestamp to the policy's {@code enqueue} of the worker ({@code
 * wakeup_enqueue}), that enqueue to the worker's pick ({@code wakeup_queue}), and the pick to the
 * worker's first instruction ({@code wakeup_resume}: the switch, plus any time the OS took the
 * carrier). It also splits the CPUs' idle time in the window ({@code idle_ms}) into the part
 * during which the policy held queued tasks ({@code idle_queued_ms}) and the rest.
 */
public final class Schbench {
    private Schbench() {}

    public static final List<String> DEFAULT_POLICIES = List.of("cfs", "eevdf", "rr", "fifo");

    public record Options(List<String> systems, int cores, List<Integer> workers, long durationNs, long warmupNs,
                          int sleepUs, int footprintKb, int ops, Sut.RuntimeConfig runtime, boolean stats, boolean breakdown) {
        public Options(List<String> systems, int cores, List<Integer> workers, long durationNs, long warmupNs,
                       int sleepUs, int footprintKb, int ops, Sut.RuntimeConfig runtime, boolean stats) {
            this(systems, cores, workers, durationNs, warmupNs, sleepUs, footprintKb, ops, runtime, stats, false);
        }

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
            int most = workers.stream().mapToInt(Integer::intValue).max().getAsInt();
            long side = matrixSide(footprintKb), needMb = most * 3 * side * side * 8 / (1024 * 1024), heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            if (needMb > heapMb / 2) {
                throw new IllegalArgumentException("--footprint " + footprintKb + "KB x --workers " + most + ": the workers' matrices take "
                        + needMb + " MB, and the JVM's heap holds at most " + heapMb + " MB (half of it allowed for them); give fewer workers "
                        + "or a smaller footprint, or more heap: SKYLOFT_JAVA_OPTS=-Xmx8g ./skyloft ...");
            }
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
                TraceBuffer trace = o.breakdown() && sys.startsWith("skyloft:") ? new TraceBuffer() : null;
                if (trace != null) trace.setEnabled(false); // on for the measured window only
                try (Sut sut = Sut.create(sys, o.cores(), o.runtime(), trace == null ? TraceRecorder.OFF : trace)) {
                    Outcome out = once(sut, w, o, trace);
                    sut.close();
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("workers", w);
                    // collections during the measured window: a pause there lands in the tails
                    p.put("gc_count", out.gcCount());
                    p.put("gc_ms", out.gcMs());
                    // a worker that never woke in the window leaves no sample (as in C schbench):
                    // its wait, the longest of all, is in no percentile, so say how many there were
                    long neverWoke = out.workers().stream().filter(x -> x.epoch != MEASURED_EPOCH).count();
                    if (neverWoke > 0) p.put("workers_never_woken", neverWoke);
                    addPercentiles(r, sys, "wakeup", out.wakeupNs, p);
                    addPercentiles(r, sys, "request", out.requestNs, p);
                    addPercentiles(r, sys, "post_to_run", out.postToRunNs, p);
                    Map<String, Object> rp = new LinkedHashMap<>(p);
                    rp.put("requests", out.requests);
                    rp.put("jit_ms", out.jitMs());
                    if (out.jitCpuMs() >= 0) rp.put("jit_cpu_ms", out.jitCpuMs());
                    rp.put("warmup_rounds", out.warmupRounds());
                    if (sut.stats() != null) rp.put("timer_cpu_ms", sut.stats().preemption().timerCpuNs() / 1e6);
                    r.add(new BenchResult.Row(sys, "rps", out.requests / (out.windowNs / 1e9), "1/s", rp));
                    if (trace != null) {
                        List<TraceEvent> events = trace.events();
                        addBreakdown(r, sys, breakdown(events, out.workers()), p, trace.dropped());
                        IdleSplit idle = idleSplit(events);
                        Map<String, Object> ip = new LinkedHashMap<>(p);
                        ip.put("trace_dropped", trace.dropped());
                        r.add(new BenchResult.Row(sys, "idle_ms", idle.idleNs() / 1e6, "ms", ip));
                        r.add(new BenchResult.Row(sys, "idle_queued_ms", idle.idleQueuedNs() / 1e6, "ms", ip));
                    }
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

    /** One run's histograms and counts; {@code jitMs} is the JIT's compile time during the
     *  measured window (-1 if the JVM does not say), {@code jitCpuMs} the CPU time its compiler
     *  threads used in it (-1 where it cannot be read), {@code warmupRounds} the extra warm-up
     *  rounds it took for the JIT to go quiet, {@code gcCount} and {@code gcMs} the collections
     *  during the window and the time the collectors report for them. */
    record Outcome(Histogram wakeupNs, Histogram requestNs, Histogram postToRunNs, long requests, long windowNs, List<Worker> workers, long jitMs,
                   long jitCpuMs, int warmupRounds, long gcCount, long gcMs) {}

    /** After the fixed warm-up, rounds of this length until two in a row add under WARMUP_QUIET_MS of
     *  JIT compilation, at most WARMUP_MAX_ROUNDS and no longer in all than the run's duration
     *  ({@code warmup_rounds} in the rps rows). */
    static final long WARMUP_ROUND_NS = 250_000_000L;
    static final long WARMUP_QUIET_MS = 5;
    static final int WARMUP_MAX_ROUNDS = 8;
    /** The recording epoch of the measured window (the warm-up's are 0 and below). */
    static final int MEASURED_EPOCH = 1;

    static final class Worker {
        Thread thread;
        volatile boolean woken;
        volatile long wakeNs;
        final Histogram wake = new Histogram(3);
        final Histogram req = new Histogram(3);
        final Histogram cycle = new Histogram(3);
        long requests;
        final double[] a, b, c;
        final String name;
        /** With a breakdown: the measured wakeups' timestamps (the message thread's, and the
         *  worker's first instruction), in order, and the count of those that did not fit;
         *  written by the worker only, read after it ends. */
        long[] wakeT0Ns, wokeNs;
        int wakeups;
        long unrecorded;
        /** The recording epoch this worker's figures belong to: 0 and below the warm-up's (one per
         *  round), MEASURED_EPOCH the window. Written by the worker only. */
        int epoch;

        /** Clears everything recorded so far: the worker saw the window begin. */
        void startEpoch(int e) {
            wake.reset();
            req.reset();
            cycle.reset();
            requests = 0;
            wakeups = 0;
            unrecorded = 0;
            epoch = e;
        }

        Worker(int n, String name, boolean breakdown) {
            this.name = name;
            if (breakdown) {
                wakeT0Ns = new long[1 << 16];
                wokeNs = new long[1 << 16];
            }
            a = new double[n * n];
            b = new double[n * n];
            c = new double[n * n];
            for (int i = 0; i < a.length; i++) { a[i] = (i % 7) * 0.5; b[i] = (i % 5) * 0.25; }
        }
    }

    private static Outcome once(Sut sut, int nWorkers, Options o, TraceBuffer trace) {
        int side = matrixSide(o.footprintKb());
        int nLocks = Math.max(1, Affinity.allowedCpus().isEmpty() ? o.cores() : Affinity.allowedCpus().stream().mapToInt(i -> i).max().getAsInt() + 1);
        ReentrantLock[] locks = new ReentrantLock[nLocks];
        for (int i = 0; i < nLocks; i++) locks[i] = new ReentrantLock();
        ConcurrentLinkedQueue<Worker> posted = new ConcurrentLinkedQueue<>();
        // Workers record from the start, so that the recording code is compiled during the
        // warm-up and not inside the window; at the window's start the epoch moves on and each
        // worker clears what it recorded before, at its next wakeup.
        var state = new Object() {
            volatile boolean stop;
            volatile boolean recording = true;
            volatile int epoch;
        };
        Thread[] msg = new Thread[1];
        List<Worker> workers = new ArrayList<>();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(nWorkers);
        for (int i = 0; i < nWorkers; i++) workers.add(new Worker(side, "schbench-" + i, trace != null));
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
            sut.start(w.name, () -> {
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
                    boolean rec = state.recording;
                    long t0 = w.wakeNs;
                    if (rec) {
                        int ep = state.epoch;
                        if (ep != w.epoch) w.startEpoch(ep);
                        w.wake.recordValue(Math.max(0, woke - t0));
                        w.cycle.recordValue(Math.max(0, woke - postNs));
                        if (w.wakeT0Ns != null) {
                            if (w.wakeups < w.wakeT0Ns.length) {
                                w.wakeT0Ns[w.wakeups] = t0;
                                w.wokeNs[w.wakeups++] = woke;
                            } else {
                                w.unrecorded++;
                            }
                        }
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
                    if (rec && state.recording) {
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
        // then on until the JIT has gone quiet: a compiler thread takes a carrier's CPU for
        // milliseconds, and Skyloft's own paths compile later than the workers' loop
        // (no longer than the measured run itself)
        int maxRounds = (int) Math.min(WARMUP_MAX_ROUNDS, o.durationNs() / WARMUP_ROUND_NS);
        // Each round is an epoch of its own (-1, -2, ...), so the workers take the path that clears
        // their figures in the warm-up too: a branch never taken there is compiled as a trap, and
        // the window's first epoch change then deoptimized every worker and recompiled their loop
        // inside the window (212 ms of compiler CPU in platform's at 4 workers, demo of 07:21).
        int extraRounds = Harness.warmUntilJitQuiet(0, maxRounds, WARMUP_QUIET_MS, () -> {
            state.epoch = state.epoch - 1; // written by this thread only
            sleepNs(WARMUP_ROUND_NS);
        });
        if (trace != null) trace.setEnabled(true);
        long jit0 = Harness.jitMs(), jitCpu0 = Harness.compilerCpuMs();
        long[] gc0 = Harness.gc();
        long m0 = System.nanoTime();
        state.epoch = MEASURED_EPOCH;
        sleepNs(o.durationNs() - o.warmupNs());
        state.recording = false;
        long[] gc1 = Harness.gc();
        long jitMs = jit0 < 0 ? -1 : Harness.jitMs() - jit0;
        long jitCpuMs = jitCpu0 < 0 ? -1 : Math.max(0, Harness.compilerCpuMs() - jitCpu0);
        if (trace != null) trace.setEnabled(false);
        long window = System.nanoTime() - m0;
        state.stop = true;
        LockSupport.unpark(msg[0]);
        for (Worker w : workers) LockSupport.unpark(w.thread);
        YieldBench.join(msg[0]);
        for (Worker w : workers) YieldBench.join(w.thread);
        Histogram wake = new Histogram(3), req = new Histogram(3), cycle = new Histogram(3);
        long n = 0;
        for (Worker w : workers) {
            if (w.epoch != MEASURED_EPOCH) continue; // never woke in the window: it holds warm-up figures only
            wake.add(w.wake);
            cycle.add(w.cycle);
            req.add(w.req);
            n += w.requests;
        }
        return new Outcome(wake, req, cycle, n, window, workers, jitMs, jitCpuMs, extraRounds, gc1[0] - gc0[0], gc1[1] - gc0[1]);
    }

    /** The three parts of the wakeups found in a trace, and how many wakeups had no match. */
    record Breakdown(Histogram enqueueNs, Histogram queueNs, Histogram resumeNs, long unmatched) {}

    /**
     * Splits each recorded wakeup of {@code workers} at the worker's trace events: the first
     * ENQUEUE(WAKEUP) at or after the message thread's timestamp, then the first RUN_START after
     * it, both no later than the worker's first instruction. A wakeup without both (the trace
     * dropped events, or it began before the trace did), or one the worker had no room to
     * record, counts as unmatched.
     */
    static Breakdown breakdown(List<TraceEvent> events, List<Worker> workers) {
        Map<String, List<TraceEvent>> byTask = new java.util.HashMap<>();
        for (Worker w : workers) byTask.put(w.name, new ArrayList<>());
        for (TraceEvent e : events) {
            List<TraceEvent> l = e.taskName() == null ? null : byTask.get(e.taskName());
            if (l != null && (e.kind() == TraceKind.ENQUEUE || e.kind() == TraceKind.RUN_START)) l.add(e);
        }
        Histogram enq = new Histogram(3), queue = new Histogram(3), resume = new Histogram(3);
        long unmatched = 0;
        for (Worker w : workers) {
            if (w.epoch != MEASURED_EPOCH) continue; // holds warm-up wakeups only, from before the trace
            List<TraceEvent> ev = byTask.get(w.name);
            unmatched += w.unrecorded;
            int i = 0;
            for (int k = 0; k < w.wakeups; k++) {
                long t0 = w.wakeT0Ns[k], woke = w.wokeNs[k];
                while (i < ev.size() && ev.get(i).timeNs() < t0) i++;
                int e = i;
                while (e < ev.size() && ev.get(e).timeNs() <= woke
                        && !(ev.get(e).kind() == TraceKind.ENQUEUE && ev.get(e).arg() == EnqueueReason.WAKEUP.ordinal())) e++;
                int r = e + 1;
                while (r < ev.size() && ev.get(r).timeNs() <= woke && ev.get(r).kind() != TraceKind.RUN_START) r++;
                if (r >= ev.size() || ev.get(r).timeNs() > woke) {
                    unmatched++;
                    continue;
                }
                long eNs = ev.get(e).timeNs(), rNs = ev.get(r).timeNs();
                enq.recordValue(eNs - t0);
                queue.recordValue(rNs - eNs);
                resume.recordValue(woke - rNs);
                i = r + 1;
            }
        }
        return new Breakdown(enq, queue, resume, unmatched);
    }

    /** Idle CPU time in a trace, and the part of it during which the policy held queued tasks. */
    record IdleSplit(long idleNs, long idleQueuedNs) {}

    /**
     * From a trace's IDLE, ENQUEUE and RUN_START events: the time CPUs spent idle (from an IDLE
     * to that CPU's next RUN_START, or the trace's last event), and how much of it some task was
     * queued in the policy (between its ENQUEUE and its RUN_START) on any CPU. Idle time with
     * nothing queued is time the tasks were all blocked or on their way to the policy (the
     * inbox, a parked carrier's wake); idle time with something queued is work left waiting.
     */
    static IdleSplit idleSplit(List<TraceEvent> events) {
        List<TraceEvent> ev = new ArrayList<>(events);
        ev.sort(java.util.Comparator.comparingLong(TraceEvent::timeNs)); // stable: same-instant order kept
        Map<Integer, Long> idleSince = new java.util.HashMap<>();
        java.util.Set<Long> queued = new java.util.HashSet<>();
        long idle = 0, idleQueued = 0, last = ev.isEmpty() ? 0 : ev.get(0).timeNs();
        for (TraceEvent e : ev) {
            long dt = e.timeNs() - last;
            last = e.timeNs();
            idle += dt * idleSince.size();
            if (!queued.isEmpty()) idleQueued += dt * idleSince.size();
            switch (e.kind()) {
                case ENQUEUE -> queued.add(e.taskId());
                case RUN_START -> {
                    queued.remove(e.taskId());
                    idleSince.remove(e.cpu());
                }
                case IDLE -> idleSince.put(e.cpu(), e.timeNs());
                default -> { }
            }
        }
        return new IdleSplit(idle, idleQueued);
    }

    private static void addBreakdown(BenchResult r, String sys, Breakdown b, Map<String, Object> p, long dropped) {
        Map<String, Object> bp = new LinkedHashMap<>(p);
        bp.put("unmatched", b.unmatched());
        bp.put("trace_dropped", dropped);
        addPercentiles(r, sys, "wakeup_enqueue", b.enqueueNs(), bp);
        addPercentiles(r, sys, "wakeup_queue", b.queueNs(), bp);
        addPercentiles(r, sys, "wakeup_resume", b.resumeNs(), bp);
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
