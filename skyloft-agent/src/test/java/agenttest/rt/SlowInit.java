package agenttest.rt;

import agenttest.RtShared;

/**
 * A class whose static initializer runs long, instrumented code (polls included): while it
 * runs, the thread is pinned and a poll cannot yield, so nothing else runs on its carrier.
 */
public final class SlowInit {
    private SlowInit() {}

    public static final long VALUE;

    static {
        RtShared.initEntered.countDown();
        VALUE = Spin.work(3_000_000);
        RtShared.initFinished = true;
    }
}
