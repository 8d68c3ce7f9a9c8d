package skyloft.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import skyloft.bench.AtomicFiles;
import skyloft.bench.Work;
import skyloft.policy.PolicyRegistry;
import skyloft.runtime.SkyloftRuntime;
import skyloft.spi.SchedAttr;
import skyloft.trace.PerfettoTraceWriter;
import skyloft.trace.SvgGanttWriter;
import skyloft.trace.Trace;
import skyloft.trace.TraceBuffer;

/** Runs a short real workload on the runtime and writes its trace like the simulator does. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Run a short real workload (one CPU hog per core, short requests, a sleeper) under a policy and write its "
                + "scheduling trace as Perfetto JSON and/or an SVG Gantt chart, the same formats as `skyloft sim`.")
final class TraceCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;

    @Option(names = "--policy", defaultValue = "rr", paramLabel = "P", description = "Policy (default ${DEFAULT-VALUE}), its parameters in brackets if wanted: eevdf[slice=20us]; see `skyloft policies`.")
    String policy;

    @Option(names = "--param", paramLabel = "K=V,...", description = "Policy parameters, e.g. slice=20us.")
    String params;

    @Option(names = "--cores", paramLabel = "N", description = "Carriers (default: every core, at most 2).")
    Integer cores;

    @Option(names = "--trace", paramLabel = "OUT.json", description = "Write Chrome/Perfetto trace-event JSON (ui.perfetto.dev opens it).")
    Path traceOut;

    @Option(names = "--gantt", paramLabel = "OUT.svg", description = "Write an SVG Gantt chart, one lane per carrier.")
    Path ganttOut;

    @Option(names = "--stats", description = "Print the runtime's per-CPU and per-task counters.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (traceOut == null && ganttOut == null) {
            throw new IllegalArgumentException("nothing to write: give --trace OUT.json and/or --gantt OUT.svg");
        }
        int max = Runtime.getRuntime().availableProcessors();
        int n = cores != null ? cores : Math.min(2, max);
        if (n < 1 || n > max) throw new IllegalArgumentException("--cores " + n + " is out of range; this machine allows 1.." + max);
        Work.itersPerUs();
        TraceBuffer buf = new TraceBuffer();
        PolicyRegistry.Spec spec = PolicyRegistry.Spec.parse(policy).with(PolicyRegistry.parseParams(params), "--param"); // rr[slice=20us] too
        SkyloftRuntime rt = SkyloftRuntime.builder().cores(n).policy(spec.name(), spec.params()).trace(buf).build();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) ts.add(rt.start("hog-" + i, SchedAttr.DEFAULT, () -> Work.spinUs(3_000)));
        ts.add(rt.start("sleeper", SchedAttr.DEFAULT, () -> {
            for (int i = 0; i < 5; i++) {
                Work.spinUs(20);
                LockSupport.parkNanos(300_000);
            }
        }));
        for (int i = 0; i < 40; i++) {
            ts.add(rt.start("req-" + i, SchedAttr.DEFAULT, () -> Work.spinUs(30)));
            LockSupport.parkNanos(100_000);
        }
        for (Thread t : ts) t.join(Duration.ofSeconds(60));
        rt.close();
        Trace trace = buf.toTrace("skyloft runtime, policy " + rt.policy().name() + ", " + n + " carrier(s)", n, rt.startNs(), System.nanoTime());
        if (traceOut != null) write(traceOut, w -> PerfettoTraceWriter.write(trace, w));
        if (ganttOut != null) write(ganttOut, w -> SvgGanttWriter.write(trace, w));
        System.out.printf("recorded %d events (%d dropped) from %d runs%n", trace.events().size(), trace.dropped(), trace.slices().size());
        if (stats) System.out.println(rt.stats().format());
        return 0;
    }

    private static void write(Path file, AtomicFiles.Body body) throws IOException {
        AtomicFiles.write(file, body);
        System.out.println("wrote " + file);
    }
}
