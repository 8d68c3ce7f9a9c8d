package skyloft.sim;

import skyloft.spi.SchedAttr;
import skyloft.spi.Task;

/**
 * A task of the simulator: the SPI's {@link Task} plus where it is (its {@link State}), the CPU
 * work left in its current burst, and its workload's job bookkeeping. Only the single simulator
 * thread touches it.
 */
public final class SimTask extends Task {

    /** Where a task is. NEW -> QUEUED -> RUNNING -> (QUEUED | BLOCKED | EXITED); BLOCKED -> QUEUED. */
    public enum State { NEW, QUEUED, RUNNING, BLOCKED, EXITED }

    final Simulator sim;
    final Workload workload;
    State state = State.NEW;
    /** CPU work left in the current burst, as of the last start or stop. */
    long remainingNs;

    // job bookkeeping, owned by the workload
    /** Release (arrival, wakeup) time of the job being served. */
    long jobReleaseNs;
    /** CPU time the job being served needs. */
    long jobServiceNs;
    /** Periodic tasks: jobs released, started and completed so far. */
    long released;
    long started;
    long done;
    /** Periodic tasks: the next backlogged job is about to be started (an event is queued). */
    boolean nextPending;

    SimTask(Simulator sim, Workload workload, String name, SchedAttr attr) {
        super(sim.nextTaskId(), name, attr);
        this.sim = sim;
        this.workload = workload;
    }

    public State state() {
        return state;
    }

    public Workload workload() {
        return workload;
    }
}
