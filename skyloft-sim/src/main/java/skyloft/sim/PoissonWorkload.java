package skyloft.sim;

import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;
import skyloft.trace.TraceKind;

/**
 * An open-loop request stream: arrivals are a Poisson process of {@code ratePerSec} (exponential
 * gaps drawn from the workload's own random stream, independent of how the server keeps up, so
 * there is no coordinated omission), each request needs a service time drawn from
 * {@code service}. Every request is its own task ({@code name#k}): spawned (admit, taskInit)
 * and enqueued NEW at its arrival, it exits when served. So the policy, not an application
 * queue, decides the order requests are served in. Latency = completion - arrival.
 */
public final class PoissonWorkload extends Workload {
    private static final int TAG_ARRIVAL = 0;

    private final double ratePerSec;
    private final Dist service;
    private final long offsetNs;
    private long arrivals;

    public PoissonWorkload(String name, SchedAttr attr, double ratePerSec, Dist service, long offsetNs) {
        super(name, attr);
        if (!(ratePerSec > 0)) throw new IllegalArgumentException("request stream " + name + ": rate " + ratePerSec + "/s must be positive");
        this.ratePerSec = ratePerSec;
        this.service = service;
        this.offsetNs = offsetNs;
    }

    private SplittableRandom rnd;

    @Override
    protected void start(Simulator sim, SplittableRandom r) {
        this.rnd = r;
        sim.at(offsetNs + gapNs(), CLS_RELEASE, this, null, TAG_ARRIVAL, 0);
    }

    private long gapNs() {
        return Math.max(1, Math.round(-1e9 / ratePerSec * Math.log(1.0 - rnd.nextDouble())));
    }

    @Override
    protected void onEvent(Simulator sim, SimTask ignored, int tag, long arg) {
        long k = ++arrivals;
        long serviceNs = service.sample(rnd);
        SimTask t = sim.spawn(this, name + "#" + k, attr);
        t.jobReleaseNs = sim.now();
        t.jobServiceNs = serviceNs;
        stats.released++;
        sim.record(TraceKind.JOB_RELEASE, -1, t, k);
        sim.wake(t, serviceNs);
        sim.at(sim.now() + gapNs(), CLS_RELEASE, this, null, TAG_ARRIVAL, 0);
    }

    @Override
    protected StopReason burstDone(Simulator sim, SimTask t) {
        long latency = sim.now() - t.jobReleaseNs;
        stats.jobDone(latency, t.jobServiceNs);
        sim.record(TraceKind.JOB_COMPLETE, -1, t, latency);
        return StopReason.EXIT;
    }

    public double ratePerSec() {
        return ratePerSec;
    }

    public Dist service() {
        return service;
    }
}
