package sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain Java application, with no Skyloft in it, to run with and without {@code skyloft run}:
 * open-loop requests, 99.5% of them 4 us of computation and 0.5% of them 10 ms (the bimodal mix
 * of {@code bench lc}), served by 100 virtual threads that main starts and that take them from a
 * queue. A platform thread releases the Poisson arrivals on time, as a server's network thread
 * would; a request's latency runs from its scheduled arrival to its end. Prints the short and
 * long requests' percentiles.
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.MixedRequests [LOAD [SECONDS [CPUS]]]
 * ./skyloft run --policy rr --param slice=30us -- -cp skyloft-bench.jar sample.MixedRequests [LOAD [SECONDS [CPUS]]]
 * </pre>
 *
 * LOAD is the offered share of CPUS cores (default 0.5 of 2); the work is spun in a loop
 * calibrated at start, which the agent gives preemption polls under {@code skyloft run}.
 */
public final class MixedRequests {
    private static final double LONG_SHARE = 0.005;
    private static final long SHORT_NS = 4_000, LONG_NS = 10_000_000;
    private static final int CHUNK = 1_000, WORKERS = 100;
    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        double load = args.length > 0 ? Double.parseDouble(args[0]) : 0.5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int cpus = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        if (!(load > 0 && load <= 2) || !(seconds > 0 && seconds <= 3600) || cpus < 1) {
            System.err.println("usage: MixedRequests [LOAD 0..2] [SECONDS 0..3600] [CPUS >= 1]; got " + String.join(" ", args));
            System.exit(2);
        }
        double itersPerNs = calibrate();
        double meanNs = (1 - LONG_SHARE) * SHORT_NS + LONG_SHARE * LONG_NS;
        double ratePerNs = load * cpus / meanNs;
        System.out.printf(Locale.ROOT, "offered: %.0f requests/s (%.0f%% of %d CPUs) for %.1f s; main on %s%n",
                ratePerNs * 1e9, load * 100, cpus, seconds, Thread.currentThread());

        SplittableRandom rnd = new SplittableRandom(1);
        long durationNs = (long) (seconds * 1e9);
        List<long[]> done = new ArrayList<>(); // {service ns, latency ns}
        List<long[]> released = new ArrayList<>(); // {0, how late the generator released a request, ns}
        BlockingQueue<long[]> queue = new LinkedBlockingQueue<>(); // {arrival, iterations, service ns}; empty: stop
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(Thread.ofVirtual().name("worker-" + i).start(() -> {
                try {
                    for (long[] r; (r = queue.take()).length > 0; ) {
                        spin(r[1]);
                        long latency = System.nanoTime() - r[0];
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
        Thread generator = Thread.ofPlatform().name("generator").start(() -> {
            double next = 0;
            while (next < durationNs) {
                long arrival = t0 + (long) next;
                long wait = arrival - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait); // (no spinning: this thread must not take a CPU from the work)
                released.add(new long[] {0, System.nanoTime() - arrival});
                long service = rnd.nextDouble() < LONG_SHARE ? LONG_NS : SHORT_NS;
                queue.add(new long[] {arrival, Math.max(1, Math.round(service * itersPerNs)), service});
                next += -Math.log(1 - rnd.nextDouble()) / ratePerNs;
            }
            for (int i = 0; i < WORKERS; i++) queue.add(new long[0]);
        });
        generator.join();
        for (Thread w : workers) w.join();
        long wallNs = System.nanoTime() - t0;
        synchronized (done) {
            report("short (4 us)", done, SHORT_NS);
            report("long (10 ms)", done, LONG_NS);
            report("release lag (the generator's)", released, 0);
            System.out.printf(Locale.ROOT, "achieved: %.0f requests/s over %.2f s%n", done.size() / (wallNs / 1e9), wallNs / 1e9);
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

    /** Iterations of {@link #spin} per ns: the best of 20-ms rounds over about a second, so
     *  that the JIT has compiled the loop before the figure is taken. */
    private static double calibrate() {
        double best = 0;
        long n = 100_000;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t = System.nanoTime();
            spin(n);
            long el = System.nanoTime() - t;
            if (el < 20_000_000) n *= 2;
            else best = Math.max(best, n / (double) el);
        }
        return best > 0 ? best : n / 20e6;
    }

    /** {@code iters} steps of a random-number generator, in chunks of about a microsecond. */
    private static void spin(long iters) {
        long x = iters;
        for (long done = 0; done < iters; done += CHUNK) {
            int n = (int) Math.min(CHUNK, iters - done);
            for (int i = 0; i < n; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }

    private MixedRequests() {}
}
