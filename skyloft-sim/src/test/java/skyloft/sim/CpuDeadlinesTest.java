package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The indexed heap of per-CPU deadlines against a sorted set, through random sets and polls. */
class CpuDeadlinesTest {

    @Test
    void pollsEarliestFirstTiesByCpuAndASetMovesTheOneEntry() {
        CpuDeadlines d = new CpuDeadlines(4);
        d.set(2, 50);
        d.set(1, 50);
        d.set(3, 10);
        d.set(3, 70); // moved later
        d.set(0, 60);
        d.set(0, 5);  // moved earlier
        assertEquals(5, d.firstNs());
        assertEquals(0, d.poll());
        assertEquals(1, d.poll());
        assertEquals(2, d.poll());
        assertEquals(70, d.firstNs());
        assertEquals(3, d.poll());
        assertTrue(d.isEmpty());
    }

    @Test
    void agreesWithASortedSetThroughRandomOperations() {
        int cpus = 64;
        CpuDeadlines d = new CpuDeadlines(cpus);
        long[] at = new long[cpus];
        TreeSet<long[]> model = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        boolean[] in = new boolean[cpus];
        SplittableRandom r = new SplittableRandom(7);
        for (int step = 0; step < 100_000; step++) {
            if (r.nextInt(3) > 0 || model.isEmpty()) {
                int c = r.nextInt(cpus);
                if (in[c]) model.remove(new long[] {at[c], c});
                at[c] = r.nextLong(1_000);
                in[c] = true;
                model.add(new long[] {at[c], c});
                d.set(c, at[c]);
            } else {
                long[] first = model.pollFirst();
                assertEquals(first[0], d.firstNs());
                assertEquals((int) first[1], d.poll());
                in[(int) first[1]] = false;
            }
            assertEquals(model.isEmpty(), d.isEmpty());
        }
    }
}
