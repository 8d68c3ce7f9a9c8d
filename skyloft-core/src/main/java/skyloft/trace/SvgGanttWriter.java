package skyloft.trace;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import skyloft.util.Xml;

/**
 * Draws a {@link Trace} as an SVG Gantt chart a person can read: one lane per CPU with a box
 * per run slice coloured by task group ({@link Trace#group}), a row of red markers (and red
 * dashed lines across the lanes) at deadline misses, a time axis labelled in ns, us, ms or s,
 * and a legend giving each group's colour and share of the CPU time. Hovering a box shows the
 * task, its times and why it stopped.
 *
 * <p>Meant for short runs (up to some thousands of slices); slices narrower than a pixel are
 * still drawn, 0.5 px wide.
 */
public final class SvgGanttWriter {
    private SvgGanttWriter() {}

    /** Task colours, in order of first appearance; red is kept for deadline misses. */
    private static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f",
        "#bab0ac", "#86bcb6", "#8cd17d", "#f1ce63", "#a0cbe8", "#ffbe7d", "#d4a6c8", "#499894",
        "#79706e", "#d37295", "#b6992d", "#fabfd2",
    };
    private static final String MISS_COLOUR = "#d62728";

    private static final int WIDTH = 1200;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int LANE = 32;
    private static final int LANE_GAP = 6;
    private static final int MISS_ROW = 26;
    private static final int AXIS = 40;
    private static final int LEGEND_ROW = 20;
    private static final int LEGEND_COLS = 4;
    private static final int MAX_MISS_LABELS = 60;

    public static void write(Trace trace, Writer out) throws IOException {
        long start = trace.startNs();
        long span = Math.max(1, trace.endNs() - start);
        int plotW = WIDTH - LEFT - RIGHT;
        int cpus = trace.cpus();
        int lanesBottom = TOP + cpus * (LANE + LANE_GAP);
        int missTop = lanesBottom;
        int axisTop = missTop + MISS_ROW;
        Map<String, Long> groups = trace.groups();
        List<String> names = new ArrayList<>(groups.keySet());
        Map<String, String> colour = new HashMap<>();
        for (int i = 0; i < names.size(); i++) colour.put(names.get(i), PALETTE[i % PALETTE.length]);
        int legendTop = axisTop + AXIS;
        int legendRows = (names.size() + LEGEND_COLS - 1) / LEGEND_COLS;
        int height = legendTop + legendRows * LEGEND_ROW + 20;

        StringBuilder sb = new StringBuilder(4096);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
          .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
          .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" fill=\"white\"/>\n");
        String title = trace.title() + (trace.dropped() > 0 ? " (" + trace.dropped() + " events dropped: buffer full)" : "");
        sb.append("<text x=\"").append(LEFT).append("\" y=\"24\" font-size=\"15\" font-weight=\"bold\">").append(xml(title)).append("</text>\n");

        // lanes
        for (int c = 0; c < cpus; c++) {
            int y = TOP + c * (LANE + LANE_GAP);
            sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(y).append("\" width=\"").append(plotW)
              .append("\" height=\"").append(LANE).append("\" fill=\"#f4f4f4\" stroke=\"#cccccc\"/>\n");
            sb.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(y + LANE / 2 + 4)
              .append("\" text-anchor=\"end\">CPU ").append(c).append("</text>\n");
        }
        sb.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(missTop + 17).append("\" text-anchor=\"end\" fill=\"")
          .append(MISS_COLOUR).append("\">misses</text>\n");

        // slices
        sb.append("<g id=\"slices\">\n");
        for (Trace.Slice s : trace.slices()) {
            double x0 = x(s.startNs() - start, span, plotW);
            double w = Math.max(0.5, x(s.endNs() - start, span, plotW) - x0);
            int y = TOP + s.cpu() * (LANE + LANE_GAP) + 2;
            String g = Trace.group(s.taskName());
            sb.append("<rect class=\"slice\" data-task=\"").append(xml(s.taskName())).append("\" x=\"").append(fmt(x0)).append("\" y=\"").append(y)
              .append("\" width=\"").append(fmt(w)).append("\" height=\"").append(LANE - 4).append("\" fill=\"").append(colour.get(g))
              .append("\"><title>").append(xml(s.taskName())).append(" on CPU ").append(s.cpu()).append(": ")
              .append(time(s.startNs() - start)).append(" to ").append(time(s.endNs() - start))
              .append(s.stop() == null ? "" : ", " + s.stop().name().toLowerCase(Locale.ROOT)).append("</title></rect>\n");
            if (w > 7.5 * s.taskName().length() + 4) {
                sb.append("<text x=\"").append(fmt(x0 + 3)).append("\" y=\"").append(y + LANE / 2 + 2)
                  .append("\" font-size=\"11\" fill=\"#111111\">").append(xml(s.taskName())).append("</text>\n");
            }
        }
        sb.append("</g>\n");

        // deadline misses
        List<TraceEvent> misses = trace.ofKind(TraceKind.DEADLINE_MISS);
        sb.append("<g id=\"misses\">\n");
        for (int i = 0; i < misses.size(); i++) {
            TraceEvent m = misses.get(i);
            double x = x(m.timeNs() - start, span, plotW);
            sb.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(fmt(x)).append("\" y2=\"")
              .append(missTop + 4).append("\" stroke=\"").append(MISS_COLOUR).append("\" stroke-dasharray=\"4,3\" stroke-width=\"1.5\"/>\n");
            sb.append("<path class=\"miss\" data-task=\"").append(xml(m.taskName())).append("\" d=\"M").append(fmt(x - 6)).append(' ').append(missTop + 6)
              .append(" L").append(fmt(x + 6)).append(' ').append(missTop + 6).append(" L").append(fmt(x)).append(' ').append(missTop + 16)
              .append(" Z\" fill=\"").append(MISS_COLOUR).append("\"><title>deadline miss: ").append(xml(m.taskName())).append(" at ")
              .append(time(m.timeNs() - start)).append("</title></path>\n");
            if (i < MAX_MISS_LABELS) {
                sb.append("<text x=\"").append(fmt(x + 8)).append("\" y=\"").append(missTop + 17).append("\" font-size=\"11\" fill=\"")
                  .append(MISS_COLOUR).append("\">").append(xml(m.taskName())).append(" @ ").append(time(m.timeNs() - start)).append("</text>\n");
            }
        }
        sb.append("</g>\n");

        // time axis
        long step = niceStep(span / 10.0);
        int axisY = axisTop + 4;
        sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(axisY).append("\" x2=\"").append(LEFT + plotW)
          .append("\" y2=\"").append(axisY).append("\" stroke=\"#333333\"/>\n");
        for (long t = 0; t <= span; t += step) {
            double x = x(t, span, plotW);
            sb.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(axisY).append("\" x2=\"").append(fmt(x))
              .append("\" y2=\"").append(axisY + 5).append("\" stroke=\"#333333\"/>\n");
            sb.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(fmt(x))
              .append("\" y2=\"").append(lanesBottom - LANE_GAP).append("\" stroke=\"#000000\" stroke-opacity=\"0.08\"/>\n");
            sb.append("<text class=\"tick\" x=\"").append(fmt(x)).append("\" y=\"").append(axisY + 18)
              .append("\" text-anchor=\"middle\">").append(tickLabel(t, step)).append("</text>\n");
        }
        sb.append("<text x=\"").append(LEFT + plotW).append("\" y=\"").append(axisY + 34)
          .append("\" text-anchor=\"end\" fill=\"#555555\">time since start (").append(unit(step)).append(")</text>\n");

        // legend
        long totalRun = 0;
        for (long v : groups.values()) totalRun += v;
        int colW = (WIDTH - LEFT) / LEGEND_COLS;
        for (int i = 0; i < names.size(); i++) {
            String g = names.get(i);
            int x = LEFT + (i % LEGEND_COLS) * colW;
            int y = legendTop + (i / LEGEND_COLS) * LEGEND_ROW;
            double pct = totalRun == 0 ? 0 : 100.0 * groups.get(g) / (span * (double) cpus);
            sb.append("<rect class=\"legend\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"12\" height=\"12\" fill=\"")
              .append(colour.get(g)).append("\"/>\n");
            sb.append("<text x=\"").append(x + 18).append("\" y=\"").append(y + 11).append("\">").append(xml(g))
              .append(String.format(Locale.ROOT, " (%.1f%% of the CPUs)", pct)).append("</text>\n");
        }
        sb.append("</svg>\n");
        out.write(sb.toString());
        out.flush();
    }

    private static double x(long relNs, long span, int plotW) {
        return LEFT + (double) relNs / span * plotW;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code roughNs} and at least 1. */
    static long niceStep(double roughNs) {
        long p = 1;
        while (true) {
            if (p >= roughNs) return p;
            if (2 * p >= roughNs) return 2 * p;
            if (5 * p >= roughNs) return 5 * p;
            p *= 10;
        }
    }

    private static String unit(long stepNs) {
        if (stepNs >= 1_000_000_000L) return "s";
        if (stepNs >= 1_000_000L) return "ms";
        if (stepNs >= 1_000L) return "us";
        return "ns";
    }

    private static String tickLabel(long tNs, long stepNs) {
        String u = unit(stepNs);
        long div = switch (u) {
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us" -> 1_000L;
            default -> 1L;
        };
        double v = (double) tNs / div;
        String s = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
        return s + u;
    }

    /** A time with a readable unit, e.g. 1.5ms, 250us. */
    static String time(long ns) {
        if (ns == 0) return "0";
        if (Math.abs(ns) >= 1_000_000_000L) return trim(ns / 1e9) + "s";
        if (Math.abs(ns) >= 1_000_000L) return trim(ns / 1e6) + "ms";
        if (Math.abs(ns) >= 1_000L) return trim(ns / 1e3) + "us";
        return ns + "ns";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static String xml(String s) {
        return Xml.escape(s);
    }
}
