package skyloft.policy;

import java.util.ArrayList;
import java.util.List;
import skyloft.spi.EnqueueReason;

/**
 * Rate-monotonic scheduling: fixed priorities by period (the shorter the period, the higher
 * the priority; equal periods by task creation order), preemptive, partitioned. Each task with
 * deadline parameters (runtime C, deadline D, period T) is bound to one CPU and runs whenever
 * it is the highest-priority ready task there; a job release arrives as a WAKEUP, and the job
 * runs until it blocks (no budget enforcement: an overrunning job delays lower priorities,
 * which is exactly how RM misses deadlines).
 *
 * <p>Admission ({@code admission=on}, the default): tasks are placed first fit decreasing by
 * utilization, and a CPU accepts a set if it passes the Liu &amp; Layland bound
 * U &lt;= n(2^(1/n) - 1) (only when every D = T) or, when that fails, exact response-time
 * analysis. A refusal names the test that failed, the utilization against the bound, and the
 * task whose response time exceeds its deadline. {@code admission=off} admits everything (a
 * task that fits nowhere goes to the least loaded CPU), for overload experiments.
 *
 * <p>Tasks without deadline parameters run as background below all real-time tasks (FIFO
 * with a 50us round-robin slice among themselves), on any CPU.
 *
 * <p>Good at: predictability and simplicity: fixed priorities, an exact test, graceful
 * overload (the lowest priorities miss first). Bad at: utilization (can fail above 69% where
 * EDF reaches 100% on one CPU); no isolation of an overrunning task; partitioning wastes
 * capacity.
 *
 * <p>Complexity: pick and enqueue are O(log n) heap operations; admission is pseudo-polynomial
 * (response-time iteration) and runs only when attributes change. Concurrency: serialized by
 * the host; one ready heap per CPU and one global background queue, plain fields.
 */
public final class RateMonotonic extends RealtimeBase {

    public RateMonotonic() {
        this(true);
    }

    public RateMonotonic(boolean admission) {
        super(true, admission);
    }

    RateMonotonic(PolicyParams p) {
        this(p.choice("admission", "on", "on", "off").equals("on"));
    }

    @Override
    public String name() {
        return "rm";
    }

    @Override
    void release(Rt s, EnqueueReason reason, long nowNs) {
        s.key = s.tNs;
    }

    private static RtAnalysis.Verdict test(List<Rt> onCpu, Rt cand) {
        List<Rt> set = new ArrayList<>(onCpu);
        if (cand != null && !set.contains(cand)) set.add(cand);
        set.sort((a, b) -> a.tNs != b.tNs ? Long.compare(a.tNs, b.tNs) : Long.compare(a.tie, b.tie));
        int n = set.size();
        long[] c = new long[n], d = new long[n], t = new long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            Rt s = set.get(i);
            c[i] = s.cNs; d[i] = s.dNs; t[i] = s.tNs;
            names[i] = s.task.name();
        }
        return RtAnalysis.rmTest(c, d, t, names);
    }

    @Override
    boolean fits(List<Rt> onCpu, Rt cand) {
        return test(onCpu, cand).ok();
    }

    @Override
    String refusal(Rt cand) {
        Placement p = firstFitDecreasing(false);
        if (p.misfit() == null) return null;
        if (cpus == 1) return test(p.perCpu().get(0), p.misfit()).detail();
        var sb = new StringBuilder("no CPU passes with " + p.misfit().task.name() + " added:");
        for (int c = 0; c < cpus; c++) {
            List<Rt> others = new ArrayList<>(p.perCpu().get(c));
            others.remove(p.misfit());
            sb.append(" cpu").append(c).append(": ").append(test(others, p.misfit()).detail()).append(";");
        }
        return sb.toString();
    }

    /** Verdict of the admission test for the tasks now bound to {@code cpu} (for tools and tests). */
    public RtAnalysis.Verdict verdict(int cpu) {
        List<Rt> on = new ArrayList<>();
        for (Rt s : admittedList) if (s.home == cpu) on.add(s);
        return test(on, null);
    }
}
