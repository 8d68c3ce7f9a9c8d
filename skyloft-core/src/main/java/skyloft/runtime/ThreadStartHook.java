package skyloft.runtime;

/**
 * Called by {@code java.lang.Thread.start} just before it creates a platform thread, when the
 * agent's thread rules are in effect (skyloft-agent's {@code ThreadRules}, under
 * {@code skyloft run}), and found by the name in the system property {@value #PROPERTY}, which a
 * runtime sets when it pins its carriers.
 *
 * <p>Linux gives a new thread the CPU mask of the thread that creates it. A task that starts a
 * platform thread creates it on its carrier, which is pinned to one CPU, so the new thread would
 * be confined to that CPU. The hook gives the carrier the process's CPUs back for the creation;
 * the carrier pins itself again when the task stops ({@link Carrier}). Outside a pinned carrier
 * it does not touch the mask.
 *
 * <p>From any thread it also notes the time, for the carriers: a carrier that goes idle, or is
 * spinning idle, within {@link #QUIET_NS} of a platform thread's start parks at once instead of
 * spinning, so that the new thread finds a CPU the carriers do not hold.
 */
public final class ThreadStartHook {
    private ThreadStartHook() {}

    /** The system property that names this class to the rewritten {@code Thread.start}. */
    public static final String PROPERTY = "skyloft.threadStartHook";

    /** Publishes the hook (once per JVM; idempotent). */
    static void publish() {
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, ThreadStartHook.class.getName());
    }

    /** How long after a platform thread's start idle carriers do not spin. */
    static final long QUIET_NS = 2_000_000;

    /** When a platform thread last started in this process (System.nanoTime), 0 before any:
     *  written by whichever thread starts one, read by idle carriers. */
    static volatile long lastStartNs;

    /** True if a platform thread started within {@link #QUIET_NS} before {@code nowNs}. */
    static boolean recentStart(long nowNs) {
        long last = lastStartNs;
        return last != 0 && nowNs - last < QUIET_NS;
    }

    /** Runs on the thread that is about to start a platform thread; never throws. */
    public static void beforeStart() {
        lastStartNs = System.nanoTime();
        if (!Thread.currentThread().isVirtual()) return;
        if (VThreads.currentCarrier() instanceof Carrier c && c.osCpu >= 0 && !c.widened) {
            if (Affinity.allowCurrentThread(c.rt.processCpus()) == null) c.widened = true;
        }
    }
}
