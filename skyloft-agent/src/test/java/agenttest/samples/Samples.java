package agenttest.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntBinaryOperator;
import java.util.stream.IntStream;

/**
 * Code shapes the agent must keep correct: every loop form, loops in try/catch and synchronized,
 * switches in loops, recursion, constructors, static initializers, lambdas, generics, records,
 * long and double locals. {@link #all()} runs each one and returns its results in order; the
 * tests compare that list between the plain and the instrumented copy.
 */
public final class Samples {
    private Samples() {}

    /** One static initializer with a loop: no poll may go there, and it must still run. */
    static final long CLINIT_SUM;
    static {
        long s = 0;
        for (int i = 0; i < 100; i++) s += i;
        CLINIT_SUM = s;
    }

    public static List<String> all() {
        List<String> r = new ArrayList<>();
        r.add("for=" + sumTo(1000));
        r.add("while=" + collatzSteps(27));
        r.add("do=" + digits(1234567890123L));
        r.add("nested=" + nested(30));
        r.add("labeled=" + primesBelow(200));
        r.add("foreach=" + foreach(List.of(3, 1, 4, 1, 5, 9, 2, 6)));
        r.add("arrayfor=" + arrayFor(new double[] {1.5, 2.5, 3.0}));
        r.add("trycatch=" + tryCatchLoop(50));
        r.add("sync=" + syncLoop(100));
        r.add("switch=" + switchLoop(40));
        r.add("stringswitch=" + stringSwitch(new String[] {"a", "bb", "c", "zz", "a"}));
        r.add("patternswitch=" + patternSwitch(List.of(1, "two", 3.0, 4L, 'c')));
        r.add("fib=" + fib(15));
        r.add("ctor=" + new Ctor(10).total + "," + new Ctor().total);
        r.add("clinit=" + CLINIT_SUM + "," + Holder.TABLE[9]);
        r.add("lambda=" + lambdas(20));
        r.add("generic=" + new Box<>("x").repeat(4));
        r.add("record=" + new Point(3, 4).manhattanSteps());
        r.add("longdouble=" + longDouble(25));
        r.add("infinite=" + breakOut(17));
        r.add("getter=" + new Point(5, 6).x());
        return r;
    }

    public static long sumTo(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) s += i;
        return s;
    }

    static int collatzSteps(long n) {
        int steps = 0;
        while (n != 1) {
            n = (n & 1) == 0 ? n / 2 : 3 * n + 1;
            steps++;
        }
        return steps;
    }

    static int digits(long n) {
        int d = 0;
        do {
            d++;
            n /= 10;
        } while (n != 0);
        return d;
    }

    static long nested(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            int j = 0;
            while (j < i) {
                s += (long) i * j;
                j++;
            }
        }
        return s;
    }

    static int primesBelow(int n) {
        int count = 0;
        outer:
        for (int i = 2; i < n; i++) {
            for (int d = 2; d * d <= i; d++) {
                if (i % d == 0) continue outer;
            }
            count++;
        }
        return count;
    }

    static int foreach(List<Integer> xs) {
        int s = 0;
        for (int x : xs) s = s * 3 + x;
        return s;
    }

    static double arrayFor(double[] xs) {
        double s = 0;
        for (double x : xs) s += x * x;
        return s;
    }

    static int tryCatchLoop(int n) {
        int caught = 0;
        for (int i = 0; i < n; i++) {
            try {
                if (i % 7 == 0) throw new IllegalStateException("boom " + i);
                caught += 0;
            } catch (IllegalStateException e) {
                caught++;
            } finally {
                caught += 2;
            }
        }
        return caught;
    }

    private static final Object LOCK = new Object();
    private static int shared;

    static int syncLoop(int n) {
        synchronized (LOCK) {
            shared = 0;
            for (int i = 0; i < n; i++) shared += i % 3;
            return shared;
        }
    }

    static int switchLoop(int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            switch (i % 5) {
                case 0 -> s += 1;
                case 1 -> s += 10;
                case 3 -> { continue; }
                default -> s -= 1;
            }
            s *= 1;
        }
        return s;
    }

    static int stringSwitch(String[] words) {
        int s = 0;
        int i = 0;
        while (i < words.length) {
            switch (words[i++]) {
                case "a": s += 1; break;
                case "bb": s += 20; break;
                case "c": s += 300; break;
                default: s += 4000;
            }
        }
        return s;
    }

    static String patternSwitch(List<Object> xs) {
        StringBuilder sb = new StringBuilder();
        for (Object o : xs) {
            sb.append(switch (o) {
                case Integer i when i > 2 -> "I" + i;
                case Integer i -> "i" + i;
                case String s -> "S" + s.length();
                case Double d -> "D";
                default -> "?";
            });
        }
        return sb.toString();
    }

    public static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    static String lambdas(int n) {
        IntBinaryOperator op = (a, b) -> {
            int r = a;
            for (int k = 0; k < b; k++) r += k;
            return r;
        };
        int viaStream = IntStream.range(0, n).map(x -> x * x).filter(x -> x % 2 == 0).sum();
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < n; i++) m.merge("k" + (i % 4), i, Integer::sum);
        return op.applyAsInt(1, n) + "," + viaStream + "," + m;
    }

    static double longDouble(int n) {
        long a = 1;
        double b = 0.5;
        int c = 0;
        for (long i = 0; i < n; i++) {
            a = a * 3 % 1_000_003L;
            b = b * 1.01 + a / 1e6;
            c++;
        }
        return a + b + c;
    }

    static int breakOut(int limit) {
        int i = 0;
        while (true) {
            if (++i >= limit) break;
        }
        return i;
    }

    /** Constructors with loops, this(...) and super(...) chaining. */
    static final class Ctor {
        final long total;

        Ctor(int n) {
            super();
            long t = 0;
            for (int i = 0; i < n; i++) t += i;
            total = t;
        }

        Ctor() {
            this(sumLimit());
        }

        private static int sumLimit() {
            int x = 0;
            while (x < 5) x++;
            return x;
        }
    }

    static final class Holder {
        static final int[] TABLE = new int[10];
        static {
            for (int i = 0; i < TABLE.length; i++) TABLE[i] = i * i;
        }
    }

    static final class Box<T extends CharSequence> {
        private final T value;

        Box(T value) { this.value = value; }

        String repeat(int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) sb.append(value);
            return sb.toString();
        }
    }

    public record Point(long x, long y) {
        int manhattanSteps() {
            int steps = 0;
            long cx = 0, cy = 0;
            while (cx != x || cy != y) {
                if (cx < x) cx++;
                else cy++;
                steps++;
            }
            return steps;
        }
    }
}
