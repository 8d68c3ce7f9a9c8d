package skyloft.policy;

import java.io.PrintWriter;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * FIFO with work stealing, after Skyloft's {@code fifo}: each CPU runs its own queue in
 * arrival order and never slices; a CPU that runs dry steals the older half of a random
 * victim's queue. A task preempted from outside (by the LC class under {@code apps}, or by BE's
 * floor there) goes back to the head of its queue, as Linux keeps a preempted SCHED_FIFO task at
 * the head of its list.
 *
 * <p>Parameters: {@code handoff} ({@code false}, the default, or {@code true}). With it, a task
 * woken by a task running on a CPU goes to that CPU ({@link skyloft.spi.SchedContext#wakerCpu})
 * at the front of its queue, unless another CPU is idle with nothing queued: it runs as soon as
 * its waker blocks, as in a message handoff, ahead of tasks woken from outside. The JDK's
 * default scheduler does this (a carrier runs the threads its own thread unparked before the
 * shared queue), and so does Go's runnext slot. Ignores nice, slice and deadline attributes.
 *
 * <p>Good at: throughput and the cheapest possible switch (one deque operation per pick), and
 * light-tailed work where FCFS is tail-optimal. Bad at: anything with long tasks: with no
 * preemption a long task holds its CPU and every short task queued behind it waits
 * (head-of-line blocking); no priorities or fairness. With {@code handoff}, two tasks that
 * wake each other on a CPU keep it while the rest of its queue waits (others may steal them).
 */
public final class Fifo extends SchedPolicy {
    private final boolean handoff;
    private PerCpuQueues queues;
    /** Wakeups queued at a waker's front, for dump(). */
    private long handoffs;
    /** Tasks preempted from outside, put back at their queue's head; for dump(). */
    private long headRequeues;

    public Fifo() {
        this(false);
    }

    public Fifo(boolean handoff) {
        this.handoff = handoff;
    }

    Fifo(PolicyParams p) {
        this(p.choice("handoff", "false", "false", "true").equals("true"));
    }

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    protected void init(int cpus) {
        queues = new PerCpuQueues(cpus);
        handoffs = 0;
        headRequeues = 0;
    }

    @Override
    public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
        int waker = handoff && reason == EnqueueReason.WAKEUP ? ctx.wakerCpu() : -1;
        if (waker < 0) return super.selectCpu(task, prevCpu, reason, nowNs);
        // another CPU that is idle with nothing queued runs it at once; else its waker's, next
        // (the waker may have stopped already: a wakeup is often placed from the waker's carrier
        // as the waker blocks)
        if (!ctx.isIdle(waker)) {
            for (int c = 0; c < ctx.cpuCount(); c++) if (ctx.isIdle(c) && queues.size(c) == 0) return c;
        }
        return waker;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        if (handoff && reason == EnqueueReason.WAKEUP && cpu == ctx.wakerCpu()) {
            queues.addFirst(cpu, task);
            handoffs++;
        } else if (reason == EnqueueReason.PREEMPTED) { // fifo never slices: someone else preempted it
            queues.addFirst(cpu, task);
            headRequeues++;
        } else {
            queues.addLast(cpu, task);
        }
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
        if (handoff) out.println("fifo handoff=true: " + handoffs + " wakeups queued at their waker's front");
        queues.dump(name() + " headRequeues=" + headRequeues, out);
    }
}
