package agenttest.rt;

/** Instrumented arithmetic: a loop with a call in its body, so it polls on every back-edge. */
public final class Spin {
    private Spin() {}

    public static long work(long units) {
        long x = 3;
        for (long u = 0; u < units; u++) x = step(x);
        return x;
    }

    static long step(long x) {
        return x * 6364136223846793005L + 1442695040888963407L;
    }
}
