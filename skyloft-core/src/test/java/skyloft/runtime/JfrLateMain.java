package skyloft.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import skyloft.spi.SchedAttr;

/**
 * Run by {@code JfrLazyTest} in a JVM of its own: builds a runtime, says whether that
 * initialized JFR, then starts a recording (JFR initializes now) and counts the runtime's
 * TaskRun events of a few yields.
 */
public final class JfrLateMain {
    public static void main(String[] args) throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy("fifo").build()) {
            rt.start("before", SchedAttr.DEFAULT, () -> Thread.yield()).join(Duration.ofSeconds(10));
            System.out.println("initialized.after.build=" + FlightRecorder.isInitialized()
                    + " registered.after.build=" + skyloft.trace.JfrRecorder.registered());
            try (Recording rec = new Recording()) {
                rec.enable("skyloft.TaskRun").withThreshold(Duration.ZERO);
                rec.start();
                System.out.println("registered.after.start=" + skyloft.trace.JfrRecorder.registered());
                Thread t = rt.start("late", SchedAttr.DEFAULT, () -> {
                    for (int i = 0; i < 10; i++) Thread.yield();
                });
                t.join(Duration.ofSeconds(10));
                // join returns once the thread has ended, which can be before its carrier commits
                // the last run's event: a task on the same (only) carrier runs after that commit
                rt.start("fence", SchedAttr.DEFAULT, () -> { }).join(Duration.ofSeconds(10));
                rec.stop();
                Path f = Files.createTempFile("late", ".jfr");
                rec.dump(f);
                long runs = RecordingFile.readAllEvents(f).stream()
                        .filter(e -> e.getEventType().getName().equals("skyloft.TaskRun") && "late".equals(e.getString("task"))).count();
                Files.delete(f);
                System.out.println("late.runs=" + runs);
            }
        }
    }
}
