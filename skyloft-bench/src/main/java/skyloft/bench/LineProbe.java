package skyloft.bench;

import java.util.concurrent.atomic.AtomicLong;
import skyloft.runtime.Affinity;

/**
 * What it costs to move a cache line between two CPUs: two platform threads, pinned one to each,
 * hand a counter back and forth ({@code rounds} round trips, each two line transfers) and the
 * mean round trip is returned. Every line of scheduler state two carriers share (the scheduler
 * lock, the runtime's fields) pays this at a switch, and the preemptive policies' throughput on
 * two carriers was measured to follow it (docs/BENCHMARKS.md, capacity).
 *
 * <p>On a VM the figure is the host's to decide: which physical cores, or hyperthreads of one
 * core, the two vCPUs run on. On the 2-vCPU machine this project is measured on, it was seen to
 * move between about 30, 70 and 300 ns from one second to the next.
 */
final class LineProbe {
    private LineProbe() {}

    /** Gives up on a round (returns NaN) if a partner has not answered in this long: the OS did
     *  not run it, and the figure would measure that instead. */
    static final long STUCK_NS = 50_000_000L;

    /** Round trips per probe: about 1 to 6 ms at the round trips seen here. */
    static final int DEFAULT_ROUNDS = 20_000;

    /** The mean round trip in ns between {@code cpuA} and {@code cpuB} (two different CPUs, or -1:
     *  not pinned, which needs two free cores to mean anything), or NaN if either thread stalled. */
    static double roundTripNs(int cpuA, int cpuB, int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("rounds " + rounds + " is out of range; allowed 1 or more");
        if (cpuA >= 0 && cpuA == cpuB) {
            throw new IllegalArgumentException("CPU " + cpuA + " twice: the probe needs two different CPUs (or -1, unpinned)");
        }
        AtomicLong turn = new AtomicLong(-1); // -1 until the partner is pinned and waiting
        boolean[] stuck = new boolean[2];
        Thread partner = Thread.ofPlatform().start(() -> {
            if (cpuB >= 0) Affinity.pinCurrentThread(cpuB);
            turn.set(0);
            stuck[1] = !play(turn, 1, rounds);
        });
        long[] ns = new long[1];
        Thread self = Thread.ofPlatform().start(() -> {
            if (cpuA >= 0) Affinity.pinCurrentThread(cpuA);
            while (turn.get() < 0) Thread.onSpinWait(); // the partner's start is not a round trip
            long t0 = System.nanoTime();
            stuck[0] = !play(turn, 0, rounds);
            ns[0] = System.nanoTime() - t0;
        });
        YieldBench.join(self);
        YieldBench.join(partner);
        return stuck[0] || stuck[1] ? Double.NaN : ns[0] / (double) rounds;
    }

    /** Waits for each of its turns (even values for side 0, odd for side 1) and passes the turn
     *  on; false if the other side did not answer within {@link #STUCK_NS} (the turn is then
     *  pushed past the end so that the other side stops too). */
    private static boolean play(AtomicLong turn, int side, int rounds) {
        long last = 2L * rounds;
        for (long mine = side; mine < last; mine += 2) {
            long v;
            int spins = 0;
            long since = 0;
            while ((v = turn.get()) != mine) {
                if (v >= last) return false; // the other side gave up
                if ((++spins & 0xFFF) == 0) {
                    long now = System.nanoTime();
                    if (since == 0) since = now;
                    else if (now - since > STUCK_NS) {
                        turn.set(Long.MAX_VALUE);
                        return false;
                    }
                }
                Thread.onSpinWait();
            }
            turn.set(mine + 1);
        }
        return true;
    }
}
