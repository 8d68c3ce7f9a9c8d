package skyloft.bench;

/** Input checks shared by the benchmarks; each error names the bad value and what is allowed. */
final class Checks {
    private Checks() {}

    static void cores(int cores) {
        int max = Runtime.getRuntime().availableProcessors();
        if (cores < 1 || cores > max) throw new IllegalArgumentException("--cores " + cores + " is out of range; this machine allows 1.." + max);
    }

    static void duration(long ns, long minNs) {
        if (ns < minNs || ns > 3_600_000_000_000L) {
            throw new IllegalArgumentException("--duration " + skyloft.util.Durations.format(ns) + " is out of range; allowed "
                    + skyloft.util.Durations.format(minNs) + " to 1h");
        }
    }
}
