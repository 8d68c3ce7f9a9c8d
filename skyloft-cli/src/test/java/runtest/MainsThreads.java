package runtest;

/**
 * The application `RunCommandTest` runs to compare daemon rules with {@code java}'s: main
 * starts a platform thread that outlives it (under java it keeps the JVM alive, so its line is
 * printed), a thread it makes a daemon on purpose (which must not hold the JVM), and a virtual
 * thread that makes a platform thread (a daemon under java, as every virtual thread's is).
 */
public final class MainsThreads {
    public static void main(String[] args) throws Exception {
        Thread late = new Thread(() -> {
            sleep(500);
            System.out.println("late.writer.done daemon=" + Thread.currentThread().isDaemon());
        }, "late-writer");
        Thread idle = new Thread(() -> sleep(600_000), "idle-daemon");
        idle.setDaemon(true);
        idle.start();
        late.start();
        Thread.ofVirtual().start(() -> System.out.println("virtual.threads.platform.daemon=" + new Thread(() -> { }).isDaemon())).join();
        System.out.println("main.returns");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
