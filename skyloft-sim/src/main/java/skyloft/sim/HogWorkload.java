package skyloft.sim;

import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;

/** CPU hogs: {@code count} tasks that become runnable at {@code offset} and never block or finish. */
public final class HogWorkload extends Workload {
    /** A burst no run reaches (about 73 years). */
    static final long FOREVER_NS = Long.MAX_VALUE / 4;

    private final long offsetNs;
    private final int count;

    public HogWorkload(String name, SchedAttr attr, long offsetNs, int count) {
        super(name, attr);
        this.offsetNs = offsetNs;
        this.count = count;
    }

    @Override
    protected void start(Simulator sim, SplittableRandom rnd) {
        for (int i = 0; i < count; i++) {
            SimTask t = sim.spawn(this, replicaName(i, count), attr);
            sim.at(offsetNs, CLS_RELEASE, this, t, 0, 0);
        }
    }

    @Override
    protected void onEvent(Simulator sim, SimTask t, int tag, long arg) {
        stats.released++;
        sim.wake(t, FOREVER_NS);
    }

    @Override
    protected StopReason burstDone(Simulator sim, SimTask t) {
        return StopReason.EXIT;
    }
}
