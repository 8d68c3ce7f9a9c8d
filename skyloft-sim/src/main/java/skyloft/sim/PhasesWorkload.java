package skyloft.sim;

import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;
import skyloft.trace.TraceKind;

/**
 * Tasks that alternate a run phase (CPU work drawn from {@code run}) and a sleep (drawn from
 * {@code sleep}, blocked), like interactive or I/O-bound threads. Each run phase is a job:
 * its latency is from the wakeup to the end of the phase, so it shows how long the task waited
 * for a CPU.
 */
public final class PhasesWorkload extends Workload {
    private final Dist run;
    private final Dist sleep;
    private final long offsetNs;
    private final int count;
    private SplittableRandom rnd;

    public PhasesWorkload(String name, SchedAttr attr, Dist run, Dist sleep, long offsetNs, int count) {
        super(name, attr);
        this.run = run;
        this.sleep = sleep;
        this.offsetNs = offsetNs;
        this.count = count;
    }

    @Override
    protected void start(Simulator sim, SplittableRandom r) {
        this.rnd = r;
        for (int i = 0; i < count; i++) {
            SimTask t = sim.spawn(this, replicaName(i, count), attr);
            sim.at(offsetNs, CLS_RELEASE, this, t, 0, 0);
        }
    }

    @Override
    protected void onEvent(Simulator sim, SimTask t, int tag, long arg) {
        long work = run.sample(rnd);
        t.jobReleaseNs = sim.now();
        t.jobServiceNs = work;
        stats.released++;
        sim.record(TraceKind.JOB_RELEASE, -1, t, stats.released);
        sim.wake(t, work);
    }

    @Override
    protected StopReason burstDone(Simulator sim, SimTask t) {
        long latency = sim.now() - t.jobReleaseNs;
        stats.jobDone(latency, t.jobServiceNs);
        sim.record(TraceKind.JOB_COMPLETE, -1, t, latency);
        sim.at(sim.now() + sleep.sample(rnd), CLS_RELEASE, this, t, 0, 0);
        return StopReason.BLOCK;
    }
}
