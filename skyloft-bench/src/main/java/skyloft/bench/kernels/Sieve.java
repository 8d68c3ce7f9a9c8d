package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Sieve of Eratosthenes over a boolean array: strided stores in a tight inner loop. */
public final class Sieve implements CpuKernel {
    private static final int N = 1_000_000;

    @Override public String name() { return "sieve"; }

    @Override
    public long run() {
        boolean[] composite = new boolean[N + 1];
        for (int i = 2; (long) i * i <= N; i++) {
            if (composite[i]) continue;
            for (int j = i * i; j <= N; j += i) composite[j] = true;
        }
        long count = 0, last = 0;
        for (int i = 2; i <= N; i++) {
            if (!composite[i]) {
                count++;
                last = i;
            }
        }
        return count * 1_000_003L + last;
    }
}
