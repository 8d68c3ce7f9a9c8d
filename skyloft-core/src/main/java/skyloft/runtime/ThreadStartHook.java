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
 * it does nothing.
 */
public final class ThreadStartHook {
    private ThreadStartHook() {}

    /** The system property that names this class to the rewritten {@code Thread.start}. */
    public static final String PROPERTY = "skyloft.threadStartHook";

    /** Publishes the hook (once per JVM; idempotent). */
    static void publish() {
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, ThreadStartHook.class.getName());
    }

    /** Runs on the thread that is about to start a platform thread; never throws. */
    public static void beforeStart() {
        if (!Thread.currentThread().isVirtual()) return;
        if (VThreads.currentCarrier() instanceof Carrier c && c.osCpu >= 0 && !c.widened) {
            if (Affinity.allowCurrentThread(c.rt.processCpus()) == null) c.widened = true;
        }
    }
}
