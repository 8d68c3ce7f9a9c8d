package skyloft.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import skyloft.trace.JfrSummary;

/** {@code skyloft jfr FILE}: what a JFR recording says about the runtime's scheduling. */
@Command(name = "jfr", mixinStandardHelpOptions = true,
        description = {"Summarize the Skyloft events of a JFR recording (one made with settings=skyloft.jfc, e.g. under "
                + "skyloft run): task run times by why they stopped, queue waits from each enqueue to the task's next run by "
                + "why it was enqueued, preemption delivery delays, migrations and the carriers' busy share. Tells whether a "
                + "latency tail is spent in the runtime's queue or elsewhere."})
final class JfrCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A JFR recording (.jfr).")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("jfr: " + file + ": no such file");
        JfrSummary.Summary s;
        try {
            s = JfrSummary.read(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("jfr: " + file + " is not a readable JFR recording (" + e.getMessage() + ")", e);
        }
        if (s.runsByStop().isEmpty() && s.enqueues() == 0 && s.preemptions() == 0) {
            System.out.println(file + ": no Skyloft scheduling events; record with "
                    + "-XX:StartFlightRecording:filename=app.jfr,settings=default,settings=skyloft.jfc");
            return 0;
        }
        System.out.print(s.format());
        return 0;
    }
}
