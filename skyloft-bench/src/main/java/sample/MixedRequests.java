package sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain Java application, with no Skyloft in it, to run with and without {@code skyloft run}:
 * open-loop requests, 99.5% of them 4 us of computation and 0.5% of them 10 ms (the bimodal mix
 * of {@code bench lc}), served by 100 virtual threads that main starts and that take them from a
 * queue. A platform thread releases the Poisson arrivals on time, as a server's network thread
 * would; a request's latency runs from its scheduled arrival to its end. The first second of
 * arrivals warms the JIT up and is not counted. Prints the short and long requests'
 * percentiles, how late the generator released them, and its CPU time.
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.MixedRequests [LOAD [SECONDS [CPUS [QUEUE]]]]
 * ./skyloft run --policy rr --param slice=30us -- -cp skyloft-bench.jar sample.MixedRequests [LOAD [SECONDS [CPUS [QUEUE]]]]
 * </pre>
 *
 * LOAD is the offered share of CPUS cores (default 0.5 of 2); the work is spun in a loop
 * calibrated at start, which the agent gives preemption polls under {@code skyloft run}. QUEUE
 * is the hand-over queue: {@code blocking} (a LinkedBlockingQueue, the default) or
 * {@code transfer} (a LinkedTransferQueue). With the first, the generator takes the queue's
 * take lock whenever the queue was empty, and waits in line for it behind workers that wait
 * for it too: each of them must get a turn on a carrier before the line moves.
 */
public final class MixedRequests {
    private static final double LONG_SHARE = 0.005;
    private static final long SHORT_NS = 4_000, LONG_NS = 10_000_000, WARMUP_NS = 1_000_000_000;
    private static final int WORKERS = 100;

    public static void main(String[] args) throws Exception {
        double load = args.length > 0 ? Double.parseDouble(args[0]) : 0.5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int cpus = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String queueKind = args.length > 3 ? args[3] : "blocking";
        if (!(load > 0 && load <= 2) || !(seconds > 0 && seconds <= 3600) || cpus < 1
                || !(queueKind.equals("blocking") || queueKind.equals("transfer"))) {
            System.err.println("usage: MixedRequests [LOAD 0..2] [SECONDS 0..3600] [CPUS >= 1] [QUEUE blocking|transfer]; got "
                    + String.join(" ", args));
            System.exit(2);
        }
        double itersPerNs = Spin.calibrate();
        double meanNs = (1 - LONG_SHARE) * SHORT_NS + LONG_SHARE * LONG_NS;
        double ratePerNs = load * cpus / meanNs;
        System.out.printf(Locale.ROOT, "offered: %.0f requests/s (%.0f%% of %d CPUs) for %.1f s after 1 s of warm-up, through a %s; main on %s%n",
                ratePerNs * 1e9, load * 100, cpus, seconds, queueKind.equals("blocking") ? "LinkedBlockingQueue" : "LinkedTransferQueue",
                Thread.currentThread());

        SplittableRandom rnd = new SplittableRandom(1);
        long durationNs = WARMUP_NS + (long) (seconds * 1e9);
        List<long[]> done = new ArrayList<>(); // {service ns, latency ns}
        List<long[]> released = new ArrayList<>(); // {0, how late the generator released a request, ns}
        // {arrival, iterations, service ns, counted (1) or warm-up (0)}; empty: stop
        BlockingQueue<long[]> queue = queueKind.equals("blocking") ? new LinkedBlockingQueue<>() : new LinkedTransferQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(Thread.ofVirtual().name("worker-" + i).start(() -> {
                try {
                    for (long[] r; (r = queue.take()).length > 0; ) {
                        Spin.run(r[1]);
                        long latency = System.nanoTime() - r[0];
                        if (r[3] == 0) continue;
                        synchronized (done) {
                            done.add(new long[] {r[2], latency});
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long t0 = System.nanoTime();
        long[] generatorCpuNs = {0, 0}; // at the warm-up's end, at the end
        Thread generator = Thread.ofPlatform().name("generator").start(() -> {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            double next = 0;
            boolean counting = false;
            while (next < durationNs) {
                if (!counting && next >= WARMUP_NS) {
                    counting = true;
                    generatorCpuNs[0] = mx.getCurrentThreadCpuTime();
                }
                long arrival = t0 + (long) next;
                long wait = arrival - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait); // (no spinning: this thread must not take a CPU from the work)
                if (counting) released.add(new long[] {0, System.nanoTime() - arrival});
                long service = rnd.nextDouble() < LONG_SHARE ? LONG_NS : SHORT_NS;
                queue.add(new long[] {arrival, Math.max(1, Math.round(service * itersPerNs)), service, counting ? 1 : 0});
                next += -Math.log(1 - rnd.nextDouble()) / ratePerNs;
            }
            generatorCpuNs[1] = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < WORKERS; i++) queue.add(new long[0]);
        });
        generator.join();
        for (Thread w : workers) w.join();
        long wallNs = System.nanoTime() - t0 - WARMUP_NS;
        synchronized (done) {
            report("short (4 us)", done, SHORT_NS);
            report("long (10 ms)", done, LONG_NS);
            report("release lag (the generator's)", released, 0);
            System.out.printf(Locale.ROOT, "achieved: %.0f requests/s over %.2f s; the generator's CPU time %.0f ms (%.1f us a request)%n",
                    done.size() / (wallNs / 1e9), wallNs / 1e9, (generatorCpuNs[1] - generatorCpuNs[0]) / 1e6,
                    (generatorCpuNs[1] - generatorCpuNs[0]) / 1e3 / Math.max(1, released.size()));
        }
    }

    private static void report(String label, List<long[]> done, long service) {
        long[] l = done.stream().filter(r -> r[0] == service).mapToLong(r -> r[1]).sorted().toArray();
        if (l.length == 0) {
            System.out.println(label + ": none");
            return;
        }
        System.out.printf(Locale.ROOT, "%s: %d done, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n", label, l.length,
                pct(l, 0.5) / 1e3, pct(l, 0.99) / 1e3, pct(l, 0.999) / 1e3, l[l.length - 1] / 1e3);
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private MixedRequests() {}
}
