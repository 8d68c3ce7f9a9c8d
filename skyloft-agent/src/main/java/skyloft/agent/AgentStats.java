package skyloft.agent;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the agent did, bumped concurrently by class-loading threads (LongAdder, no
 * locks). A class is counted once per load or retransformation.
 */
public final class AgentStats {
    /** A snapshot. {@code excluded}: the filter or the loader ruled the class out; {@code unchanged}:
     * eligible but no method needed a poll; {@code failed}: left as it was after an error. */
    public record Snapshot(long transformed, long unchanged, long excluded, long failed,
                           long methods, long entryPolls, long backEdgePolls, long stripMinedLoops) {
        public String summary() {
            return "skyloft-agent: classes transformed=" + transformed + " unchanged=" + unchanged
                    + " excluded=" + excluded + " failed=" + failed + "; methods=" + methods
                    + " polls entry=" + entryPolls + " back-edge=" + backEdgePolls + " (strip-mined loops=" + stripMinedLoops + ")";
        }
    }

    final LongAdder transformed = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder excluded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder methods = new LongAdder();
    final LongAdder entryPolls = new LongAdder();
    final LongAdder backEdgePolls = new LongAdder();
    final LongAdder stripMinedLoops = new LongAdder();

    void record(PollInserter.Result r) {
        if (!r.changed()) {
            unchanged.increment();
            return;
        }
        transformed.increment();
        methods.add(r.methodsChanged());
        entryPolls.add(r.entryPolls());
        backEdgePolls.add(r.backEdgePolls());
        stripMinedLoops.add(r.stripMinedLoops());
    }

    public Snapshot snapshot() {
        return new Snapshot(transformed.sum(), unchanged.sum(), excluded.sum(), failed.sum(),
                methods.sum(), entryPolls.sum(), backEdgePolls.sum(), stripMinedLoops.sum());
    }
}
