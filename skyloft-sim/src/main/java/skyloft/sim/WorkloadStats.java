package skyloft.sim;

import org.HdrHistogram.Histogram;

/**
 * What one workload entry of a scenario did: CPU time, jobs released and completed, response
 * times (HdrHistogram, 3 significant digits, plus an exact sum for the mean), slowdowns, and
 * deadline misses with the time of the first. Written only by the simulator thread.
 */
public final class WorkloadStats {
    final Histogram latencyNs = new Histogram(3);
    /** Slowdown (latency / service time) x 1000. */
    final Histogram slowdownMilli = new Histogram(3);
    long cpuNs;
    long released;
    long completed;
    long latencySumNs;
    long latencyMaxNs;
    double slowdownSum;
    long slowdownMaxMilli;
    long misses;
    long firstMissNs = -1;
    int tasks;

    void jobDone(long latency, long serviceNs) {
        completed++;
        latencySumNs += latency;
        latencyMaxNs = Math.max(latencyMaxNs, latency);
        latencyNs.recordValue(Math.max(0, latency));
        double slow = serviceNs > 0 ? (double) latency / serviceNs : 1.0;
        slowdownSum += slow;
        long slowMilli = Math.max(0, Math.round(slow * 1000));
        slowdownMilli.recordValue(slowMilli);
        slowdownMaxMilli = Math.max(slowdownMaxMilli, slowMilli);
    }

    void miss(long nowNs) {
        if (misses++ == 0) firstMissNs = nowNs;
    }
}
