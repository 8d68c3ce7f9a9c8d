package skyloft.bench.kernels;

import skyloft.bench.CpuKernel;

/** Table-driven CRC-32 over a byte array, written out by hand: the tightest loop of the suite. */
public final class Crc32 implements CpuKernel {
    private static final int[] TABLE = new int[256];
    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            TABLE[n] = c;
        }
    }

    private final byte[] data = new byte[1 << 20];

    public Crc32() {
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 131 + (i >>> 9));
    }

    @Override public String name() { return "crc32"; }

    @Override
    public long run() {
        int crc = 0xFFFFFFFF;
        byte[] d = data;
        for (int i = 0; i < d.length; i++) crc = TABLE[(crc ^ d[i]) & 0xFF] ^ (crc >>> 8);
        return ~crc & 0xFFFFFFFFL;
    }
}
