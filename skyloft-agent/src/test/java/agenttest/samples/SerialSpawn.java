package agenttest.samples;

import java.io.Serializable;
import java.util.function.Function;

/** A serializable method reference to a factory the agent redirects: its class's
 *  {@code $deserializeLambda$} checks for the JDK's method, so the agent must leave it alone. */
public final class SerialSpawn {
    private SerialSpawn() {}

    @SuppressWarnings("unchecked")
    public static Function<Runnable, Thread> starter() {
        return (Function<Runnable, Thread> & Serializable) Thread::startVirtualThread;
    }
}
