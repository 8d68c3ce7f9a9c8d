package example;

import java.io.PrintWriter;
import java.util.ArrayList;
import skyloft.policy.PolicyParams;
import skyloft.spi.EnqueueReason;
import skyloft.spi.NiceWeights;
import skyloft.spi.PolicyInfo;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;

/**
 * Lottery scheduling (Waldspurger and Weihl, OSDI'94), as a policy written outside the project:
 * every runnable task holds tickets in proportion to its nice weight (nice 0: 64, each nice step
 * about x1.25), and a free CPU draws one ticket at random among all the queued tasks' tickets;
 * the holder runs. A task that has run for {@code slice} while others wait is preempted and goes
 * back into the draw. Over many draws each task gets CPU in proportion to its tickets. A task
 * that yields sits out the next draw on its CPU, if anyone else is in it (as Linux 2.4 did with
 * SCHED_YIELD; without this, the contract's {@code yield} check fails: a yielder could win again).
 *
 * <p>Parameters: {@code slice} (default 100us, 5us..1s).
 *
 * <p>Good at: proportional share with no bookkeeping of past usage, and no starvation (every
 * task with a ticket has a chance at every draw). Bad at: short-term fairness (shares are only
 * right on average: over n draws a task's count varies by about sqrt(n)); scale (one global
 * queue, and a draw walks it: O(n) per pick); latency (a woken task waits for a draw like any
 * other, with no preemption on wakeup).
 *
 * <p>Check and use it (docs/POLICIES.md, "Writing a policy"; the command compiles the file), by
 * its full name or by the short name {@code @PolicyInfo} gives it:
 * <pre>
 * ./skyloft policies --policy-path examples/policies/example/Lottery.java --check example.Lottery
 * ./skyloft sim --policy-path examples/policies/example/Lottery.java --policy lottery examples/cfs-nice.yaml
 * </pre>
 */
@PolicyInfo(name = "lottery", description = "lottery scheduling: tickets by nice weight, one global draw per pick, a slice while others wait",
        params = @PolicyInfo.Param(name = "slice", defaultValue = "100us", description = "time slice while others wait, 5us..1s"))
public final class Lottery extends SchedPolicy {
    private final long sliceNs;
    /** The queued tasks, in no order, and their tickets at the same index. */
    private ArrayList<Task> queue;
    private ArrayList<Integer> tickets;
    private long totalTickets;
    /** Per CPU: the task that yielded there, which sits out that CPU's next draw. */
    private Task[] yielded;
    private long draws;

    public Lottery(PolicyParams p) {
        sliceNs = p.durationNs("slice", 100_000, 5_000, 1_000_000_000);
    }

    @Override
    public String name() {
        return "lottery";
    }

    @Override
    protected void init(int cpus) {
        queue = new ArrayList<>();
        tickets = new ArrayList<>();
        totalTickets = 0;
        yielded = new Task[cpus];
        draws = 0;
    }

    /** Tickets for a task: its nice weight over 16, at least one (nice 19: 0.9, so 1). */
    static int ticketsOf(Task task) {
        return Math.max(1, NiceWeights.weight(task.attr().nice()) / 16);
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        int t = ticketsOf(task);
        queue.add(task);
        tickets.add(t);
        totalTickets += t;
        if (reason == EnqueueReason.YIELD) yielded[cpu] = task;
    }

    /** A queued task whose nice changed holds the new weight's tickets from the next draw on. */
    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        int i = queue.indexOf(task); // -1: running or blocked, dealt in at its next enqueue
        if (i < 0) return;
        totalTickets += ticketsOf(task) - tickets.get(i);
        tickets.set(i, ticketsOf(task));
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        if (queue.isEmpty()) return null;
        draws++;
        Task out = yielded[cpu];
        yielded[cpu] = null;
        int skip = out != null && queue.size() > 1 ? queue.indexOf(out) : -1; // -1: it is not queued, or alone
        long winner = draw(totalTickets - (skip >= 0 ? tickets.get(skip) : 0));
        int i = -1;
        for (long sum = 0; sum <= winner; ) {
            i++;
            if (i != skip) sum += tickets.get(i);
        }
        Task picked = queue.get(i);
        totalTickets -= tickets.get(i);
        int last = queue.size() - 1; // order does not matter: the last takes the winner's place
        queue.set(i, queue.get(last));
        tickets.set(i, tickets.get(last));
        queue.remove(last);
        tickets.remove(last);
        return picked;
    }

    /** A uniform draw in {@code [0, bound)}, from the host's random numbers (seeded in the simulator). */
    private long draw(long bound) {
        if (bound <= Integer.MAX_VALUE) return ctx.randomInt((int) bound);
        long r = ((long) ctx.randomInt(1 << 30) << 30) | ctx.randomInt(1 << 30);
        return r % bound;
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        return ranNs >= sliceNs && !queue.isEmpty();
    }

    @Override
    public boolean tickNeedsWaiters() {
        return true; // the slice ends only while another task waits for a draw
    }

    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        return ranNs < sliceNs ? nowNs + (sliceNs - ranNs) : nowNs; // the slice's end; waiters come by enqueue
    }

    @Override
    public void dump(PrintWriter out) {
        out.println(name() + " slice=" + sliceNs + "ns queued=" + queue.size() + " tickets=" + totalTickets + " draws=" + draws);
    }
}
