package skyloft.bench;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The floor: bare {@code jdk.internal.vm.Continuation}s switched by a plain loop, no scheduler,
 * no thread state. Needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}.
 */
final class ContinuationFloor {
    private ContinuationFloor() {}

    private static final ContinuationScope SCOPE = new ContinuationScope("skyloft-floor");

    /** ns per switch: two continuations alternately run and yield {@code switches/2} times each. */
    static double yieldNsPerSwitch(int switches) {
        int each = switches / 2;
        Continuation a = new Continuation(SCOPE, () -> { for (int i = 0; i < each; i++) Continuation.yield(SCOPE); });
        Continuation b = new Continuation(SCOPE, () -> { for (int i = 0; i < each; i++) Continuation.yield(SCOPE); });
        long t0 = System.nanoTime();
        while (!a.isDone() || !b.isDone()) {
            if (!a.isDone()) a.run();
            if (!b.isDone()) b.run();
        }
        return (System.nanoTime() - t0) / (double) (2 * each);
    }

    /** ns to create a continuation and run it to completion (the floor of a spawn + join). */
    static double spawnNs(int count) {
        long t0 = System.nanoTime();
        int[] sink = new int[1];
        for (int i = 0; i < count; i++) {
            Continuation c = new Continuation(SCOPE, () -> sink[0]++);
            c.run();
        }
        if (sink[0] != count) throw new IllegalStateException("continuations did not all run");
        return (System.nanoTime() - t0) / (double) count;
    }

    static boolean available() {
        try {
            yieldNsPerSwitch(2);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}
