package runtest;

/**
 * The application `RunCommandTest` runs with `skyloft run`: two virtual threads that spin
 * without ever blocking or calling Skyloft, started from main. On one carrier they can only take
 * turns if something preempts them, which here only the agent's polls can do. Prints what it
 * saw and exits with the code given as its first argument; the second is how long each thread
 * may spin waiting to see the other move, in ms. It also starts a virtual thread from a platform
 * thread, which the JDK alone would put on its own scheduler, and prints where that one ran.
 */
public final class Interleave {
    private static volatile long a, b;

    public static void main(String[] args) throws Exception {
        Thread self = Thread.currentThread();
        System.out.println("main.virtual=" + self.isVirtual() + " main.name=" + self.getName());
        System.out.println("main.thread=" + self);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
        boolean[] saw = new boolean[2];
        String[] where = new String[2];
        Thread ta = Thread.ofVirtual().start(() -> { where[0] = Thread.currentThread().toString(); saw[0] = spin(true, deadline); });
        Thread tb = Thread.ofVirtual().start(() -> { where[1] = Thread.currentThread().toString(); saw[1] = spin(false, deadline); });
        ta.join();
        tb.join();
        String[] fromPlatform = new String[1];
        Thread platform = Thread.ofPlatform().start(() -> {
            try {
                Thread.ofVirtual().start(() -> fromPlatform[0] = Thread.currentThread().toString()).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        platform.join();
        System.out.println("child.thread=" + where[0]);
        System.out.println("platform.child.thread=" + fromPlatform[0]);
        System.out.println("interleaved=" + (saw[0] && saw[1]));
        System.exit(Integer.parseInt(args[0]));
    }

    /** Counts up its own counter; true once it has seen the other's move three times while it ran. */
    private static boolean spin(boolean first, long deadline) {
        long last = first ? b : a;
        int moves = 0;
        while (moves < 3 && System.nanoTime() < deadline) {
            if (first) a++; else b++;
            long other = first ? b : a;
            if (other != last) {
                moves++;
                last = other;
            }
        }
        return moves >= 3;
    }
}
