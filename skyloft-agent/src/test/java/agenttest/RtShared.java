package agenttest;

import java.util.concurrent.CountDownLatch;

/**
 * State shared between a test and the instrumented classes of {@code agenttest.rt}: this class
 * is outside that package, so it is loaded once, by the test's own loader, and both sides see
 * the same fields. Reset by the test before use.
 */
public final class RtShared {
    private RtShared() {}

    /** Counted down by SlowInit's static initializer once it has started. */
    public static volatile CountDownLatch initEntered = new CountDownLatch(1);
    /** Set by SlowInit's static initializer as its last action. */
    public static volatile boolean initFinished;
}
