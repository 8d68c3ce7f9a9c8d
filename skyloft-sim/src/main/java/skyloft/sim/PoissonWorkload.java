package skyloft.sim;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;
import skyloft.trace.TraceKind;

/**
 * An open-loop request stream: arrivals are a Poisson process of {@code ratePerSec} (exponential
 * gaps drawn from the workload's own random stream, independent of how the server keeps up, so
 * there is no coordinated omission), each request needs a service time drawn from
 * {@code service}. Latency = completion - arrival.
 *
 * <p>Served one of two ways. With {@code workers == 0}, every request is its own task
 * ({@code name#k}): spawned (admit, taskInit) and enqueued NEW at its arrival, it exits when
 * served, so the policy alone decides the order requests are served in. With {@code workers > 0},
 * a pool of that many long-lived tasks ({@code name#1..}) serves an application FIFO queue, as
 * {@code bench lc}'s pool does: an arrival wakes the most recently idle worker, or waits in the
 * queue if none is idle; a worker that finishes a request takes the next one without stopping
 * (the policy sees one long run), and blocks when the queue is empty. A worker thus carries its
 * scheduling history (vruntime, lag) from request to request.
 */
public final class PoissonWorkload extends Workload {
    private static final int TAG_ARRIVAL = 0;

    private final double ratePerSec;
    private final Dist service;
    private final long offsetNs;
    private final int workers;
    private long arrivals;
    /** The next arrival's time in ns (see {@link #scheduleNext}). */
    private double nextArrivalNs;
    /** Pool mode: idle workers, the most recently idle first. */
    private final ArrayDeque<SimTask> idle = new ArrayDeque<>();
    /** Pool mode: waiting requests as {arrival ns, service ns}, oldest first. */
    private final ArrayDeque<long[]> waiting = new ArrayDeque<>();

    public PoissonWorkload(String name, SchedAttr attr, double ratePerSec, Dist service, long offsetNs) {
        this(name, attr, ratePerSec, service, offsetNs, 0);
    }

    /** {@code workers}: 0 for one task per request, else the size of the worker pool. */
    public PoissonWorkload(String name, SchedAttr attr, double ratePerSec, Dist service, long offsetNs, int workers) {
        super(name, attr);
        if (!(ratePerSec > 0)) throw new IllegalArgumentException("request stream " + name + ": rate " + ratePerSec + "/s must be positive");
        if (workers < 0) throw new IllegalArgumentException("request stream " + name + ": workers " + workers + " must be 0 (a task per request) or more");
        this.ratePerSec = ratePerSec;
        this.service = service;
        this.offsetNs = offsetNs;
        this.workers = workers;
    }

    private SplittableRandom rnd;

    @Override
    protected void start(Simulator sim, SplittableRandom r) {
        this.rnd = r;
        for (int i = workers - 1; i >= 0; i--) idle.push(sim.spawn(this, replicaName(i, workers), attr));
        nextArrivalNs = offsetNs;
        scheduleNext(sim);
    }

    /** The mean gap below which gaps add up exactly rather than each rounded to whole ns. */
    static final double EXACT_BELOW_NS = 100;

    /**
     * Schedules the next arrival one gap after the last. A gap is at most {@link Dist#MAX_SAMPLE_NS}
     * (100 h, past any run and its offsets), so the clock cannot overflow however low the rate.
     * A stream with a mean gap under 100 ns adds its gaps up exactly (several arrivals may then
     * share an instant): rounding each to whole ns, at least 1, would cap it at 1G/s and bias
     * it well below. Slower streams round each gap, which is off by less than 0.005% there and
     * keeps their arrivals as they have always been drawn.
     */
    private void scheduleNext(Simulator sim) {
        double gap = Math.min(-1e9 / ratePerSec * Math.log(1.0 - rnd.nextDouble()), Dist.MAX_SAMPLE_NS);
        nextArrivalNs += 1e9 / ratePerSec < EXACT_BELOW_NS ? gap : Math.max(1, Math.round(gap));
        sim.at(Math.round(nextArrivalNs), CLS_RELEASE, this, null, TAG_ARRIVAL, 0);
    }

    @Override
    protected void onEvent(Simulator sim, SimTask ignored, int tag, long arg) {
        long k = ++arrivals;
        long serviceNs = service.sample(rnd);
        stats.released++;
        SimTask t = workers == 0 ? sim.spawn(this, name + "#" + k, attr) : idle.pollFirst(); // null: no worker is idle
        sim.record(TraceKind.JOB_RELEASE, -1, t, k);
        if (t == null) {
            waiting.add(new long[] {sim.now(), serviceNs});
        } else {
            t.jobReleaseNs = sim.now();
            t.jobServiceNs = serviceNs;
            sim.wake(t, serviceNs);
        }
        scheduleNext(sim);
    }

    @Override
    protected StopReason burstDone(Simulator sim, SimTask t) {
        long latency = sim.now() - t.jobReleaseNs;
        stats.jobDone(latency, t.jobServiceNs);
        sim.record(TraceKind.JOB_COMPLETE, -1, t, latency);
        if (workers == 0) return StopReason.EXIT;
        long[] next = waiting.poll();
        if (next == null) {
            idle.push(t);
            return StopReason.BLOCK;
        }
        t.jobReleaseNs = next[0];
        t.jobServiceNs = next[1];
        sim.continueWith(t, next[1]);
        return null;
    }

    /** The pool's size, 0 for one task per request. */
    public int workers() {
        return workers;
    }

    public double ratePerSec() {
        return ratePerSec;
    }

    public Dist service() {
        return service;
    }
}
