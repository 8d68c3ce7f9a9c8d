package skyloft.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import skyloft.util.Durations;

/**
 * A line on stderr now and then while one simulation runs long: the virtual time done of the
 * total and the wall time so far, first after 1 s, then every 2 s; in a comparison, each run's
 * lines name its policy. Fed the virtual time by the simulator; reads the wall clock it is given,
 * so tests step it by hand.
 */
final class SimProgress implements LongConsumer {
    static final long FIRST_NS = 1_000_000_000L, EVERY_NS = 2_000_000_000L;

    private final long totalNs;
    private final LongSupplier wallNs;
    private final PrintStream err;
    private final String label;
    private final long startNs;
    private long nextNs = FIRST_NS;

    SimProgress(long totalNs, LongSupplier wallNs, PrintStream err) {
        this(totalNs, wallNs, err, null);
    }

    /** {@code label}: the run's policy, put before each line (null for a single run). */
    SimProgress(long totalNs, LongSupplier wallNs, PrintStream err, String label) {
        this.totalNs = totalNs;
        this.wallNs = wallNs;
        this.err = err;
        this.label = label == null ? "" : label + ": ";
        this.startNs = wallNs.getAsLong();
    }

    @Override
    public void accept(long virtualNs) {
        long elapsedNs = wallNs.getAsLong() - startNs;
        if (elapsedNs < nextNs) return;
        err.printf(Locale.ROOT, "sim: %s%s of %s simulated (%d%%) in %.1f s%n", label, Durations.format(virtualNs), Durations.format(totalNs),
                Math.round(100.0 * virtualNs / totalNs), elapsedNs / 1e9);
        nextNs = elapsedNs + EVERY_NS;
    }
}
