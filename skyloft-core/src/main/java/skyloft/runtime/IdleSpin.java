package skyloft.runtime;

/**
 * The rule by which an idle carrier's spin window adapts, shared by the runtime's carriers and
 * the simulator's model of them. It follows Linux's haltpoll governor, which adapts a guest
 * CPU's poll before it halts: an idle period (from a CPU's last task to its next pick) that
 * parked and still ended within the maximum doubles the window, since a spin that long would
 * have caught the work with no park; a longer one halves it. Periods that end while spinning
 * leave it alone.
 */
public final class IdleSpin {
    private IdleSpin() {}

    /** The runtime's default floor and ceiling of the window. */
    public static final long DEFAULT_MIN_NS = 20_000, DEFAULT_MAX_NS = 5_000_000;

    /** Where a window of 0 starts growing. */
    static final long GROW_START_NS = 10_000;

    /**
     * The spin window after an idle period of {@code idleNs} that parked: doubled (at least
     * 10 us) if the period was within {@code maxNs}, else halved; kept within
     * {@code minNs..maxNs} (equal bounds: a fixed spin).
     */
    public static long next(long spinNs, long idleNs, long minNs, long maxNs) {
        long next = idleNs <= maxNs ? Math.max(2 * spinNs, GROW_START_NS) : spinNs / 2;
        return Math.clamp(next, minNs, maxNs);
    }
}
