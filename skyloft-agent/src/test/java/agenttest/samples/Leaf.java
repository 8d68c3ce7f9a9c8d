package agenttest.samples;

/** Straight-line code only: the agent must leave this class byte-for-byte alone. */
public final class Leaf {
    private int value;

    public int value() { return value; }

    public void setValue(int v) { value = v; }

    public static int twice(int x) { return x + x; }
}
