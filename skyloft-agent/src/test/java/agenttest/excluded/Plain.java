package agenttest.excluded;

/** Loops in a package the end-to-end test excludes: must run with no poll. */
public final class Plain {
    private Plain() {}

    public static int spin(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += Integer.bitCount(i);
        return s;
    }
}
