package skyloft.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import skyloft.spi.StopReason;

/**
 * A finished trace: the events of one run of a host with {@code cpus} CPUs between
 * {@code startNs} and {@code endNs}, plus the derived run slices the writers draw.
 *
 * @param title    what ran (scenario and policy), shown by the writers
 * @param cpus     number of CPUs (lanes)
 * @param startNs  origin of the time axis; writers print times relative to it
 * @param endNs    end of the run; a slice still open then is cut there
 * @param events   the events; kept in time order (ties in the order given)
 * @param dropped  events the recorder refused because it was full
 */
public record Trace(String title, int cpus, long startNs, long endNs, List<TraceEvent> events, long dropped) {

    /** A stretch of time one task ran on one CPU. {@code stop} is null if the run was cut by the end of the trace. */
    public record Slice(int cpu, long startNs, long endNs, long taskId, String taskName, StopReason stop) {
        public long durationNs() {
            return endNs - startNs;
        }
    }

    /** Sorts {@code events} by time, ties kept in the order given. The runtime and the simulator
     *  record in time order already (the runtime reads every time under its lock); the sort is for
     *  events from other sources, and is linear on events already in order. */
    public Trace {
        List<TraceEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(TraceEvent::timeNs)); // stable; linear when already in order
        events = List.copyOf(sorted);
    }

    /**
     * The colour group of a task: its name up to the first {@code '#'}. Tasks of one request
     * stream ({@code web#1}, {@code web#2}) share a group and so a colour and legend entry.
     */
    public static String group(String taskName) {
        if (taskName == null) return "?";
        int i = taskName.indexOf('#');
        return i > 0 ? taskName.substring(0, i) : taskName;
    }

    /** Run slices from RUN_START/RUN_STOP pairs, per CPU, in start order. */
    public List<Slice> slices() {
        List<Slice> out = new ArrayList<>();
        TraceEvent[] open = new TraceEvent[cpus];
        for (TraceEvent e : events) {
            if (e.cpu() < 0 || e.cpu() >= cpus) continue;
            if (e.kind() == TraceKind.RUN_START) {
                TraceEvent o = open[e.cpu()];
                if (o != null) out.add(new Slice(e.cpu(), o.timeNs(), e.timeNs(), o.taskId(), o.taskName(), null));
                open[e.cpu()] = e;
            } else if (e.kind() == TraceKind.RUN_STOP) {
                TraceEvent o = open[e.cpu()];
                if (o != null) {
                    out.add(new Slice(e.cpu(), o.timeNs(), e.timeNs(), o.taskId(), o.taskName(), StopReason.values()[(int) e.arg()]));
                    open[e.cpu()] = null;
                }
            }
        }
        for (TraceEvent o : open) {
            if (o != null) out.add(new Slice(o.cpu(), o.timeNs(), Math.max(o.timeNs(), endNs), o.taskId(), o.taskName(), null));
        }
        out.sort(Comparator.comparingLong(Slice::startNs).thenComparingInt(Slice::cpu));
        return out;
    }

    /** Colour groups in order of first appearance, each with the CPU time its slices add up to. */
    public Map<String, Long> groups() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            if (e.taskName() != null) out.putIfAbsent(group(e.taskName()), 0L);
        }
        for (Slice s : slices()) out.merge(group(s.taskName()), s.durationNs(), Long::sum);
        return out;
    }

    /** Events of one kind, in order. */
    public List<TraceEvent> ofKind(TraceKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Merges traces of the same host (one buffer per carrier, say) into one, ordered by time. */
    public static Trace merge(String title, int cpus, long startNs, long endNs, List<Trace> parts) {
        List<TraceEvent> all = new ArrayList<>();
        long dropped = 0;
        for (Trace t : parts) {
            all.addAll(t.events());
            dropped += t.dropped();
        }
        // the constructor sorts by time, stably: ties keep part order
        return new Trace(title, cpus, startNs, endNs, all, dropped);
    }
}
