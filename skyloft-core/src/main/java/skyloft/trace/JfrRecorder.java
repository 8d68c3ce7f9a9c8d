package skyloft.trace;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import skyloft.spi.EnqueueReason;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * A {@link TraceRecorder} that turns the runtime's scheduling events into JDK Flight Recorder
 * events, so that a JFR recording (JDK Mission Control, {@code jfr print}) shows which task ran
 * on which carrier, for how long, and why it stopped. Every runtime feeds one, beside any trace
 * it was given; it records only while a recording has its events enabled.
 *
 * <table>
 * <caption>Events (category "Skyloft")</caption>
 * <tr><th>name</th><th>what</th><th>default</th></tr>
 * <tr><td>{@code skyloft.TaskRun}</td><td>a task's run on a carrier, from its pick to its stop
 *     (duration event, committed by the carrier thread): cpu, task, task id, stop reason, stolen</td>
 *     <td>enabled, threshold 1 ms (the runs that held a carrier long)</td></tr>
 * <tr><td>{@code skyloft.Preemption}</td><td>a preemption, from its request to the stop of the
 *     task it was for (duration event: the delivery delay): cpu, task, by the tick or the
 *     policy, delivered (the task stopped by it, not by blocking first)</td><td>disabled (one
 *     per slice)</td></tr>
 * <tr><td>{@code skyloft.Enqueue}</td><td>a task went to the policy's queue: cpu, task, reason
 *     (new, wakeup, yield, preempted...), and the host's clock at that moment</td><td>disabled
 *     (one per switch)</td></tr>
 * <tr><td>{@code skyloft.Migration}</td><td>a task runs on another CPU than last time: from,
 *     to, task</td><td>disabled</td></tr>
 * </table>
 *
 * Enable them with a settings file, such as {@code skyloft.jfc} in the repository's root:
 * {@code -XX:StartFlightRecording:filename=app.jfr,settings=default,settings=skyloft.jfc}, or
 * with {@code Recording.enable}. The command line's {@code skyloft.TaskRun#threshold=0ms} form is
 * refused ("doesn't exist"): these classes register when the first runtime is built, after a
 * command-line recording has started.
 * Times are JFR's own (taken when the host reports the event, under its scheduler lock), not
 * the host's {@code timeNs}, so the recorder is for the runtime only: the simulator's virtual
 * time has no place in a JFR recording.
 *
 * <p>Not yet explained: on the 2-CPU VM of docs/BENCHMARKS.md, unpinned, the TaskRun durations
 * of a 1-carrier rr run added up to 6 to 20% less than the runtime's busy time for the same runs
 * (five runs of throwaway programs, not kept), and single runs of a 200-us slice came out as
 * short as 30 us in JFR (at least 167 us by the runtime's clock). JFR's clock agreed with
 * System.nanoTime() within 0.3% on a 20-ms spin of one platform thread (also a throwaway
 * program). Until that is understood, take run times from the runtime's stats or trace, and
 * counts, order and reasons from JFR.
 *
 * <p>Only platform threads commit. A JFR commit made by a virtual thread between a carrier's
 * {@code begin()} and {@code commit()} of a duration event loses that event (measured on JDK
 * 25: with preemption requests committed from the poll, every preempted run's TaskRun was
 * lost). So an event reported while a task runs (a tick or a drained wakeup in a poll) is kept
 * and committed by the next report from a platform thread: a Preemption at the stop it ends
 * in, an Enqueue at the next report, with the host's time of the enqueue in its
 * {@code hostTimeNs} field.
 *
 * <p>Cost: with no recording, {@link #enabled} is one read of a flag that a JFR listener keeps
 * (about 5 ns per switch when it read the four events' own flags instead: bench yield, fifo),
 * and the hosts skip {@link #record}. While recording, each run allocates one event object.
 *
 * <p>Concurrency: called by one runtime under its scheduler lock (see {@link TraceRecorder});
 * {@link #runs}, {@link #preempts} and {@link #deferred} are touched only there.
 */
public final class JfrRecorder implements TraceRecorder {

    @Name("skyloft.TaskRun")
    @Label("Task Run")
    @Category("Skyloft")
    @Description("A task's run on a Skyloft carrier, from the policy's pick to the task's stop")
    @Threshold("1 ms")
    @StackTrace(false)
    static final class TaskRunEvent extends Event {
        @Label("CPU") @Description("The runtime's CPU index of the carrier") int cpu;
        @Label("Task") String task;
        @Label("Task Id") long taskId;
        @Label("Stop Reason") @Description("preempt, yield, block or exit") String stopReason;
        @Label("Stolen") @Description("Taken from another CPU's queue") boolean stolen;
    }

    @Name("skyloft.Preemption")
    @Label("Preemption")
    @Category("Skyloft")
    @Description("A preemption of a carrier's task, from its request to the task's stop")
    @Enabled(false)
    @StackTrace(false)
    static final class PreemptEvent extends Event {
        @Label("CPU") int cpu;
        @Label("Task") String task;
        @Label("Task Id") long taskId;
        @Label("By") @Description("tick: the policy's tick ended the slice; policy: requestPreempt") String by;
        @Label("Delivered") @Description("The task stopped by this preemption, not by blocking, yielding or exiting first") boolean delivered;
    }

    @Name("skyloft.Enqueue")
    @Label("Enqueue")
    @Category("Skyloft")
    @Description("A task was handed to the policy's queue")
    @Enabled(false)
    @StackTrace(false)
    static final class EnqueueEvent extends Event {
        @Label("CPU") int cpu;
        @Label("Task") String task;
        @Label("Task Id") long taskId;
        @Label("Reason") String reason;
        @Label("Host Time") @Description("System.nanoTime() when the task was enqueued") long hostTimeNs;
    }

    @Name("skyloft.Migration")
    @Label("Migration")
    @Category("Skyloft")
    @Description("A task starts running on another CPU than the one it last ran on")
    @Enabled(false)
    @StackTrace(false)
    static final class MigrationEvent extends Event {
        @Label("From CPU") int fromCpu;
        @Label("To CPU") int toCpu;
        @Label("Task") String task;
        @Label("Task Id") long taskId;
    }

    // Instances used only to ask whether their type is enabled in some recording.
    private static final TaskRunEvent RUN_PROBE = new TaskRunEvent();
    private static final PreemptEvent PREEMPT_PROBE = new PreemptEvent();
    private static final EnqueueEvent ENQUEUE_PROBE = new EnqueueEvent();
    private static final MigrationEvent MIGRATION_PROBE = new MigrationEvent();

    private static final StopReason[] STOPS = StopReason.values();
    private static final EnqueueReason[] REASONS = EnqueueReason.values();

    /** The open run per CPU (begun at RUN_START, committed at RUN_STOP); under the host's lock. */
    private TaskRunEvent[] runs = new TaskRunEvent[2];
    /** The open preemption per CPU (begun at its request, committed at the stop); under the lock. */
    private PreemptEvent[] preempts = new PreemptEvent[2];
    /** Enqueues reported by virtual threads, committed at the next report of a platform thread. */
    private final ArrayDeque<EnqueueEvent> deferred = new ArrayDeque<>();

    /**
     * Whether a recording enables any of the events: written by the JFR listener below when a
     * recording changes state (and once at class initialization), read at every trace site.
     */
    private static volatile boolean anyEnabled;

    static {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recordingStateChanged(Recording recording) {
                refresh();
            }
        });
        refresh();
    }

    private static void refresh() {
        anyEnabled = RUN_PROBE.isEnabled() || PREEMPT_PROBE.isEnabled() || ENQUEUE_PROBE.isEnabled() || MIGRATION_PROBE.isEnabled();
    }

    @Override
    public boolean enabled() {
        return anyEnabled;
    }

    @Override
    public void record(long timeNs, TraceKind kind, int cpu, Task task, long arg) {
        boolean platform = !Thread.currentThread().isVirtual();
        if (platform && !deferred.isEmpty()) {
            for (EnqueueEvent e; (e = deferred.poll()) != null; ) e.commit();
        }
        switch (kind) {
            case RUN_START -> {
                if (cpu < 0) return;
                TaskRunEvent e = new TaskRunEvent();
                if (!e.isEnabled()) return;
                if (cpu >= runs.length) runs = Arrays.copyOf(runs, Math.max(cpu + 1, runs.length * 2));
                e.begin();
                e.cpu = cpu;
                e.task = task.name();
                e.taskId = task.id();
                e.stolen = arg != 0;
                runs[cpu] = e;
            }
            case RUN_STOP -> {
                String why = arg >= 0 && arg < STOPS.length ? STOPS[(int) arg].name().toLowerCase(Locale.ROOT) : Long.toString(arg);
                if (cpu >= 0 && cpu < preempts.length && preempts[cpu] != null) {
                    PreemptEvent p = preempts[cpu];
                    preempts[cpu] = null;
                    p.end();
                    p.delivered = arg == StopReason.PREEMPT.ordinal();
                    if (p.shouldCommit()) p.commit();
                }
                if (cpu < 0 || cpu >= runs.length || runs[cpu] == null) return; // began before a recording enabled it
                TaskRunEvent e = runs[cpu];
                runs[cpu] = null;
                e.end();
                if (e.shouldCommit()) {
                    e.stopReason = why;
                    e.commit();
                }
            }
            case PREEMPT_REQUEST -> {
                if (cpu < 0) return;
                if (cpu >= preempts.length) preempts = Arrays.copyOf(preempts, Math.max(cpu + 1, preempts.length * 2));
                if (preempts[cpu] != null) return; // the first request until the stop counts
                PreemptEvent e = new PreemptEvent();
                if (!e.isEnabled()) return;
                e.begin();
                e.cpu = cpu;
                e.task = task != null ? task.name() : null;
                e.taskId = task != null ? task.id() : -1;
                e.by = arg == 0 ? "tick" : "policy";
                preempts[cpu] = e;
            }
            case ENQUEUE -> {
                EnqueueEvent e = new EnqueueEvent();
                if (!e.shouldCommit()) return;
                e.cpu = cpu;
                e.task = task.name();
                e.taskId = task.id();
                e.reason = arg >= 0 && arg < REASONS.length ? REASONS[(int) arg].name().toLowerCase(Locale.ROOT) : Long.toString(arg);
                e.hostTimeNs = timeNs;
                if (platform) e.commit();
                else deferred.add(e);
            }
            case MIGRATE -> { // reported by the picking carrier, a platform thread
                MigrationEvent e = new MigrationEvent();
                if (!e.shouldCommit()) return;
                e.fromCpu = (int) arg;
                e.toCpu = cpu;
                e.task = task.name();
                e.taskId = task.id();
                e.commit();
            }
            default -> { } // lifecycle, idle and job events: the trace has them; JFR has its own thread events
        }
    }
}
