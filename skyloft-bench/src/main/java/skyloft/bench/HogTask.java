package skyloft.bench;

/**
 * A CPU-bound thread body for {@code bench preempt}: computes until {@link #stop()} is called.
 * It never calls the runtime: its only preemption points are the polls the agent inserted. The
 * implementation lives in {@code skyloft.bench.hogs} and is loaded through the agent's
 * InstrumentingClassLoader; the harness sees it through this interface.
 */
public interface HogTask extends Runnable {
    /** Asks the hog to finish (from any thread). */
    void stop();

    /** Work units done; read after the thread has ended. */
    long work();
}
