package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** A hand-written quicksort (insertion sort below 16) on ints: recursion plus tight compare loops. */
public final class QuickSort implements CpuKernel {
    private static final int N = 100_000;
    private final int[] input = new int[N];

    public QuickSort() {
        long x = 42;
        for (int i = 0; i < N; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            input[i] = (int) (x >>> 33);
        }
    }

    @Override public String name() { return "sort"; }

    @Override
    public long run() {
        int[] a = input.clone();
        sort(a, 0, a.length - 1);
        long h = 0;
        for (int i = 0; i < a.length; i += 97) h = h * 31 + a[i];
        return h;
    }

    /** Sorts a[lo..hi] inclusive. */
    static void sort(int[] a, int lo, int hi) {
        while (hi - lo > 16) {
            int j = partition(a, lo, hi); // lo..j <= pivot <= j+1..hi, lo <= j < hi
            if (j - lo < hi - j) {
                sort(a, lo, j);
                lo = j + 1;
            } else {
                sort(a, j + 1, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** Hoare partition around the middle element's value. */
    private static int partition(int[] a, int lo, int hi) {
        int pivot = a[(lo + hi) >>> 1];
        int i = lo - 1, j = hi + 1;
        while (true) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) return j;
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
