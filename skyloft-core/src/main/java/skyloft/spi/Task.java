package skyloft.spi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A schedulable entity as policies and hosts see it: identity, attributes, a slot for the
 * policy's per-task state, and the accounting both hosts keep in the same way.
 *
 * <p>Fields and who touches them. Everything here is written under the scheduler lock (the
 * runtime) or by the single simulator thread; readers outside the lock (stats snapshots) may
 * see slightly stale values, which is benign.
 * <ul>
 *   <li>{@link #policyState}: the policy's own; the host never reads or writes it.</li>
 *   <li>{@code attr}: written by the host after {@link SchedPolicy#admit}; read by policies.</li>
 *   <li>accounting ({@code lastCpu}, run/wait time, counters): written by the host through the
 *       {@code host*} methods; read by policies and stats.</li>
 * </ul>
 * Hosts subclass it to attach their own handle (the virtual thread, the simulated job).
 */
public class Task {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final String name;
    private SchedAttr attr;

    /** The policy's per-task state (a CFS entity, a deadline server...). Owned by the policy. */
    public Object policyState;

    private int lastCpu = -1;
    private int enqueuedCpu = -1;
    private long readySinceNs;
    private long runStartNs;
    private long runNs;
    private long waitNs;
    private long switches;
    private long preemptions;
    private long yields;
    private long blocks;
    private long migrations;
    private long steals;

    protected Task(String name, SchedAttr attr) {
        this(IDS.incrementAndGet(), name, attr);
    }

    /** For a host that numbers its own tasks ({@code id} positive, unique among the tasks of
     *  that host): the simulator counts from 1 in each run, so that a run's ids, and the traces
     *  that show them, do not depend on what else the JVM ran before. */
    protected Task(long id, String name, SchedAttr attr) {
        if (id <= 0) throw new IllegalArgumentException("task id " + id + " must be positive");
        this.id = id;
        this.name = name; // null: named "task-<id>" on demand, so unnamed spawns build no string
        this.attr = attr != null ? attr : SchedAttr.DEFAULT;
    }

    public final long id() { return id; }
    public final String name() { return name != null ? name : "task-" + id; }
    /** The name given at creation, or null. */
    public final String givenName() { return name; }
    public final SchedAttr attr() { return attr; }
    /** CPU the task last ran on, -1 before it first ran. */
    public final int lastCpu() { return lastCpu; }
    /** Total CPU time it has had, in ns, up to its last stop. */
    public final long runNs() { return runNs; }
    /** Total time it was runnable but not running, in ns, up to its last pick. */
    public final long waitNs() { return waitNs; }
    /** Times it was picked to run. */
    public final long switches() { return switches; }
    public final long preemptions() { return preemptions; }
    public final long yields() { return yields; }
    public final long blocks() { return blocks; }
    /** Times it ran on a different CPU from the one it ran on before. */
    public final long migrations() { return migrations; }
    /** Times it was picked by a CPU other than the one it was enqueued on. */
    public final long steals() { return steals; }

    // ---- host side: call these under the scheduler lock, at the matching policy op ----

    /** Host only: attributes accepted by admit. */
    public final void hostSetAttr(SchedAttr a) { this.attr = a; }

    /** Host only: the task was enqueued on {@code cpu} at {@code nowNs}. */
    public final void hostEnqueued(int cpu, long nowNs) {
        enqueuedCpu = cpu;
        readySinceNs = nowNs;
    }

    /** Host only: the task was picked by {@code cpu}; returns true if that is a steal. */
    public final boolean hostPicked(int cpu, long nowNs) {
        waitNs += nowNs - readySinceNs;
        switches++;
        if (lastCpu >= 0 && lastCpu != cpu) migrations++;
        boolean stolen = enqueuedCpu >= 0 && enqueuedCpu != cpu;
        if (stolen) steals++;
        lastCpu = cpu;
        runStartNs = nowNs;
        return stolen;
    }

    /** Host only: the task stopped running; returns the ns it ran since it was picked. */
    public final long hostStopped(StopReason why, long nowNs) {
        long ran = nowNs - runStartNs;
        runNs += ran;
        switch (why) {
            case PREEMPT -> preemptions++;
            case YIELD -> yields++;
            case BLOCK -> blocks++;
            case EXIT -> { }
        }
        return ran;
    }

    /** Start of the current run, valid while it runs. */
    public final long runStartNs() { return runStartNs; }

    @Override
    public String toString() {
        return name() + "#" + id;
    }
}
