package skyloft.bench.kernels;

import java.util.HashMap;
import java.util.Map;
import skyloft.bench.CpuKernel;

/** HashMap inserts, lookups and removals with boxed keys: allocation and JDK calls dominate. */
public final class HashChurn implements CpuKernel {
    private static final int OPS = 150_000;

    @Override public String name() { return "hashmap"; }

    @Override
    public long run() {
        Map<Integer, Integer> m = new HashMap<>();
        long x = 0x9E3779B97F4A7C15L, sum = 0;
        for (int i = 0; i < OPS; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int key = (int) (x & 0xFFFF);
            switch ((int) ((x >>> 20) & 3)) {
                case 0, 1 -> m.merge(key, 1, Integer::sum);
                case 2 -> {
                    Integer v = m.get(key);
                    if (v != null) sum += v;
                }
                default -> m.remove(key);
            }
        }
        return sum * 31 + m.size();
    }
}
