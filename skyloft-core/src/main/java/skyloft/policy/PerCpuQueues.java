package skyloft.policy;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import skyloft.spi.SchedContext;
import skyloft.spi.Task;

/**
 * One FIFO queue per CPU plus Skyloft-style stealing: an idle CPU takes the older half of a
 * random non-empty victim's queue. Shared by the per-CPU policies; not thread-safe (policy ops
 * are serialized by the host). Steady state allocates nothing once the deques have grown.
 */
public final class PerCpuQueues {
    private final ArrayDeque<Task>[] queues;
    private long stealAttempts;
    private long stealFailures;

    @SuppressWarnings("unchecked")
    public PerCpuQueues(int cpus) {
        queues = new ArrayDeque[cpus];
        for (int i = 0; i < cpus; i++) queues[i] = new ArrayDeque<>();
    }

    public void addLast(int cpu, Task t) { queues[cpu].addLast(t); }
    public void addFirst(int cpu, Task t) { queues[cpu].addFirst(t); }
    public Task pollFirst(int cpu) { return queues[cpu].pollFirst(); }
    public int size(int cpu) { return queues[cpu].size(); }

    public int total() {
        int n = 0;
        for (ArrayDeque<Task> q : queues) n += q.size();
        return n;
    }

    /**
     * Moves the older half (rounded up) of a random non-empty victim's queue to the tail of
     * {@code cpu}'s queue; returns how many moved.
     */
    public int stealHalf(int cpu, SchedContext ctx) {
        int n = queues.length;
        if (n < 2) return 0;
        stealAttempts++;
        int start = ctx.randomInt(n);
        for (int i = 0; i < n; i++) {
            int victim = (start + i) % n;
            if (victim == cpu) continue;
            ArrayDeque<Task> vq = queues[victim];
            int take = (vq.size() + 1) / 2;
            if (take == 0) continue;
            for (int k = 0; k < take; k++) queues[cpu].addLast(vq.pollFirst());
            return take;
        }
        stealFailures++;
        return 0;
    }

    /** A rescue: moves all of {@code from}'s queue, oldest first, to the tail of {@code to}'s;
     *  returns how many. */
    public int moveAll(int from, int to) {
        if (from == to) return 0;
        ArrayDeque<Task> src = queues[from];
        int n = src.size();
        for (Task t; (t = src.pollFirst()) != null; ) queues[to].addLast(t);
        return n;
    }

    public void dump(String name, PrintWriter out) {
        out.print(name + ": queued");
        for (int c = 0; c < queues.length; c++) out.print(" cpu" + c + "=" + queues[c].size());
        out.println(" stealAttempts=" + stealAttempts + " stealFailures=" + stealFailures);
    }
}
