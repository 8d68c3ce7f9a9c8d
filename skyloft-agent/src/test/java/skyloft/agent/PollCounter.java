package skyloft.agent;

import java.lang.reflect.Field;
import skyloft.runtime.Poll;

/**
 * Counts calls to {@code Poll.poll()} on the calling thread: forces the poll's slow path by
 * setting {@code Poll.pending} through reflection (no test hook in Poll) and installs a Handler
 * that counts. Close it to put Poll back as it was. Single-threaded use only.
 */
final class PollCounter implements AutoCloseable {
    private static final Field PENDING;
    static {
        try {
            PENDING = Poll.class.getDeclaredField("pending");
            PENDING.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long count;

    PollCounter() {
        Poll.install(() -> count++);
        setPending(1);
    }

    long count() { return count; }

    void reset() { count = 0; }

    /** Runs {@code r} and returns how many polls it made. */
    long countDuring(Runnable r) {
        long before = count;
        r.run();
        return count - before;
    }

    static void setPending(int v) {
        try {
            PENDING.setInt(null, v);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        setPending(0);
        Poll.install(null);
    }
}
