package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Builds a long CSV-like string with StringBuilder, then scans it back char by char. */
public final class StringBuild implements CpuKernel {
    private static final int ROWS = 60_000;

    @Override public String name() { return "strings"; }

    @Override
    public long run() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            sb.append("row").append(i).append(',').append(i * 7 % 1000).append(',');
            sb.append(i % 3 == 0 ? "fizz" : "buzz").append('\n');
        }
        String s = sb.toString();
        long h = 0;
        int fields = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '\n') fields++;
            else h = h * 31 + c;
        }
        return h ^ fields;
    }
}
