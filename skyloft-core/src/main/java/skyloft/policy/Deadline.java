package skyloft.policy;

import java.util.List;
import java.util.Locale;
import skyloft.spi.EnqueueReason;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * SCHED_DEADLINE: earliest deadline first over constant bandwidth servers (CBS), as in Linux.
 * A task with attributes (runtime Q, relative deadline D, period P) owns a server with a
 * remaining runtime and an absolute deadline; the ready server with the earliest absolute
 * deadline runs (ties by task creation order).
 * <ul>
 *   <li><b>Accounting and throttling:</b> running time is charged to the server at every tick
 *       and stop; a {@code kickAt} at the moment the runtime would run out makes the host tick
 *       then. At zero runtime the task is throttled (parked, not runnable) until its next
 *       period starts, deadline - D + P (the deadline itself when D = P), when deadline += P
 *       and runtime += Q, repeated while runtime &lt;= 0 (Linux's {@code dl_next_period} and
 *       {@code replenish_dl_entity}). Replenishment runs from a {@code kickAt} then, since
 *       policies have no timers. So a hog gets exactly Q per P.</li>
 *   <li><b>Wakeup rule</b> (a job release arrives as a WAKEUP), as Linux's: woken after its
 *       deadline but before its next period (D &lt; P), the server is throttled until that
 *       period ({@code dl_check_constrained_dl}: its job had its Q in this period). Otherwise,
 *       if the deadline has passed, or runtime / (deadline - now) &gt; Q / D, then with D = P
 *       (or the deadline passed) the server is reset to deadline = now + D, runtime = Q; with
 *       D &lt; P and the deadline ahead it keeps the deadline and gets runtime = (deadline - now)
 *       x Q / D, the revised CBS rule ({@code update_dl_revised_wakeup}); else both are kept.
 *       A new task starts with now + D and Q.</li>
 *   <li><b>Yield</b> gives up the rest of the runtime until the next replenishment (Linux).</li>
 *   <li><b>Attribute changes</b> that keep Q, D and P (nice, slice) leave the server as it is,
 *       throttled or not, as sched_setattr does; new parameters start a new server.</li>
 *   <li><b>Admission</b> ({@code admission=on}): the sum of Q/P, in Linux's 20-bit fixed
 *       point, must stay at most {@code cap} x CPUs (global), or every task must find a CPU
 *       under {@code cap} by first fit decreasing (partitioned). Refusals throw
 *       {@link skyloft.spi.AdmissionException} with the figures.</li>
 *   <li><b>Tasks without deadline parameters</b> run as background below every deadline
 *       task, FIFO with a 50us round-robin slice among themselves.</li>
 * </ul>
 *
 * <p>Parameters: {@code placement} = global (default; one EDF queue for all CPUs) or
 * partitioned (each task bound to one CPU chosen by first fit decreasing by bandwidth);
 * {@code cap} = bandwidth cap per CPU, default 0.95 (Linux's 950000/1000000), 0.01..1;
 * {@code admission} = on (default) or off (admit everything, for overload experiments).
 *
 * <p>Good at: temporal isolation (a misbehaving task cannot take more than Q per P) and full
 * use of one CPU (EDF is optimal there). Bad at: global EDF on several CPUs suffers Dhall's
 * effect (a heavy task can miss next to light ones at low total load); partitioning wastes
 * up to half the capacity in the worst case; no fairness among background tasks beyond RR.
 *
 * <p>Global placement: a task that becomes ready goes to a free CPU, else preempts the CPU
 * running the least urgent task, counting the tasks already sent to CPUs that have not switched
 * yet, so jobs released together each get a CPU of their own ({@link RealtimeBase}).
 *
 * <p>Complexity: pick, enqueue and replenish are O(log n) heap operations; the global
 * placement and the global tick's check are O(CPUs). Concurrency: serialized by the host; one global heap or one
 * heap per CPU in plain fields, and one global heap of throttled servers.
 */
public final class Deadline extends RealtimeBase {
    public static final double DEFAULT_CAP = 0.95;
    static final double MIN_CAP = 0.01;

    private final double cap;
    private final long capBw;
    private TaskHeap throttled;
    private long throttles, replenishments, wakeupResets;

    public Deadline() {
        this(false, DEFAULT_CAP, true);
    }

    public Deadline(boolean partitioned, double cap, boolean admission) {
        super(partitioned, admission);
        if (!(cap >= MIN_CAP && cap <= 1.0)) throw new IllegalArgumentException("deadline cap " + cap + " is out of range; allowed 0.01 to 1");
        this.cap = cap;
        this.capBw = RtAnalysis.bandwidth(cap);
    }

    Deadline(PolicyParams p) {
        this(p.choice("placement", "global", "global", "partitioned").equals("partitioned"),
                p.decimal("cap", DEFAULT_CAP, MIN_CAP, 1.0),
                p.choice("admission", "on", "on", "off").equals("on"));
    }

    @Override
    public String name() {
        return "deadline";
    }

    @Override
    protected void init(int cpus) {
        super.init(cpus);
        throttled = new TaskHeap();
        throttles = replenishments = wakeupResets = 0;
    }

    @Override
    TaskHeap throttledHeap() {
        return throttled;
    }

    @Override
    boolean fits(List<Rt> onCpu, Rt cand) {
        long sum = cand.bw;
        for (Rt s : onCpu) sum += s.bw;
        return sum <= capBw;
    }

    @Override
    String refusal(Rt cand) {
        long total = 0;
        for (Rt s : admittedList) total += s.bw;
        if (!partitioned) {
            if (total <= capBw * cpus) return null;
            return String.format(Locale.ROOT, "bandwidth %.3f would bring the total to %.3f, over the cap %.3f (%.2f per CPU x %d CPU%s); %.3f is left",
                    RtAnalysis.toDouble(cand.bw), RtAnalysis.toDouble(total), RtAnalysis.toDouble(capBw * cpus), cap, cpus,
                    cpus == 1 ? "" : "s", Math.max(0, RtAnalysis.toDouble(capBw * cpus - total + cand.bw)));
        }
        Placement p = firstFitDecreasing(false);
        if (p.misfit() == null) return null;
        var sb = new StringBuilder(String.format(Locale.ROOT,
                "partitioned placement (first fit decreasing) finds no CPU with room for bandwidth %.3f under the cap %.2f; loads",
                RtAnalysis.toDouble(p.misfit().bw), cap));
        for (int c = 0; c < cpus; c++) {
            long load = 0;
            for (Rt s : p.perCpu().get(c)) if (s != p.misfit()) load += s.bw;
            sb.append(String.format(Locale.ROOT, " cpu%d=%.3f", c, RtAnalysis.toDouble(load)));
        }
        return sb.toString();
    }

    @Override
    void release(Rt s, EnqueueReason reason, long nowNs) {
        s.accountedAtNs = nowNs;
        if (reason == EnqueueReason.WAKEUP && s.deadlineAbsNs < nowNs && nowNs < nextPeriodNs(s)) {
            // woken between its deadline and its next period: its Q for this period is had; parkIfThrottled waits
            s.runtimeLeftNs = Math.min(s.runtimeLeftNs, 0);
        } else if (reason == EnqueueReason.NEW || s.deadlineAbsNs <= nowNs
                || productExceeds(s.runtimeLeftNs, s.dNs, s.cNs, s.deadlineAbsNs - nowNs)) {
            if (reason == EnqueueReason.WAKEUP) wakeupResets++;
            if (reason == EnqueueReason.WAKEUP && s.dNs < s.tNs && s.deadlineAbsNs > nowNs) {
                // revised CBS: the runtime the density Q/D allows up to the deadline kept
                s.runtimeLeftNs = (long) ((double) (s.deadlineAbsNs - nowNs) * s.cNs / s.dNs);
            } else {
                s.deadlineAbsNs = nowNs + s.dNs;
                s.runtimeLeftNs = s.cNs;
            }
        }
        s.key = s.deadlineAbsNs;
    }

    /** When {@code s}'s next period starts: its deadline - D + P. */
    private static long nextPeriodNs(Rt s) {
        return s.deadlineAbsNs - s.dNs + s.tNs;
    }

    /** a x b &gt; c x d, compared as 128-bit products: runtime x deadline in ns passes 64 bits at
     *  about 3s x 3s. (Linux drops 10 bits of each factor instead, too coarse at microseconds.) */
    static boolean productExceeds(long a, long b, long c, long d) {
        long hi = Math.multiplyHigh(a, b), otherHi = Math.multiplyHigh(c, d);
        return hi != otherHi ? hi > otherHi : Long.compareUnsigned(a * b, c * d) > 0;
    }

    @Override
    boolean parkIfThrottled(Rt s, int cpu, long nowNs) {
        if (s.runtimeLeftNs > 0) return false;
        throttles++;
        s.key = nextPeriodNs(s); // its replenishment; catchUp puts the deadline back as the key
        s.in = throttled;
        throttled.add(s);
        ctx.kickAt(homeOf(s, cpu), s.key);
        return true;
    }

    @Override
    void catchUp(long nowNs) {
        for (TaskHeap.Node n; (n = throttled.peek()) != null && n.key <= nowNs; ) {
            throttled.poll();
            Rt s = (Rt) n;
            s.in = null;
            while (s.runtimeLeftNs <= 0) {
                s.deadlineAbsNs += s.tNs;
                s.runtimeLeftNs += s.cNs;
            }
            replenishments++;
            s.key = s.deadlineAbsNs;
            makeReady(s, Math.max(0, s.task.lastCpu()), nowNs);
        }
    }

    private static void charge(Rt s, long nowNs) {
        s.runtimeLeftNs -= nowNs - s.accountedAtNs;
        s.accountedAtNs = nowNs;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        super.running(cpu, task, nowNs);
        Rt s = state(task);
        if (!s.rt) return;
        s.accountedAtNs = nowNs;
        ctx.kickAt(cpu, nowNs + Math.max(0, s.runtimeLeftNs));
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        Rt s = state(task);
        if (s.rt) {
            charge(s, nowNs);
            if (s.runtimeLeftNs <= 0) return true;
        }
        return super.tick(cpu, task, ranNs, nowNs);
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        Rt s = state(task);
        if (!s.rt) return;
        charge(s, nowNs);
        if (reason == StopReason.YIELD) s.runtimeLeftNs = Math.min(s.runtimeLeftNs, 0);
    }

    /** Remaining runtime of {@code task}'s server, ns (for tests and traces). */
    public static long runtimeLeftNs(Task task) {
        return state(task).runtimeLeftNs;
    }

    /** Absolute deadline of {@code task}'s server, ns. */
    public static long deadlineNs(Task task) {
        return state(task).deadlineAbsNs;
    }

    /** True while {@code task} is throttled waiting for its replenishment. */
    public boolean isThrottled(Task task) {
        return state(task).in == throttled;
    }

    @Override
    public void dump(java.io.PrintWriter out) {
        super.dump(out);
        out.println("deadline cap=" + cap + " throttles=" + throttles + " replenishments=" + replenishments + " wakeupResets=" + wakeupResets);
    }
}
