package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** How the windows of one lc load combine: the achieved rate over every window's time, and medians over the windows with a figure. */
class LcMergeTest {
    private static final LcBench.Tail NO_TAIL = new LcBench.Tail(0, Double.NaN, Double.NaN, Double.NaN);

    /** A window of {@code requests} requests, {@code unfinished} of them charged at the cut-off, over {@code spanNs}, each taking {@code us}. */
    private static LcBench.Point window(long requests, long unfinished, long spanNs, long us) {
        Histogram lat = new Histogram(3), slow = new Histogram(3), lag = new Histogram(3);
        for (int i = 0; i < requests; i++) {
            lat.recordValue(us * 1000);
            slow.recordValue(2000);
        }
        if (requests > 0) lag.recordValue(1000);
        long finished = requests - unfinished;
        double achieved = finished > 0 ? finished / (spanNs / 1e9) : 0;
        return new LcBench.Point("jdk-default", 0.3, 1000, achieved, requests, unfinished, spanNs, lat, lat, slow, lag, NO_TAIL,
                List.of(LcBench.Window.of(lat, lat, slow, 0, 0, lag, 0, Double.NaN)));
    }

    @Test
    void aWindowThatFinishedNothingStillCountsItsTimeInTheAchievedRate() {
        // one window served 1000 requests in 1 s; in the next, the hogs held every carrier and none finished
        LcBench.Point m = LcBench.Point.merge(List.of(window(1000, 0, 1_000_000_000L, 50), window(1000, 1000, 1_000_000_000L, 900_000)));
        assertEquals(2000, m.requests());
        assertEquals(1000, m.unfinished());
        assertEquals(500, m.achievedRps(), 1e-6, "1000 finished over the 2 s of both windows, not over the first one's 1 s");
    }

    @Test
    void theMedianLeavesOutAWindowWithoutTheFigure() {
        // three windows, the middle one with no request at all (no p99): the median of the other two, not the larger one
        LcBench.Point m = LcBench.Point.merge(List.of(window(100, 0, 1_000_000_000L, 100), window(0, 0, 1_000_000_000L, 0),
                window(100, 0, 1_000_000_000L, 120)));
        assertEquals(110, m.median(LcBench.Window::p99Us), 0.2);
        // two windows, one without: the other's figure, not NaN (which would read as a missed SLO)
        LcBench.Point two = LcBench.Point.merge(List.of(window(100, 0, 1_000_000_000L, 100), window(0, 0, 1_000_000_000L, 0)));
        assertEquals(100, two.median(LcBench.Window::p99Us), 0.2);
        // none with the figure: NaN
        LcBench.Point none = LcBench.Point.merge(List.of(window(0, 0, 1_000_000_000L, 0), window(0, 0, 1_000_000_000L, 0)));
        assertEquals(Double.NaN, none.median(LcBench.Window::p99Us));
    }
}
