package skyloft.spi;

import skyloft.util.Durations;

/**
 * Per-task scheduling attributes. Immutable; change them with the {@code with...} methods and
 * hand the result to the host, which asks the policy's {@link SchedPolicy#admit} before it
 * applies them. The constructor checks what holds for every policy; a policy may refuse more.
 *
 * @param nice       -20..19 as in Linux; weights follow {@link NiceWeights}. Default 0.
 * @param sliceNs    requested time slice, 0 for the policy's default, at most 1s. Policies with
 *                   slices (RR, EEVDF, work stealing) honour it; others ignore it.
 * @param runtimeNs  deadline parameters (SCHED_DEADLINE): CPU time per period; 0 = none.
 * @param deadlineNs relative deadline, {@code runtimeNs <= deadlineNs <= periodNs}; 0 = none.
 * @param periodNs   period; 0 with a deadline means "period = deadline". At most 2^22 us
 *                   (about 4.19s) as under Linux's default, which bounds runtime and deadline too.
 * @param app        name of the application the task belongs to ("default" if not given).
 */
public record SchedAttr(int nice, long sliceNs, long runtimeNs, long deadlineNs, long periodNs, String app) {

    public static final int MIN_NICE = -20;
    public static final int MAX_NICE = 19;
    public static final String DEFAULT_APP = "default";
    /** Longest deadline period: Linux's default sched_deadline_period_max_us, 2^22 us (about 4.19s). */
    public static final long MAX_PERIOD_NS = (1L << 22) * 1_000;
    /** Longest slice, as the policies' slice parameters (their virtual slices scale it by up to 1024 / 15). */
    public static final long MAX_SLICE_NS = 1_000_000_000;

    /** Nice 0, policy-default slice, no deadline parameters, application "default". */
    public static final SchedAttr DEFAULT = new SchedAttr(0, 0, 0, 0, 0, DEFAULT_APP);

    public SchedAttr {
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new AdmissionException("nice " + nice + " is out of range; allowed " + MIN_NICE + ".." + MAX_NICE);
        }
        if (sliceNs < 0 || sliceNs > MAX_SLICE_NS) {
            throw new AdmissionException("slice " + Durations.format(sliceNs) + " is out of range; allowed 0 (the policy's default) to "
                    + Durations.format(MAX_SLICE_NS));
        }
        if (runtimeNs < 0 || deadlineNs < 0 || periodNs < 0) {
            throw new AdmissionException("deadline parameters must not be negative: runtime " + runtimeNs
                    + "ns, deadline " + deadlineNs + "ns, period " + periodNs + "ns");
        }
        if (runtimeNs > 0 || deadlineNs > 0 || periodNs > 0) {
            if (periodNs == 0) periodNs = deadlineNs;
            if (deadlineNs == 0) deadlineNs = periodNs;
            if (runtimeNs == 0 || deadlineNs == 0) {
                throw new AdmissionException("deadline parameters need a runtime and a deadline or period; got runtime "
                        + Durations.format(runtimeNs) + ", deadline " + Durations.format(deadlineNs)
                        + ", period " + Durations.format(periodNs));
            }
            if (periodNs > MAX_PERIOD_NS) { // runtime <= deadline <= period: this bounds all three
                throw new AdmissionException("deadline period " + Durations.format(periodNs) + " is out of range; allowed up to "
                        + MAX_PERIOD_NS / 1_000 + "us (about 4.19s, Linux's default sched_deadline_period_max_us)");
            }
            if (!(runtimeNs <= deadlineNs && deadlineNs <= periodNs)) {
                throw new AdmissionException("deadline parameters must satisfy runtime <= deadline <= period; got runtime "
                        + Durations.format(runtimeNs) + ", deadline " + Durations.format(deadlineNs)
                        + ", period " + Durations.format(periodNs));
            }
        }
        if (app == null || app.isBlank()) app = DEFAULT_APP;
    }

    public SchedAttr withNice(int n) {
        return new SchedAttr(n, sliceNs, runtimeNs, deadlineNs, periodNs, app);
    }

    public SchedAttr withSliceNs(long s) {
        return new SchedAttr(nice, s, runtimeNs, deadlineNs, periodNs, app);
    }

    /** SCHED_DEADLINE-style parameters: {@code runtimeNs} of CPU every {@code periodNs}, each job
     *  due {@code deadlineNs} after its release. */
    public SchedAttr withDeadline(long runtime, long deadline, long period) {
        return new SchedAttr(nice, sliceNs, runtime, deadline, period, app);
    }

    public SchedAttr withApp(String a) {
        return new SchedAttr(nice, sliceNs, runtimeNs, deadlineNs, periodNs, a);
    }

    /** True if runtime/deadline/period are set. */
    public boolean hasDeadline() {
        return runtimeNs > 0;
    }

    /** runtime / period, the CPU bandwidth a deadline task asks for; 0 without parameters. */
    public double bandwidth() {
        return hasDeadline() ? (double) runtimeNs / periodNs : 0.0;
    }

    /** Load weight of this nice level (1024 at nice 0). */
    public int weight() {
        return NiceWeights.weight(nice);
    }

    @Override
    public String toString() {
        var sb = new StringBuilder("nice=").append(nice);
        if (sliceNs > 0) sb.append(" slice=").append(Durations.format(sliceNs));
        if (hasDeadline()) {
            sb.append(" runtime=").append(Durations.format(runtimeNs))
              .append(" deadline=").append(Durations.format(deadlineNs))
              .append(" period=").append(Durations.format(periodNs));
        }
        if (!DEFAULT_APP.equals(app)) sb.append(" app=").append(app);
        return sb.toString();
    }
}
