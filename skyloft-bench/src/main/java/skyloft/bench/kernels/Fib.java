package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Naive recursive Fibonacci: call-bound, so every call runs a method-entry poll. */
public final class Fib implements CpuKernel {
    @Override public String name() { return "fib"; }

    @Override
    public long run() {
        return fib(27);
    }

    private static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}
