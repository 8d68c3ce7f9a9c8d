package skyloft.policy;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * Shinjuku-style centralized scheduling: one global queue served first come, first served by
 * every CPU, with a preemption quantum: a task that has run for {@code quantum} while others
 * wait goes back to the tail, so long requests share the CPUs (processor sharing) and short
 * ones are not stuck behind them. Shinjuku (NSDI'19) runs this from a dedicated dispatcher
 * core; here the dispatcher role is the policy itself, executed by whichever CPU's carrier
 * calls an op (pick on a free CPU, a tick on a busy one), so it needs no extra core and costs
 * nothing while the system is idle. New and woken tasks go to an idle CPU when there is one
 * (the host wakes it); a preempted task keeps its place at the tail.
 *
 * <p>Parameters: {@code quantum} (default 10us, 1us..1s; Shinjuku used 5-15us for
 * microsecond RPCs). A task's own slice attribute replaces it for that task.
 *
 * <p>Good at: tail latency for heavy-tailed service times (a single queue never leaves a CPU
 * idle while work waits, and the quantum bounds head-of-line blocking). Bad at: scaling: every
 * enqueue and pick touches one shared queue (in the runtime, one lock), so it tops out at a
 * few million decisions per second; no locality, priorities or weights.
 *
 * <p>Complexity: enqueue and pick O(1). Concurrency: serialized by the host; one deque.
 */
public final class Shinjuku extends SchedPolicy {
    public static final long DEFAULT_QUANTUM_NS = 10_000;
    static final long MIN_QUANTUM_NS = 1_000, MAX_QUANTUM_NS = 1_000_000_000;

    private final long quantumNs;
    private ArrayDeque<Task> queue;
    private long quantumExpiries;

    public Shinjuku() {
        this(DEFAULT_QUANTUM_NS);
    }

    public Shinjuku(long quantumNs) {
        this.quantumNs = PolicyParams.checkNs("shinjuku", "quantum", quantumNs, MIN_QUANTUM_NS, MAX_QUANTUM_NS);
    }

    Shinjuku(PolicyParams p) {
        this(p.durationNs("quantum", DEFAULT_QUANTUM_NS, MIN_QUANTUM_NS, MAX_QUANTUM_NS));
    }

    @Override
    public String name() {
        return "shinjuku";
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // a slice only ends when someone waits for the CPU
    }

    @Override
    protected void init(int cpus) {
        queue = new ArrayDeque<>();
        quantumExpiries = 0;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        queue.addLast(task);
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        return queue.pollFirst();
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        long q = task.attr().sliceNs() > 0 ? task.attr().sliceNs() : quantumNs;
        if (ranNs >= q && !queue.isEmpty()) {
            quantumExpiries++;
            return true;
        }
        return false;
    }

    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        long q = task.attr().sliceNs() > 0 ? task.attr().sliceNs() : quantumNs;
        return ranNs < q ? nowNs + (q - ranNs) : nowNs; // the quantum's end; waiters come by enqueue
    }

    public long quantumNs() {
        return quantumNs;
    }

    @Override
    public void dump(PrintWriter out) {
        out.println(name() + " quantum=" + quantumNs + "ns queued=" + queue.size() + " quantumExpiries=" + quantumExpiries);
    }
}
