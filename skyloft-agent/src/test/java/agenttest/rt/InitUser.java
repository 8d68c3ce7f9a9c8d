package agenttest.rt;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Triggers SlowInit's initialization, then spins (polling) until the other thread has run:
 * once out of the initializer the pending preemption must be taken.
 */
public final class InitUser implements Runnable {
    private final AtomicLong value;
    private final AtomicBoolean otherRan;
    public volatile long sink;

    public InitUser(AtomicLong value, AtomicBoolean otherRan) {
        this.value = value;
        this.otherRan = otherRan;
    }

    @Override
    public void run() {
        value.set(SlowInit.VALUE);
        long x = 5;
        while (!otherRan.get()) x = Spin.step(x);
        sink = x;
    }
}
