package agenttest.samples;

/** Loops next to the strip-mining shape that must not be strip-mined, and edge cases of the shape. */
public final class Loops {
    private Loops() {}

    /** Runs n/2 iterations because the body lowers the bound. */
    public static int shrinkingBound(int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            n--;
            count++;
        }
        return count;
    }

    public static int callInBody(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += Leaf.twice(i);
        return s;
    }

    public static int countDown(int n) {
        int s = 0;
        for (int i = n; i > 0; i--) s += i;
        return s;
    }

    /** A search: the loop has a second way out (return), so it keeps a poll per iteration. */
    public static int indexOf(int n, int wanted) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i * 2;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == wanted) return i;
        }
        return -1;
    }

    /** Counting down to a bound that is not zero, inclusive ({@code >=}), near Integer.MIN_VALUE. */
    public static long downNearMin() {
        long s = 0;
        for (int i = Integer.MIN_VALUE + 3000; i >= Integer.MIN_VALUE + 2; i--) s += i & 5;
        return s;
    }

    /** Counting down with {@code >= 0} (an iflt exit test) over an array, moving i inside the body. */
    public static long downArray(int n) {
        int[] a = new int[n];
        long s = 0;
        for (int i = a.length - 1; i >= 0; i--) {
            a[i] = i * 3;
            if (i % 5 == 0) i--;
            s += i;
        }
        return s;
    }

    /** A {@code <=} loop that ends at Integer.MAX_VALUE - 3 (no overflow in the original). */
    public static long nearMax() {
        long s = 0;
        for (int i = Integer.MAX_VALUE - 3000; i <= Integer.MAX_VALUE - 3; i++) s += i & 7;
        return s;
    }

    /** The body moves the induction variable itself: the strip test must still keep i < n. */
    public static long skipsAhead(int n) {
        long s = 0;
        int[] a = new int[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
            if (i % 3 == 0) i += 2;
            s += i;
        }
        return s;
    }

    /** A wait on a value re-read into the counter (a spin-wait on a local): i does not step, so
     *  a strip would never end; it keeps a poll per pass. Another thread's store stands in as
     *  {@code a[0] = 1} on pass n. */
    public static int waitsOnLocal(int[] a, int n) {
        int k = 0;
        int i = a[0];
        while (i < 1) {
            if (++k == n) a[0] = 1;
            i = a[0];
        }
        return k;
    }

    /** A step of 3 near the top of the int range: the same iterations as plain Java. */
    public static int stepsNearMax() {
        int s = 0;
        for (int i = Integer.MAX_VALUE - 10; i < Integer.MAX_VALUE - 1; i += 3) s += i & 7;
        return s;
    }

    /** A step of 4: strip-mined. */
    public static long byFours(int n) {
        long s = 0;
        for (int i = 0; i < n; i += 4) s += i;
        return s;
    }
}
