package skyloft.sim;

import java.util.SplittableRandom;
import skyloft.spi.SchedAttr;
import skyloft.spi.StopReason;

/**
 * One entry of a scenario: a source of tasks and of their CPU bursts (periodic jobs, request
 * arrivals, hogs, run/sleep phases). A workload spawns its tasks, wakes them with a burst of
 * work, and decides what a task does when a burst is done; the simulator does the rest.
 * Its random numbers come from its own stream, so adding a workload does not change the
 * arrivals of the others.
 */
public abstract class Workload {
    /** Event classes for {@link Simulator#at}: releases and wakeups, and deadline checks. */
    static final int CLS_RELEASE = 2;
    static final int CLS_DEADLINE = 6;

    protected final String name;
    protected final SchedAttr attr;
    final WorkloadStats stats = new WorkloadStats();

    protected Workload(String name, SchedAttr attr) {
        this.name = name;
        this.attr = attr;
    }

    public String name() {
        return name;
    }

    public SchedAttr attr() {
        return attr;
    }

    /** Name of replica {@code i} of {@code count}: the entry's name alone, or {@code name#i}. */
    protected String replicaName(int i, int count) {
        return count == 1 ? name : name + "#" + (i + 1);
    }

    /** Called once at time 0: spawn tasks and schedule the first events. */
    protected abstract void start(Simulator sim, SplittableRandom rnd);

    /** A workload event scheduled with {@link Simulator#at} fired. */
    protected void onEvent(Simulator sim, SimTask task, int tag, long arg) {}

    /**
     * {@code task} finished its burst at {@code sim.now()}: record the job and schedule what
     * comes next. Returns {@link StopReason#BLOCK} (the task waits for a wakeup),
     * {@link StopReason#EXIT}, or null after giving the task another burst with
     * {@link Simulator#continueWith} (it keeps its CPU; the policy sees no stop).
     */
    protected abstract StopReason burstDone(Simulator sim, SimTask task);
}
