package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import skyloft.spi.SchedAttr;
import skyloft.trace.JfrRecorder;
import skyloft.trace.JfrSummary;

/** The runtime's scheduling events reach a JFR recording that enables them, and only then. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeJfrTest {

    @TempDir
    Path dir;

    private static void spin(long ns) {
        long end = System.nanoTime() + ns;
        while (System.nanoTime() < end) Skyloft.preemptionPoint();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> all, String type, Set<String> tasks) {
        return all.stream().filter(e -> e.getEventType().getName().equals(type) && tasks.contains(e.getString("task"))).toList();
    }

    /** What a recording saw of one runtime: its events, and its first carrier's switches and busy time. */
    private record Seen(List<RecordedEvent> events, long switches, long busyNs) {}

    private interface Body {
        void run(SkyloftRuntime rt) throws Exception;
    }

    /** Starts {@code rec}, runs {@code body} (which starts and joins its tasks) on a runtime
     *  built from {@code b}, closes it, stops {@code rec} and reads the recording back. */
    private Seen record(Recording rec, SkyloftRuntime.Builder b, Body body) throws Exception {
        rec.start();
        SkyloftRuntime rt = b.build();
        try {
            body.run(rt);
            assertTrue(rt.close(Duration.ofSeconds(10)).clean());
        } finally {
            rt.close(Duration.ZERO); // a no-op once closed; after a failure, no runtime outlives the test
        }
        rec.stop();
        Path file = Files.createTempFile(dir, "rec", ".jfr");
        rec.dump(file);
        RuntimeStats.Cpu cpu0 = rt.stats().cpus().get(0);
        return new Seen(RecordingFile.readAllEvents(file), cpu0.switches(), cpu0.busyNs());
    }

    /** Starts one task per name, each running {@code body}, and waits for them all. */
    private static void runTasks(SkyloftRuntime rt, Runnable body, String... names) throws InterruptedException {
        List<Thread> ts = Arrays.stream(names).map(n -> rt.start(n, SchedAttr.DEFAULT, body)).toList();
        for (Thread t : ts) assertTrue(t.join(Duration.ofSeconds(30)), t + " finished");
    }

    /** As {@link #runTasks}, but the bodies start together, once every task is started: a stall
     *  of the test thread between two starts cannot leave the first task to run alone. */
    private static void runTogether(SkyloftRuntime rt, Runnable body, String... names) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        Runnable gated = () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            body.run();
        };
        List<Thread> ts = Arrays.stream(names).map(n -> rt.start(n, SchedAttr.DEFAULT, gated)).toList();
        go.countDown();
        for (Thread t : ts) assertTrue(t.join(Duration.ofSeconds(30)), t + " finished");
    }

    private static SkyloftRuntime.Builder oneCarrier(String policy) {
        return SkyloftRuntime.builder().cores(1).policy(policy).pin(false);
    }

    @Test
    void everyRunAndPreemptionIsRecordedWhenEnabled() throws Exception {
        Seen seen;
        try (Recording rec = new Recording()) {
            rec.enable("skyloft.TaskRun").withThreshold(Duration.ZERO);
            rec.enable("skyloft.Preemption").withThreshold(Duration.ZERO);
            rec.enable("skyloft.Enqueue");
            seen = record(rec, oneCarrier("rr").param("slice", "200us"),
                    rt -> runTogether(rt, () -> spin(20_000_000), "jfr-spinner-a", "jfr-spinner-b"));
        }
        List<RecordedEvent> events = seen.events();
        long switches = seen.switches();
        Set<String> ours = Set.of("jfr-spinner-a", "jfr-spinner-b");

        List<RecordedEvent> runs = named(events, "skyloft.TaskRun", ours);
        assertEquals(switches, runs.size(), "one TaskRun per switch, with the threshold at 0");
        assertTrue(runs.stream().allMatch(e -> e.getInt("cpu") == 0), "one carrier: every run on CPU 0");
        assertTrue(runs.stream().allMatch(e -> Set.of("preempt", "yield", "block", "exit").contains(e.getString("stopReason"))));
        assertEquals(2, runs.stream().filter(e -> e.getString("stopReason").equals("exit")).count(), "each task exits once");
        assertTrue(runs.stream().anyMatch(e -> e.getString("stopReason").equals("preempt")), "two 20-ms spinners under 200-us slices are preempted");
        // The runtime's run times add up to the CPU's busy time exactly; JFR's durations are
        // shorter by the scheduling pass before each pick's report (see JfrRecorder).
        assertTrue(runs.stream().allMatch(e -> e.getDuration().toNanos() > 0 && e.getLong("runTime") > 0));
        assertEquals(seen.busyNs(), runs.stream().mapToLong(e -> e.getLong("runTime")).sum(), "runTime sums to the CPU's busy time");

        // Requests come from the tick in the spinner's own poll, a virtual thread: the carrier
        // commits them at the stop, and the preempted runs above were not lost to that.
        List<RecordedEvent> preempts = named(events, "skyloft.Preemption", ours);
        long preemptedRuns = runs.stream().filter(e -> e.getString("stopReason").equals("preempt")).count();
        assertEquals(preemptedRuns, preempts.stream().filter(e -> e.getBoolean("delivered")).count(), "one delivered preemption per preempted run");
        assertTrue(preempts.stream().allMatch(e -> e.getString("by").equals("tick")), "rr's slices end by its tick");
        assertTrue(preempts.stream().allMatch(e -> e.getThread() != null && !e.getThread().isVirtual()), "committed by the carrier");

        List<RecordedEvent> enqueues = named(events, "skyloft.Enqueue", ours);
        assertEquals(2, enqueues.stream().filter(e -> e.getString("reason").equals("new")).count());
        assertEquals(preemptedRuns, enqueues.stream().filter(e -> e.getString("reason").equals("preempted")).count());
    }

    /** The settings file in the repository's root, which the README gives to -XX:StartFlightRecording. */
    @Test
    void theShippedSettingsFileRecordsEveryRunAndPreemption() throws Exception {
        Seen seen;
        try (Recording rec = new Recording(Configuration.create(Path.of("..", "skyloft.jfc")))) {
            seen = record(rec, oneCarrier("rr").param("slice", "200us"),
                    rt -> runTogether(rt, () -> spin(10_000_000), "jfc-spinner-a", "jfc-spinner-b"));
        }
        List<RecordedEvent> events = seen.events();
        long switches = seen.switches();
        Set<String> ours = Set.of("jfc-spinner-a", "jfc-spinner-b");
        List<RecordedEvent> runs = named(events, "skyloft.TaskRun", ours);
        assertEquals(switches, runs.size(), "threshold 0: every run");
        long preempted = runs.stream().filter(e -> e.getString("stopReason").equals("preempt")).count();
        assertTrue(preempted > 0);
        assertEquals(preempted, named(events, "skyloft.Preemption", ours).stream().filter(e -> e.getBoolean("delivered")).count());
        List<RecordedEvent> enqueues = named(events, "skyloft.Enqueue", ours);
        assertEquals(2, enqueues.stream().filter(e -> e.getString("reason").equals("new")).count(), "the file turns Enqueue on");
        assertEquals(preempted, enqueues.stream().filter(e -> e.getString("reason").equals("preempted")).count());

        // skyloft jfr's summary of the same events: every enqueue paired with its task's next run
        var ourEvents = events.stream().filter(e -> !e.getEventType().getName().startsWith("skyloft.")
                || !e.hasField("task") || ours.contains(e.getString("task"))).toList();
        JfrSummary.Summary sum = JfrSummary.summarize(ourEvents);
        assertEquals(preempted, sum.runsByStop().get("preempt").count());
        assertEquals(2, sum.runsByStop().get("exit").count());
        assertEquals(0, sum.unmatched(), sum.format());
        assertEquals(2, sum.waitsByReason().get("new").count(), sum.format());
        assertEquals(preempted, sum.waitsByReason().get("preempted").count(), sum.format());
        long spanNs = sum.spanNs();
        for (var d : sum.waitsByReason().values()) {
            assertTrue(d.sorted()[0] >= 0 && d.max() <= spanNs, "waits lie within the recording: " + sum.format());
        }
        // one carrier, two spinners, 200-us slices: a preempted spinner waits out the other's slice
        double p50 = sum.waitsByReason().get("preempted").pct(0.5);
        assertTrue(p50 >= 150_000, "a preempted spinner waits about a slice: " + sum.format());
        assertTrue(sum.format().contains("queue waits, from an enqueue to the task's next run"), sum.format());
    }

    @Test
    void byDefaultOnlyLongRunsAreRecordedAndNothingWithoutARecording() throws Exception {
        assertFalse(new JfrRecorder().enabled(), "no recording is running, so the recorder is off");
        Seen seen;
        try (Recording rec = new Recording()) {
            rec.enable("skyloft.TaskRun"); // its own default threshold: 1 ms
            seen = record(rec, oneCarrier("fifo"), rt -> {
                assertTrue(new JfrRecorder().enabled(), "a recording enables it");
                runTasks(rt, () -> spin(5_000_000), "jfr-hog");
                runTasks(rt, () -> { for (int i = 0; i < 100; i++) Thread.yield(); }, "jfr-pinger", "jfr-ponger");
            });
        }
        List<RecordedEvent> events = seen.events();
        long switches = seen.switches();
        List<RecordedEvent> hogRuns = named(events, "skyloft.TaskRun", Set.of("jfr-hog"));
        assertEquals(1, hogRuns.size(), "fifo runs the hog once, for over 1 ms");
        assertTrue(hogRuns.getFirst().getDuration().toNanos() >= 5_000_000);
        long recorded = named(events, "skyloft.TaskRun", Set.of("jfr-hog", "jfr-pinger", "jfr-ponger")).size();
        assertTrue(switches >= 200 && recorded < switches, "the 1-ms threshold drops the short runs: " + recorded + " of " + switches);
        assertTrue(events.stream().noneMatch(e -> e.getEventType().getName().equals("skyloft.Preemption")
                || e.getEventType().getName().equals("skyloft.Enqueue")), "events disabled by default stay out");
    }

    @Test
    void carrierStatsReportEachPeriodsBusyShareAndSwitches() throws Exception {
        Seen seen;
        String[] name = new String[1];
        oneCarrier("fifo").build().close(); // registers the event class, if no earlier test did
        try (Recording rec = new Recording()) {
            rec.enable("skyloft.CarrierStats").withPeriod(Duration.ofMillis(50));
            // the hogs spin 300 ms and until they have taken turns 400 times (20 s at most): a
            // loaded machine stretches the slices, and a fixed time alone may hold too few
            AtomicInteger turns = new AtomicInteger();
            AtomicReference<Thread> last = new AtomicReference<>();
            seen = record(rec, oneCarrier("rr").param("slice", "1ms"), rt -> {
                name[0] = rt.name();
                runTogether(rt, () -> {
                    Thread me = Thread.currentThread();
                    long start = System.nanoTime();
                    for (long now = start; now - start < 300_000_000 || turns.get() < 400 && now - start < 20_000_000_000L;
                            now = System.nanoTime()) {
                        Skyloft.preemptionPoint();
                        if (last.get() != me) {
                            last.set(me);
                            turns.incrementAndGet();
                        }
                    }
                }, "stats-hog-a", "stats-hog-b");
            });
        }
        List<RecordedEvent> stats = seen.events().stream()
                .filter(e -> e.getEventType().getName().equals("skyloft.CarrierStats") && e.getString("runtime").equals(name[0])).toList();
        assertTrue(stats.size() >= 3, "a 300-ms run with 50-ms periods: " + stats.size() + " events");
        assertTrue(stats.stream().allMatch(e -> e.getInt("cpu") == 0 && e.getDouble("busy") >= 0 && e.getDouble("busy") <= 1
                && e.getLong("periodNs") > 0), stats.toString());
        assertTrue(stats.stream().anyMatch(e -> e.getDouble("busy") > 0.8), "two hogs keep the carrier busy: " + stats);
        long switches = stats.stream().mapToLong(e -> e.getLong("switches")).sum();
        long preemptions = stats.stream().mapToLong(e -> e.getLong("preemptions")).sum();
        assertTrue(switches > 100 && switches <= seen.switches(), "periods' switches " + switches + " of " + seen.switches());
        assertTrue(preemptions > 100 && preemptions <= switches, "1-ms slices preempt: " + preemptions);
    }
}
