package runtest;

/**
 * The application `RunCommandTest` runs to compare daemon rules with {@code java}'s: main
 * starts a platform thread that outlives it (under java it keeps the JVM alive, so its line is
 * printed, after main's own line), a thread it makes a daemon on purpose (which must not hold the JVM), and a virtual
 * thread that makes a platform thread (a daemon under java, as every virtual thread's is).
 */
public final class MainsThreads {
    public static void main(String[] args) throws Exception {
        Thread main = Thread.currentThread();
        Thread late = new Thread(() -> {
            try {
                main.join(); // its line comes after main's, however slowly main runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleep(500); // and well after: where it is a daemon, the JVM has ended by then
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
