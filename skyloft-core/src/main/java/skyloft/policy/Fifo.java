package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * FIFO with work stealing, after Skyloft's {@code fifo}: each CPU runs its own queue in
 * arrival order and never slices; a CPU that runs dry steals the older half of a random
 * victim's queue.
 *
 * <p>Parameters: none. Ignores nice, slice and deadline attributes.
 *
 * <p>Good at: throughput and the cheapest possible switch (one deque operation per pick), and
 * light-tailed work where FCFS is tail-optimal. Bad at: anything with long tasks: with no
 * preemption a long task holds its CPU and every short task queued behind it waits
 * (head-of-line blocking); no priorities or fairness.
 */
public final class Fifo extends SchedPolicy {
    private PerCpuQueues queues;

    public Fifo() {}

    Fifo(PolicyParams ignored) {}

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    protected void init(int cpus) {
        queues = new PerCpuQueues(cpus);
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        queues.addLast(cpu, task);
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        return queues.pollFirst(cpu);
    }

    @Override
    public boolean usesTick() {
        return false; // never slices
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        return idle ? queues.stealHalf(cpu, ctx) : 0;
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return queues.moveAll(stalledCpu, toCpu);
    }

    @Override
    public void dump(PrintWriter out) {
        queues.dump(name(), out);
    }
}
