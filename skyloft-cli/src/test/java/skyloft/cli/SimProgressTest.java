package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A long single run says how far it is on stderr: first after 1 s of wall time, then every 2 s. */
class SimProgressTest {
    @Test
    void linesComeAfterTheFirstSecondThenEveryTwo() {
        long[] wallNs = {5_000_000_000L};
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SimProgress p = new SimProgress(8_000_000_000L, () -> wallNs[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
        long[][] steps = {{900_000_000L, 500_000_000L}, {1_200_000_000L, 1_000_000_000L}, {3_000_000_000L, 2_000_000_000L},
                {3_300_000_000L, 3_000_000_000L}, {5_400_000_000L, 6_000_000_000L}};
        for (long[] s : steps) {
            wallNs[0] = 5_000_000_000L + s[0];
            p.accept(s[1]);
        }
        assertEquals("""
                sim: 1s of 8s simulated (13%) in 1.2 s
                sim: 3s of 8s simulated (38%) in 3.3 s
                sim: 6s of 8s simulated (75%) in 5.4 s
                """, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aComparisonsRunNamesItsPolicy() {
        long[] wallNs = {0};
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SimProgress p = new SimProgress(4_000_000_000L, () -> wallNs[0], new PrintStream(buf, true, StandardCharsets.UTF_8), "rr[slice=20us]");
        p.accept(1_000_000L);
        wallNs[0] = 1_500_000_000L;
        p.accept(2_000_000_000L);
        assertEquals("sim: rr[slice=20us]: 2s of 4s simulated (50%) in 1.5 s\n", buf.toString(StandardCharsets.UTF_8));
    }
}
