package skyloft.sim;

import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;
import skyloft.trace.TraceKind;

/**
 * Periodic real-time tasks: job k of a task is released at {@code offset + k * period}, needs
 * {@code execNs} of CPU (normally the task's runtime) and is due {@code deadline} after its
 * release. Each release is a WAKEUP of the task (selectCpu + enqueue WAKEUP). A job still
 * unfinished at its absolute deadline is a miss (counted once, at the deadline, the first one's
 * time kept); it is not aborted but runs to completion. If a job is released while the previous
 * one is still unfinished, it waits; when the previous one completes the task blocks and is
 * woken at once for it, so the policy again sees a wakeup per job.
 */
public final class PeriodicWorkload extends Workload {
    private static final int TAG_RELEASE = 0, TAG_NEXT = 1, TAG_DEADLINE = 2;

    private final long offsetNs;
    private final long execNs;
    private final int count;

    /** {@code attr} must carry runtime, deadline and period; {@code execNs} 0 means "runtime". */
    public PeriodicWorkload(String name, SchedAttr attr, long offsetNs, long execNs, int count) {
        super(name, attr);
        if (!attr.hasDeadline()) throw new IllegalArgumentException("periodic task " + name + " needs runtime, deadline and period");
        this.offsetNs = offsetNs;
        this.execNs = execNs > 0 ? execNs : attr.runtimeNs();
        this.count = count;
    }

    @Override
    protected void start(Simulator sim, SplittableRandom rnd) {
        for (int i = 0; i < count; i++) {
            SimTask t = sim.spawn(this, replicaName(i, count), attr);
            sim.at(offsetNs, CLS_RELEASE, this, t, TAG_RELEASE, 0);
        }
    }

    private long releaseOf(long job) {
        return offsetNs + job * attr.periodNs();
    }

    @Override
    protected void onEvent(Simulator sim, SimTask t, int tag, long job) {
        switch (tag) {
            case TAG_RELEASE -> {
                t.released = job + 1;
                stats.released++;
                sim.record(TraceKind.JOB_RELEASE, -1, t, job);
                sim.at(sim.now() + attr.deadlineNs(), CLS_DEADLINE, this, t, TAG_DEADLINE, job);
                sim.at(releaseOf(job + 1), CLS_RELEASE, this, t, TAG_RELEASE, job + 1);
                if (t.started == t.done && !t.nextPending) startNext(sim, t);
            }
            case TAG_NEXT -> {
                t.nextPending = false;
                startNext(sim, t);
            }
            case TAG_DEADLINE -> {
                if (t.done <= job) {
                    stats.miss(sim.now());
                    sim.record(TraceKind.DEADLINE_MISS, -1, t, job);
                }
            }
            default -> throw new IllegalStateException("periodic: unknown event tag " + tag);
        }
    }

    private void startNext(Simulator sim, SimTask t) {
        long job = t.started++;
        t.jobReleaseNs = releaseOf(job);
        t.jobServiceNs = execNs;
        sim.wake(t, execNs);
    }

    @Override
    protected StopReason burstDone(Simulator sim, SimTask t) {
        long latency = sim.now() - t.jobReleaseNs;
        t.done++;
        stats.jobDone(latency, t.jobServiceNs);
        sim.record(TraceKind.JOB_COMPLETE, -1, t, latency);
        if (t.started < t.released) {
            t.nextPending = true;
            sim.at(sim.now(), CLS_RELEASE, this, t, TAG_NEXT, 0);
        }
        return StopReason.BLOCK;
    }
}
