package agenttest.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/** Starts virtual threads in the ways the agent redirects (the three calls, and method references
 *  to two of them), from whatever thread calls it. */
public final class Spawns {
    private Spawns() {}

    /** Where each of the three threads ran: its {@code Thread.toString()}, which names the carrier. */
    public static List<String> spawnAll() throws Exception {
        List<String> where = new ArrayList<>();
        String[] seen = new String[2];
        Thread a = Thread.ofVirtual().name("built").start(() -> seen[0] = Thread.currentThread().toString());
        a.join();
        Thread b = Thread.startVirtualThread(() -> seen[1] = Thread.currentThread().toString());
        b.join();
        where.add(seen[0]);
        where.add(seen[1]);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> f = ex.submit(() -> Thread.currentThread().toString());
            where.add(f.get());
        }
        String[] byReference = new String[1];
        Function<Runnable, Thread> start = Thread::startVirtualThread;
        start.apply(() -> byReference[0] = Thread.currentThread().toString()).join();
        where.add(byReference[0]);
        Supplier<ExecutorService> executors = Executors::newVirtualThreadPerTaskExecutor;
        try (ExecutorService ex = executors.get()) {
            where.add(ex.submit(() -> Thread.currentThread().toString()).get());
        }
        return where;
    }
}
