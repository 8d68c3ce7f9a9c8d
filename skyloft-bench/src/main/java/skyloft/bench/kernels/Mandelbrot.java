package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Mandelbrot escape counts on a grid: a data-dependent inner while loop, FP-bound. */
public final class Mandelbrot implements CpuKernel {
    private static final int SIZE = 160;
    private static final int MAX_ITER = 120;

    @Override public String name() { return "mandelbrot"; }

    @Override
    public long run() {
        long total = 0;
        for (int py = 0; py < SIZE; py++) {
            double ci = py * 2.4 / SIZE - 1.2;
            for (int px = 0; px < SIZE; px++) {
                double cr = px * 3.0 / SIZE - 2.1;
                double zr = 0, zi = 0;
                int n = 0;
                while (n < MAX_ITER && zr * zr + zi * zi <= 4.0) {
                    double t = zr * zr - zi * zi + cr;
                    zi = 2 * zr * zi + ci;
                    zr = t;
                    n++;
                }
                total += n;
            }
        }
        return total;
    }
}
