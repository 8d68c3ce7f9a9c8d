package sample;

import java.util.Arrays;
import java.util.Locale;

/**
 * A plain Java application that starts and joins platform threads from main, one at a time,
 * and prints the microseconds per start + join in each of five rounds, and whether a new thread
 * is a daemon. Under {@code skyloft run}, main is a virtual thread on a carrier, and Linux gives
 * each new thread its carrier's CPU mask: with pinned carriers (the default) and no agent
 * ({@code --no-agent}) the new thread shares that one CPU with the carrier, which spins while
 * main waits; the agent's start hook gives it the process's CPUs instead.
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.PlatformSpawns [THREADS-PER-ROUND]
 * ./skyloft run [--no-pin] [--no-agent] -- -cp skyloft-bench.jar sample.PlatformSpawns [THREADS-PER-ROUND]
 * </pre>
 */
public final class PlatformSpawns {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        if (n < 1 || n > 1_000_000) {
            System.err.println("usage: PlatformSpawns [THREADS-PER-ROUND 1..1000000]; got " + String.join(" ", args));
            System.exit(2);
        }
        double[] us = new double[5];
        for (int round = 0; round < us.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> { });
                t.start();
                t.join();
            }
            us[round] = (System.nanoTime() - t0) / 1e3 / n;
        }
        System.out.printf(Locale.ROOT, "platform start+join from %s: %s us per thread (5 rounds of %d); a new thread is %s%n",
                Thread.currentThread().isVirtual() ? "a virtual thread" : "a platform thread",
                Arrays.toString(Arrays.stream(us).map(v -> Math.round(v * 10) / 10.0).toArray()), n,
                new Thread(() -> { }).isDaemon() ? "a daemon" : "not a daemon");
    }
}
