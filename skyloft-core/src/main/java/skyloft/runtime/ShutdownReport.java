package skyloft.runtime;

import java.util.List;

/**
 * What {@link SkyloftRuntime#close} found: every task it had to abandon with the state it was
 * in (runnable in a queue, running on a carrier, blocked, never started), and how long the
 * close waited.
 */
public record ShutdownReport(List<String> abandoned, long waitedNs) {

    public boolean clean() {
        return abandoned.isEmpty();
    }

    @Override
    public String toString() {
        if (clean()) return "skyloft: closed cleanly";
        return "skyloft: close() abandoned " + abandoned.size() + " task(s) after waiting "
                + (waitedNs / 1_000_000) + " ms: " + String.join(", ", abandoned);
    }
}
