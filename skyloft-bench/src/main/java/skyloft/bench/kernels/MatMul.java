package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Dense double matrix multiply, i-k-j order: three nested counted loops, FP-bound. */
public final class MatMul implements CpuKernel {
    private static final int N = 180;
    private final double[][] a = new double[N][N];
    private final double[][] b = new double[N][N];

    public MatMul() {
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                a[i][j] = (i * 31 + j * 17) % 13 - 6;
                b[i][j] = (i * 7 + j * 29) % 11 - 5;
            }
        }
    }

    @Override public String name() { return "matmul"; }

    @Override
    public long run() {
        double[][] c = new double[N][N];
        for (int i = 0; i < N; i++) {
            double[] ci = c[i];
            double[] ai = a[i];
            for (int k = 0; k < N; k++) {
                double aik = ai[k];
                double[] bk = b[k];
                for (int j = 0; j < N; j++) ci[j] += aik * bk[j];
            }
        }
        long sum = 0;
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) sum = sum * 31 + (long) c[i][j];
        return sum;
    }
}
