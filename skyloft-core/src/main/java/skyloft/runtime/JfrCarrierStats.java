package skyloft.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The periodic JFR event {@code skyloft.CarrierStats}: once a period (1 s by default, on while
 * a recording runs), one event per carrier of every open runtime built with JFR reporting on,
 * saying what the carrier did since the last one: the share of the time it ran tasks, and its
 * switches, preemptions delivered, steals and ticks. JDK Mission Control plots them over time,
 * beside the JVM's own CPU and GC events.
 *
 * <p>Concurrency: runtimes register at construction and leave at close (any thread); JFR's
 * periodic thread calls {@link #emit}, which takes each runtime's lock once for its carriers'
 * counters ({@link SkyloftRuntime#cpuSample}) and keeps the sample for the next period. The
 * first event of a runtime covers the time since it started.
 */
final class JfrCarrierStats {
    private JfrCarrierStats() {}

    @Name("skyloft.CarrierStats")
    @Label("Carrier Stats")
    @Category("Skyloft")
    @Description("What one Skyloft carrier did over the last period")
    @Period("1 s")
    @StackTrace(false)
    static final class CarrierStatsEvent extends Event {
        @Label("Runtime") String runtime;
        @Label("CPU") @Description("The runtime's CPU index of the carrier") int cpu;
        @Label("Busy") @Description("Share of the period the carrier ran tasks") @Percentage double busy;
        @Label("Switches") long switches;
        @Label("Preemptions") @Description("Preemptions delivered") long preemptions;
        @Label("Steals") long steals;
        @Label("Ticks") long ticks;
        @Label("Period") @Timespan(Timespan.NANOSECONDS) long periodNs;
    }

    /** The carriers' counters at one time. */
    record Sample(long timeNs, List<RuntimeStats.Cpu> cpus) {}

    /** Open runtimes that report to JFR, each with its last sample (null before the first). */
    private static final Map<SkyloftRuntime, Sample> OPEN = new ConcurrentHashMap<>();
    /** Stands for "no sample yet" in {@link #OPEN}, which holds no nulls. */
    private static final Sample NONE = new Sample(0, List.of());

    static {
        // registering the event class initializes nothing, but costs about 0.1 s before JFR is
        // initialized: wait for it (JfrRecorder's listener)
        skyloft.trace.JfrRecorder.whenHookedUp(() -> FlightRecorder.addPeriodicEvent(CarrierStatsEvent.class, JfrCarrierStats::emit));
    }

    static void open(SkyloftRuntime rt) {
        OPEN.put(rt, NONE);
    }

    static void close(SkyloftRuntime rt) {
        OPEN.remove(rt);
    }

    private static void emit() {
        for (Map.Entry<SkyloftRuntime, Sample> e : OPEN.entrySet()) {
            SkyloftRuntime rt = e.getKey();
            Sample now = rt.cpuSample();
            Sample last = e.getValue();
            long fromNs = last == NONE ? rt.startNs() : last.timeNs();
            long periodNs = Math.max(1, now.timeNs() - fromNs);
            for (RuntimeStats.Cpu c : now.cpus()) {
                RuntimeStats.Cpu before = last == NONE ? null : last.cpus().get(c.cpu());
                CarrierStatsEvent ev = new CarrierStatsEvent();
                ev.runtime = rt.name();
                ev.cpu = c.cpu();
                // Runs are counted between clock reads inside the same window, so this is at most 1.
                ev.busy = (c.busyNs() - (before == null ? 0 : before.busyNs())) / (double) periodNs;
                ev.switches = c.switches() - (before == null ? 0 : before.switches());
                ev.preemptions = c.preemptDelivered() - (before == null ? 0 : before.preemptDelivered());
                ev.steals = c.steals() - (before == null ? 0 : before.steals());
                ev.ticks = c.ticks() - (before == null ? 0 : before.ticks());
                ev.periodNs = periodNs;
                ev.commit();
            }
            OPEN.replace(rt, last, now); // unless close() removed it meanwhile
        }
    }
}
