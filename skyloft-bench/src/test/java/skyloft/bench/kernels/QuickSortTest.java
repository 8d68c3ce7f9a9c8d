package skyloft.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuickSortTest {
    @Test
    void sortsLikeArraysSort() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n : new int[] {0, 1, 2, 17, 100, 5000}) {
            int[] a = rnd.ints(n, -50, 50).toArray();
            int[] expected = a.clone();
            Arrays.sort(expected);
            QuickSort.sort(a, 0, a.length - 1);
            assertArrayEquals(expected, a, "n=" + n);
        }
    }
}
