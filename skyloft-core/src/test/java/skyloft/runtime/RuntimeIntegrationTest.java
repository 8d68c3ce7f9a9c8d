package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.SchedAttr;

/**
 * The runtime with real virtual threads under every registered policy: plain Java blocking
 * works, nothing is lost, shutdown reports what it abandons. Every test has a timeout; none
 * asserts on timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeIntegrationTest {

    static Stream<String> policies() {
        return PolicyRegistry.names().stream();
    }

    static SkyloftRuntime runtime(String policy) {
        return SkyloftRuntime.builder().cores(Math.min(2, Runtime.getRuntime().availableProcessors())).policy(policy).build();
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(30)), t + " did not finish");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void manyThreadsRunToCompletion(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            AtomicInteger done = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ts.add(rt.start(() -> {
                    long x = 0;
                    for (int k = 0; k < 1000; k++) x += k;
                    if (x > 0) done.incrementAndGet();
                }));
            }
            joinAll(ts);
            assertEquals(500, done.get());
            assertTrue(rt.close(Duration.ofSeconds(30)).clean()); // exits are accounted by then
            RuntimeStats st = rt.stats();
            assertEquals(500, st.tasksExited());
            assertTrue(st.cpus().stream().mapToLong(RuntimeStats.Cpu::switches).sum() >= 500);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void aTaskThatYieldsAndSleepsKeepsRunningBesideMoreSpinnersThanCarriers(String policy) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PolicyRegistry.create(policy).usesTick(),
                policy + " never preempts: spinners keep their carriers by design");
        try (SkyloftRuntime rt = runtime(policy)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> spinners = new ArrayList<>();
            for (int i = 0; i < 2 * rt.cores() + 1; i++) {
                spinners.add(rt.start(() -> {
                    while (!stop.get()) Skyloft.preemptionPoint();
                }));
            }
            AtomicInteger rounds = new AtomicInteger();
            Thread waker = rt.start(() -> {
                for (int i = 0; i < 20; i++) {
                    Thread.yield(); // a yield must not cost it its turns for good (goodness did, before 5b3d76f)
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    rounds.incrementAndGet();
                }
            });
            boolean done = waker.join(Duration.ofSeconds(30));
            stop.set(true);
            joinAll(spinners);
            assertTrue(done, policy + ": the task that yields and sleeps got " + rounds.get() + " of its 20 rounds beside the spinners");
            assertEquals(20, rounds.get(), policy + ": the task that yields and sleeps ended early");
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> policiesAndOtherTimers() {
        return PolicyRegistry.names().stream().flatMap(p -> Stream.of(TimerMode.SLEEP, TimerMode.SPIN, TimerMode.OFF)
                .map(m -> org.junit.jupiter.params.provider.Arguments.of(p, m)));
    }

    /** The rest of this class runs under the default POLL timer; this mix runs under the others. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("policiesAndOtherTimers")
    void aMixOfSpinningBlockingAndSleepingRunsUnderEveryOtherTimer(String policy, TimerMode timer) throws Exception {
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(policy).timer(timer).pin(false).build()) {
            AtomicLong polls = new AtomicLong(), sum = new AtomicLong(), naps = new AtomicLong();
            BlockingQueue<Integer> q = new ArrayBlockingQueue<>(4);
            List<Thread> ts = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                ts.add(rt.start(() -> {
                    long end = System.nanoTime() + 3_000_000;
                    while (System.nanoTime() < end) {
                        Skyloft.preemptionPoint();
                        polls.incrementAndGet();
                    }
                }));
            }
            ts.add(rt.start(() -> {
                try {
                    for (int i = 0; i < 500; i++) sum.addAndGet(q.take());
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
            ts.add(rt.start(() -> {
                try {
                    for (int i = 1; i <= 500; i++) q.put(i);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
            ts.add(rt.start(() -> {
                for (int i = 0; i < 5; i++) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    naps.incrementAndGet();
                }
            }));
            joinAll(ts);
            assertEquals(500L * 501 / 2, sum.get());
            assertEquals(5, naps.get());
            assertTrue(polls.get() > 0);
            assertTrue(rt.close(Duration.ofSeconds(30)).clean());
            RuntimeStats st = rt.stats();
            assertTrue(st.preemption().timer().startsWith(timer.label()), "ran under the " + timer.label() + " timer: " + st.preemption().timer());
            assertEquals(0L, st.counters().get("carrier_errors"), st.format());
            assertEquals(0L, st.counters().get("policy_bad_picks"), st.format());
        }
        assertEquals(0, Poll.pending, "a closed runtime left a request pending");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void blockingQueueProducerConsumer(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            BlockingQueue<Integer> q = new ArrayBlockingQueue<>(4);
            AtomicLong sum = new AtomicLong();
            Thread consumer = rt.start(() -> {
                try {
                    for (int i = 0; i < 2000; i++) sum.addAndGet(q.take());
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread producer = rt.start(() -> {
                try {
                    for (int i = 1; i <= 2000; i++) q.put(i);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            joinAll(List.of(producer, consumer));
            assertEquals(2000L * 2001 / 2, sum.get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void reentrantLockAndSynchronizedAndWaitNotify(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            ReentrantLock lock = new ReentrantLock();
            Object monitor = new Object();
            long[] counters = new long[2];
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ts.add(rt.start(() -> {
                    for (int k = 0; k < 2000; k++) {
                        lock.lock();
                        try {
                            counters[0]++;
                            if ((k & 63) == 0) Thread.yield(); // hold the lock across a switch
                        } finally {
                            lock.unlock();
                        }
                        synchronized (monitor) {
                            counters[1]++;
                            if ((k & 127) == 0) Thread.yield(); // yield inside synchronized (JEP 491)
                        }
                    }
                }));
            }
            joinAll(ts);
            assertEquals(16_000, counters[0]);
            assertEquals(16_000, counters[1]);

            // Object.wait / notifyAll hand-off.
            boolean[] ready = new boolean[1];
            AtomicInteger woke = new AtomicInteger();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiters.add(rt.start(() -> {
                    synchronized (monitor) {
                        while (!ready[0]) {
                            try {
                                monitor.wait();
                            } catch (InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                        }
                        woke.incrementAndGet();
                    }
                }));
            }
            Thread notifier = rt.start(() -> {
                synchronized (monitor) {
                    ready[0] = true;
                    monitor.notifyAll();
                }
            });
            waiters.add(notifier);
            joinAll(waiters);
            assertEquals(5, woke.get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void sleepAndCompletableFutureJoin(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy); ExecutorService ex = rt.newThreadPerTaskExecutor()) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                fs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        Thread.sleep(1 + n % 3);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    return n;
                }, ex));
            }
            Future<Integer> total = ex.submit(() -> fs.stream().mapToInt(CompletableFuture::join).sum());
            assertEquals(190, total.get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void loopbackSocketEcho(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy);
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            int clients = 4;
            Thread acceptor = rt.start(() -> {
                for (int i = 0; i < clients; i++) {
                    try {
                        Socket s = server.accept();
                        rt.start(() -> {
                            try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                                 var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                                String line;
                                while ((line = in.readLine()) != null) out.println("echo " + line);
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            AtomicInteger ok = new AtomicInteger();
            List<Thread> cs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                cs.add(rt.start(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                         var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                         var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                        for (int k = 0; k < 50; k++) {
                            out.println(id + ":" + k);
                            if (("echo " + id + ":" + k).equals(in.readLine())) ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            cs.add(acceptor);
            joinAll(cs);
            assertEquals(clients * 50, ok.get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void uncaughtExceptionsNeverKillACarrier(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            List<Thread> bad = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Thread t = rt.newThread("thrower-" + i, SchedAttr.DEFAULT, () -> { throw new IllegalStateException("boom (expected by the test)"); });
                t.setUncaughtExceptionHandler((th, e) -> { });
                t.start();
                bad.add(t);
            }
            joinAll(bad);
            AtomicInteger after = new AtomicInteger();
            List<Thread> good = new ArrayList<>();
            for (int i = 0; i < 50; i++) good.add(rt.start(after::incrementAndGet));
            joinAll(good);
            assertEquals(50, after.get());
            assertEquals(10L, rt.stats().counters().get("uncaught_exceptions"));
            assertEquals(0L, rt.stats().counters().get("carrier_errors"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void yieldInterleavesTwoThreadsOnOneCarrier(String policy) throws Exception {
        // Fair policies let a yielder run on while its vruntime trails (Linux CFS and EEVDF do
        // too), and they charge wall time: if the OS deschedules a carrier for a few ms, the other
        // thread is owed all its yields at once. The property: a yield hands the CPU over mid-run
        // (two turns at least; plain sequential completion would be one).
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(1).policy(policy).build()) {
            StringBuffer trace = new StringBuffer();
            CountDownLatch go = new CountDownLatch(1);
            Thread a = rt.start(() -> { await(go); for (int i = 0; i < 2000; i++) { trace.append('a'); Thread.yield(); } });
            Thread b = rt.start(() -> { await(go); for (int i = 0; i < 2000; i++) { trace.append('b'); Thread.yield(); } });
            go.countDown();
            joinAll(List.of(a, b));
            String s = trace.toString();
            int turns = 0;
            for (int i = 1; i < s.length(); i++) if (s.charAt(i) != s.charAt(i - 1)) turns++;
            assertTrue(turns >= 2, "yield never handed the CPU over mid-run: " + turns + " turns in " + s.length() + " yields");
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void closeReportsWhatItAbandons(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            CountDownLatch never = new CountDownLatch(1);
            Thread stuck = rt.start("stuck-blocked", SchedAttr.DEFAULT, () -> await(never));
            Thread quick = rt.start(() -> { });
            assertTrue(quick.join(Duration.ofSeconds(30)));
            long end = System.nanoTime() + 30_000_000_000L;
            while (stuck.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < end, "the task never blocked: " + stuck.getState());
                Thread.sleep(1);
            }
            ShutdownReport r = rt.close(Duration.ofMillis(200));
            assertFalse(r.clean());
            assertEquals(1, r.abandoned().size(), r.toString());
            assertTrue(r.abandoned().get(0).matches("stuck-blocked#\\d+ \\(blocked\\)"), r.toString());
            assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> rt.start(() -> { }));
            assertEquals(r, rt.close(Duration.ZERO), "close is idempotent");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void cleanCloseWaitsForRunningTasks(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            AtomicInteger finished = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                rt.start(() -> {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    finished.incrementAndGet();
                });
            }
            ShutdownReport r = rt.close(Duration.ofSeconds(30));
            assertTrue(r.clean(), r.toString());
            assertEquals(20, finished.get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void attributesCanBeSetAndChanged(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            CountDownLatch hold = new CountDownLatch(1);
            Thread t = rt.start("attr", SchedAttr.DEFAULT.withNice(5).withApp("batch"), () -> await(hold));
            assertEquals(5, rt.attr(t).nice());
            assertEquals("batch", rt.attr(t).app());
            rt.setAttr(t, rt.attr(t).withNice(-3));
            assertEquals(-3, rt.attr(t).nice());
            hold.countDown();
            assertTrue(t.join(Duration.ofSeconds(30)));
            assertThrows(IllegalArgumentException.class, () -> rt.attr(t), "an exited thread has no attributes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void threadsCreatedInsideWithPlainJdkApisAreAdopted(String policy) throws Exception {
        try (SkyloftRuntime rt = runtime(policy)) {
            AtomicInteger ran = new AtomicInteger();
            Thread parent = rt.start(() -> {
                try (ExecutorService inner = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 20; i++) {
                        inner.submit(() -> {
                            Thread.yield();
                            ran.incrementAndGet();
                        });
                    }
                }
                Thread child = Thread.ofVirtual().start(ran::incrementAndGet);
                try {
                    child.join();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            joinAll(List.of(parent));
            assertEquals(21, ran.get());
            assertEquals(21L, rt.stats().counters().get("adopted_threads"));
            assertTrue(rt.close(Duration.ofSeconds(10)).clean());
        }
    }
}
