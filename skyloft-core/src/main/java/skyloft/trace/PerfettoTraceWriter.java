package skyloft.trace;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import skyloft.spi.EnqueueReason;
import skyloft.util.Json;

/**
 * Writes a {@link Trace} as Chrome trace-event JSON, which ui.perfetto.dev and chrome://tracing
 * open. Layout: one process (the run's title) with one thread per CPU ({@code tid = cpu + 1},
 * named "CPU n") holding a complete event ({@code ph:"X"}) per run slice, named after the task;
 * instant events ({@code ph:"i"}) for wakeups, steals, preemption requests and migrations on the CPU's
 * thread; and a last thread "jobs" ({@code tid = cpus + 1}) with job releases, completions and
 * deadline misses. Timestamps are microseconds from {@link Trace#startNs()} with ns precision.
 */
public final class PerfettoTraceWriter {
    private PerfettoTraceWriter() {}

    public static void write(Trace trace, Writer out) throws IOException {
        int jobsTid = trace.cpus() + 1;
        out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
        String title = trace.title() + (trace.dropped() > 0 ? " (" + trace.dropped() + " events dropped: buffer full)" : "");
        out.write("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":" + quote(title) + "}}");
        for (int c = 0; c < trace.cpus(); c++) {
            out.write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + (c + 1) + ",\"args\":{\"name\":\"CPU " + c + "\"}}");
            out.write(",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" + (c + 1) + ",\"args\":{\"sort_index\":" + c + "}}");
        }
        out.write(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + jobsTid + ",\"args\":{\"name\":\"jobs\"}}");
        out.write(",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" + jobsTid + ",\"args\":{\"sort_index\":" + trace.cpus() + "}}");
        for (Trace.Slice s : trace.slices()) {
            out.write(",\n{\"name\":" + quote(s.taskName()) + ",\"cat\":" + quote(Trace.group(s.taskName()))
                    + ",\"ph\":\"X\",\"pid\":1,\"tid\":" + (s.cpu() + 1)
                    + ",\"ts\":" + us(s.startNs() - trace.startNs()) + ",\"dur\":" + us(s.durationNs())
                    + ",\"args\":{\"task_id\":" + s.taskId() + ",\"stop\":" + quote(s.stop() == null ? "END_OF_TRACE" : s.stop().name()) + "}}");
        }
        for (TraceEvent e : trace.events()) {
            String name = switch (e.kind()) {
                case ENQUEUE -> e.arg() == EnqueueReason.WAKEUP.ordinal() ? "wakeup" : null;
                case RUN_START -> e.arg() == 1 ? "steal" : null;
                case PREEMPT_REQUEST -> e.arg() == 0 ? "preempt (tick)" : "preempt (request)";
                case MIGRATE -> "migrate from CPU " + e.arg();
                case JOB_RELEASE -> "release";
                case JOB_COMPLETE -> "complete";
                case DEADLINE_MISS -> "DEADLINE MISS";
                default -> null;
            };
            if (name == null) continue;
            boolean jobs = e.kind() == TraceKind.JOB_RELEASE || e.kind() == TraceKind.JOB_COMPLETE || e.kind() == TraceKind.DEADLINE_MISS;
            int tid = jobs || e.cpu() < 0 || e.cpu() >= trace.cpus() ? jobsTid : e.cpu() + 1;
            String label = e.taskName() == null ? name : name + " " + e.taskName();
            out.write(",\n{\"name\":" + quote(label) + ",\"cat\":\"" + e.kind().name().toLowerCase(Locale.ROOT)
                    + "\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" + tid + ",\"ts\":" + us(e.timeNs() - trace.startNs())
                    + ",\"args\":{\"task\":" + (e.taskName() == null ? "null" : quote(e.taskName()))
                    + ",\"task_id\":" + e.taskId() + ",\"cpu\":" + e.cpu() + ",\"arg\":" + e.arg() + "}}");
        }
        out.write("\n]}\n");
        out.flush();
    }

    /** Nanoseconds as microseconds with three decimals, no exponent. */
    static String us(long ns) {
        long whole = ns / 1000;
        long frac = Math.abs(ns % 1000);
        String sign = ns < 0 && whole == 0 ? "-" : "";
        return frac == 0 ? sign + whole : sign + whole + "." + String.format(Locale.ROOT, "%03d", frac);
    }

    static String quote(String s) {
        return Json.quote(s);
    }

}
