package agenttest.samples;

/** A frame that merges {@code this} with a String: stack-map generation must know this class's superclass. */
public final class Merge {
    public Object pick(int n) {
        Object o = this;
        for (int i = 0; i < n; i++) {
            if ((i & 1) == 0) o = "even";
            else o = this;
        }
        return o;
    }
}
