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
import jdk.jfr.Timespan;
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
 *     (duration event, committed by the carrier thread): cpu, task, task id, stop reason, stolen,
 *     and the host's time of the pick</td>
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
 * refused ("doesn't exist"): these classes register when the first runtime is built (or, if JFR
 * is not initialized then, when it is), after a command-line recording has started.
 * Start times and durations are JFR's own (taken when the host reports the event, under its
 * scheduler lock); only TaskRun's {@code runTime} and {@code pickNs} and Enqueue's
 * {@code hostTimeNs} come from the host's {@code timeNs}, so that an enqueue and the next run of
 * its task can be compared on one clock ({@link JfrSummary}). The recorder is for the runtime
 * only: the simulator's virtual time has no place in a JFR recording.
 *
 * <p>Two run times. A TaskRun's JFR duration runs from the pick's report to the stop's report.
 * Its {@code runTime} field is the runtime's own figure, from the clock read that starts the
 * carrier's pass that picks the task to the one that starts the pass that finishes it. The
 * {@code runTime}s of a CPU add up to its busy time in the stats. The JFR duration is shorter
 * by the pass's work before the pick's report: finishing the previous task, draining wakeups,
 * the policy's pick, and the JFR commits those make. It is longer by the work before the stop's
 * report, which is less: the run's end is taken first thing, before any commit. Measured in
 * RuntimeJfrTest's cold JVM (before that reordering), the runs that differed by more than 20 us
 * were 21 to 330 us shorter in JFR, some 200-us runs as short as 40 us. The difference matched
 * the two lags (from each pass's clock read to the report) to within a microsecond. Earlier
 * runs of throwaway programs found the sums 6 to 20% short.
 *
 * <p>Only platform threads commit. A JFR commit made by a virtual thread between a carrier's
 * {@code begin()} and {@code commit()} of a duration event loses that event (measured on JDK
 * 25: with preemption requests committed from the poll, every preempted run's TaskRun was
 * lost). So an event reported while a task runs (a tick or a drained wakeup in a poll) is kept
 * and committed by the next report from a platform thread: a Preemption at the stop it ends
 * in, an Enqueue at the next report, with the host's time of the enqueue in its
 * {@code hostTimeNs} field. The task's own commits are beyond reach: with the JDK's default
 * settings on, a task that sleeps, parks or waits on a monitor for 20 ms or more commits a JDK
 * event when it resumes, and that run's TaskRun is lost (one of 6007 runs in a program that
 * slept 300 ms once; none with {@code skyloft.jfc} alone).
 *
 * <p>Cost: with no recording, {@link #enabled} is one read of a flag that a JFR listener keeps
 * (about 5 ns per switch when it read the four events' own flags instead: bench yield, fifo),
 * and the hosts skip {@link #record}. While recording, each run allocates one event object. The
 * event classes register with JFR only once JFR is initialized in the JVM (a recording on the
 * command line, {@code jcmd JFR.start}, the Recording API): registering them in a JVM that never
 * records cost about 0.1 s at the first runtime's build.
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
        @Label("Run Time") @Description("From the pick to the stop by the runtime's clock (System.nanoTime)")
        @Timespan(Timespan.NANOSECONDS) long runTime;
        @Label("Host Pick Time") @Description("System.nanoTime() of the scheduling pass that picked the task, the clock of Enqueue's hostTimeNs")
        long pickNs;
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

    /** Instances used only to ask whether their type is enabled in some recording. Made once JFR
     *  is initialized ({@link #hookUp}): the first instance of an event class registers it, which
     *  costs about 0.1 s in a JVM whose JFR is not initialized, and a process that never records
     *  should not pay it. */
    private static final class Probes {
        static final TaskRunEvent RUN = new TaskRunEvent();
        static final PreemptEvent PREEMPT = new PreemptEvent();
        static final EnqueueEvent ENQUEUE = new EnqueueEvent();
        static final MigrationEvent MIGRATION = new MigrationEvent();
    }

    /** The reasons' names as the events show them, made once: record runs under the host's lock. */
    private static final String[] STOPS = lowerNames(StopReason.values());
    private static final String[] REASONS = lowerNames(EnqueueReason.values());

    private static String[] lowerNames(Enum<?>[] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i].name().toLowerCase(Locale.ROOT);
        return out;
    }

    /** The open run per CPU (begun at RUN_START, committed at RUN_STOP); under the host's lock. */
    private TaskRunEvent[] runs = new TaskRunEvent[2];
    /** The open preemption per CPU (begun at its request, committed at the stop); under the lock. */
    private PreemptEvent[] preempts = new PreemptEvent[2];
    /** Enqueues reported by virtual threads, committed at the next report of a platform thread. */
    private final ArrayDeque<EnqueueEvent> deferred = new ArrayDeque<>();

    /**
     * Whether a recording enables any of the events: written by the JFR listener below when a
     * recording changes state (and once JFR is initialized), read at every trace site. False,
     * and no event class touched, while JFR is not initialized in this JVM.
     */
    private static volatile boolean anyEnabled;
    /** Whether JFR is initialized and the events registered: written once, by {@link #hookUp}. */
    private static volatile boolean hookedUp;
    /** What waits for JFR's initialization ({@link #whenHookedUp}); each runs once. Declared
     *  before the listener below, which may call {@link #hookUp} during this class's initialization. */
    private static final java.util.List<Runnable> WHEN_HOOKED_UP = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Object HOOK_LOCK = new Object();

    static {
        // Cheap, and it does not initialize JFR: recorderInitialized runs at once if JFR is
        // already initialized (a command-line recording), else when something initializes it
        // later (jcmd JFR.start, the Recording API).
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                hookUp();
            }

            @Override
            public void recordingStateChanged(Recording recording) {
                if (hookedUp) refresh();
            }
        });
    }

    /** JFR is initialized: registers the event classes (their first instances), reads what the
     *  recordings enable, and runs what waited ({@link #whenHookedUp}), with no lock of ours held
     *  while JFR's own run. */
    private static void hookUp() {
        synchronized (HOOK_LOCK) {
            if (hookedUp) return;
            hookedUp = true;
        }
        refresh();
        for (Runnable r : WHEN_HOOKED_UP) r.run();
    }

    /** Whether the event classes are registered with JFR (JFR was initialized in this JVM). */
    public static boolean registered() {
        return hookedUp;
    }

    /** Runs {@code r} once, when JFR is initialized (at once if it is): for what must register with
     *  JFR, such as a periodic event, without initializing it. */
    public static void whenHookedUp(Runnable r) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) r.run();
        };
        WHEN_HOOKED_UP.add(once);
        if (hookedUp) once.run();
    }

    private static void refresh() {
        anyEnabled = Probes.RUN.isEnabled() || Probes.PREEMPT.isEnabled() || Probes.ENQUEUE.isEnabled() || Probes.MIGRATION.isEnabled();
    }

    @Override
    public boolean enabled() {
        return anyEnabled;
    }

    @Override
    public void record(long timeNs, TraceKind kind, int cpu, Task task, long arg) {
        TaskRunEvent stopping = null;
        if (kind == TraceKind.RUN_STOP && cpu >= 0 && cpu < runs.length && (stopping = runs[cpu]) != null) {
            runs[cpu] = null;
            stopping.end(); // before any commit below: JFR's end as near the host's stop as it can be
        }
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
                e.pickNs = timeNs;
                e.cpu = cpu;
                e.task = task.name();
                e.taskId = task.id();
                e.stolen = arg != 0;
                runs[cpu] = e;
            }
            case RUN_STOP -> {
                if (cpu >= 0 && cpu < preempts.length && preempts[cpu] != null) {
                    PreemptEvent p = preempts[cpu];
                    preempts[cpu] = null;
                    p.end();
                    p.delivered = arg == StopReason.PREEMPT.ordinal();
                    if (p.shouldCommit()) p.commit();
                }
                if (stopping != null && stopping.shouldCommit()) { // null: it began before a recording enabled it
                    stopping.stopReason = arg >= 0 && arg < STOPS.length ? STOPS[(int) arg] : Long.toString(arg);
                    stopping.runTime = timeNs - stopping.pickNs;
                    stopping.commit();
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
                e.reason = arg >= 0 && arg < REASONS.length ? REASONS[(int) arg] : Long.toString(arg);
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
