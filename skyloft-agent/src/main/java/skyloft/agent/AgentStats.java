package skyloft.agent;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the agent did, bumped concurrently by class-loading threads (LongAdder, no
 * locks). A class is counted once per load or retransformation.
 */
public final class AgentStats {
    /** A snapshot. {@code excluded}: the filter or the loader ruled the class out; {@code unchanged}:
     * eligible but no method needed a poll and no thread factory call was redirected; {@code failed}:
     * left as it was after an error; {@code methodsLeft}: methods left as they were in a class
     * whose other methods were instrumented ({@link PollInserter.Result#methodsLeft()});
     * {@code threadCalls}: calls of the JDK's virtual-thread factories pointed at
     * {@code skyloft.runtime.AppThreads} ({@link ThreadRedirect}); {@code rewriteNanos}: the time
     * spent reading and rewriting the eligible classes, summed over the loading threads. */
    public record Snapshot(long transformed, long unchanged, long excluded, long failed,
                           long methods, long methodsLeft, long entryPolls, long backEdgePolls, long stripMinedLoops, long threadCalls,
                           long rewriteNanos) {
        public String summary() {
            return "skyloft-agent: classes transformed=" + transformed + " unchanged=" + unchanged
                    + " excluded=" + excluded + " failed=" + failed + "; methods=" + methods
                    + (methodsLeft > 0 ? " (left uninstrumented=" + methodsLeft + ")" : "")
                    + " polls entry=" + entryPolls + " back-edge=" + backEdgePolls + " (strip-mined loops=" + stripMinedLoops + ")"
                    + "; thread factory calls redirected=" + threadCalls
                    + String.format(java.util.Locale.ROOT, "; rewriting took %.1f ms", rewriteNanos / 1e6);
        }
    }

    final LongAdder transformed = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder excluded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder methods = new LongAdder();
    final LongAdder methodsLeft = new LongAdder();
    final LongAdder entryPolls = new LongAdder();
    final LongAdder backEdgePolls = new LongAdder();
    final LongAdder stripMinedLoops = new LongAdder();
    final LongAdder threadCalls = new LongAdder();
    final LongAdder rewriteNanos = new LongAdder();

    /** One class: what the poll inserter did, after {@code redirectedCalls} thread factory calls were redirected. */
    void record(PollInserter.Result r, int redirectedCalls) {
        if (!r.changed() && redirectedCalls == 0) {
            unchanged.increment();
            return;
        }
        transformed.increment();
        threadCalls.add(redirectedCalls);
        methods.add(r.methodsChanged());
        methodsLeft.add(r.methodsLeft().size());
        entryPolls.add(r.entryPolls());
        backEdgePolls.add(r.backEdgePolls());
        stripMinedLoops.add(r.stripMinedLoops());
    }

    public Snapshot snapshot() {
        return new Snapshot(transformed.sum(), unchanged.sum(), excluded.sum(), failed.sum(),
                methods.sum(), methodsLeft.sum(), entryPolls.sum(), backEdgePolls.sum(), stripMinedLoops.sum(), threadCalls.sum(),
                rewriteNanos.sum());
    }
}
