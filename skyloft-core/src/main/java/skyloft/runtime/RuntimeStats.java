package skyloft.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of the runtime's schedstat-like counters, per CPU and per task, taken under the
 * scheduler lock. {@link #format()} renders it as the table {@code --stats} prints.
 *
 * @param pinning      how carriers were pinned, or why they could not be
 * @param tasks        live tasks and up to a few hundred exited ones (the exited ones retained)
 * @param exitedTotals the sums over every exited task, retained or not
 * @param counters     unusual paths and runtime-wide counts, by name
 */
public record RuntimeStats(String policy, int cores, String pinning, long uptimeNs, List<Cpu> cpus,
                           List<TaskRow> tasks, TaskRow exitedTotals, long tasksExited,
                           Map<String, Long> counters, Preemption preemption) {

    /** Per carrier. Times in ns; {@code idleSpinNs} is the carrier's idle spin window now. */
    public record Cpu(int cpu, int osCpu, long busyNs, long idleNs, long switches, long steals, long ticks,
                      long preemptRequests, long preemptDelivered, long idleParks, long idleSpinNs) {}

    /** Per task (or the totals over exited tasks). Times in ns. */
    public record TaskRow(long id, String name, String state, String attr, long runNs, long waitNs,
                          long switches, long preemptions, long yields, long blocks, long migrations, long steals) {}

    /** Preemption: requests, deliveries, and the request-to-yield delay. */
    public record Preemption(String timer, long requested, long delivered, long delayP50Ns, long delayP99Ns,
                             long delayMaxNs, long timerCpuNs) {}

    /** The table printed by {@code --stats}; at most {@code maxTasks} task rows, busiest first. */
    public String format(int maxTasks) {
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "skyloft stats: policy %s, %d carrier(s), %s, up %.1f ms%n",
                policy, cores, pinning, uptimeNs / 1e6));
        sb.append(String.format(Locale.ROOT, "  %-4s %-6s %10s %10s %9s %7s %8s %8s %8s %7s %8s%n",
                "cpu", "os-cpu", "busy-ms", "idle-ms", "switches", "steals", "ticks", "preempt", "deliver", "parks", "spin-us"));
        for (Cpu c : cpus) {
            sb.append(String.format(Locale.ROOT, "  %-4d %-6s %10.2f %10.2f %9d %7d %8d %8d %8d %7d %8.0f%n",
                    c.cpu(), c.osCpu() < 0 ? "-" : Integer.toString(c.osCpu()), c.busyNs() / 1e6, c.idleNs() / 1e6,
                    c.switches(), c.steals(), c.ticks(), c.preemptRequests(), c.preemptDelivered(), c.idleParks(),
                    c.idleSpinNs() / 1e3));
        }
        sb.append(String.format(Locale.ROOT, "  %-20s %-9s %10s %10s %9s %7s %7s %7s %7s %7s  %s%n",
                "task", "state", "run-ms", "wait-ms", "switches", "preempt", "yields", "blocks", "migr", "steals", "attr"));
        tasks.stream().sorted(Comparator.comparingLong(TaskRow::runNs).reversed()).limit(maxTasks)
                .forEach(t -> row(sb, t.name() + "#" + t.id(), t));
        if (tasks.size() > maxTasks) sb.append("  ... ").append(tasks.size() - maxTasks).append(" more task rows\n");
        row(sb, "(all " + tasksExited + " exited)", exitedTotals);
        sb.append(String.format(Locale.ROOT, "  preemption: timer %s, requested %d, delivered %d, delay p50 %.1f us, p99 %.1f us, max %.1f us, timer cpu %.1f ms%n",
                preemption.timer(), preemption.requested(), preemption.delivered(), preemption.delayP50Ns() / 1e3,
                preemption.delayP99Ns() / 1e3, preemption.delayMaxNs() / 1e3, preemption.timerCpuNs() / 1e6));
        sb.append("  counters:");
        counters.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        sb.append('\n');
        return sb.toString();
    }

    public String format() {
        return format(20);
    }

    private static void row(StringBuilder sb, String label, TaskRow t) {
        if (label.length() > 20) label = label.substring(0, 19) + "~";
        sb.append(String.format(Locale.ROOT, "  %-20s %-9s %10.2f %10.2f %9d %7d %7d %7d %7d %7d  %s%n",
                label, t.state(), t.runNs() / 1e6, t.waitNs() / 1e6, t.switches(), t.preemptions(), t.yields(),
                t.blocks(), t.migrations(), t.steals(), t.attr()));
    }
}
