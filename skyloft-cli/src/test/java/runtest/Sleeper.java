package runtest;

/**
 * An application that runs until it is stopped: prints {@code ready} once its virtual threads
 * have slept a few times, then keeps them sleeping for the number of seconds given (60 by default).
 */
public final class Sleeper {
    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + (args.length > 0 ? Long.parseLong(args[0]) : 60) * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).join();
            if (i == 20) System.out.println("ready");
        }
    }
}
