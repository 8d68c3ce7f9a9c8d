package skyloft.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Durations and ranges of durations as the command line and scenario files give them. */
class DurationsTest {

    @Test
    void unitsAndFormatting() {
        assertEquals(1_500, Durations.parseNs("x", "1.5us"));
        assertEquals(2_000_000, Durations.parseNs("x", " 2ms "));
        assertEquals("1.5us", Durations.format(1_500));
        assertEquals("2ms", Durations.format(2_000_000));
        assertEquals(0, Durations.parseNs("x", "0"), "zero needs no unit");
        assertEquals(0, Durations.parseNs("x", Durations.format(0)));
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--tick", "5"));
        assertTrue(e.getMessage().contains("--tick") && e.getMessage().contains("'5'"), e.getMessage());
    }

    @Test
    void aNegativeOrHugeDurationIsRefusedNamingWhatIsAllowed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--costs lock", "-1ns", 0, 1_000_000_000L));
        assertEquals("--costs lock: -1ns is negative; allowed 0 to 1s", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--duration", "99999999999999999999s", 1, 3_600_000_000_000L));
        assertEquals("--duration: 99999999999999999999s is out of range; allowed 1ns to 3600s", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--slices", "-1us"));
        assertEquals("--slices: '-1us' is negative; allowed a duration of 0 or more", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--slices", "99999999999999999999s"));
        assertEquals("--slices: '99999999999999999999s' is too large; allowed at most 4611686018s (about 146 years)", e.getMessage());
        assertEquals(0, Durations.parseNs("x", "-0us", 0, 10), "minus zero is zero");
    }

    @Test
    void aRangeIsOneDurationOrMinDotDotMax() {
        assertArrayEquals(new long[] {50_000, 50_000}, Durations.parseRangeNs("--idle-spin", "50us", 0, 10_000_000));
        assertArrayEquals(new long[] {20_000, 5_000_000}, Durations.parseRangeNs("--idle-spin", "20us..5ms", 0, 10_000_000));
        assertArrayEquals(new long[] {1_500, 1_500}, Durations.parseRangeNs("--idle-spin", "1.5us..1.5us", 0, 10_000_000));
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parseRangeNs("--idle-spin", "5ms..20us", 0, 10_000_000));
        assertTrue(e.getMessage().contains("--idle-spin 5ms..20us: the maximum is below the minimum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Durations.parseRangeNs("--idle-spin", "20us..20ms", 0, 10_000_000));
        assertTrue(e.getMessage().contains("20ms is out of range; allowed 0 to 10ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Durations.parseRangeNs("--idle-spin", "..1ms", 0, 10_000_000));
        assertTrue(e.getMessage().contains("empty duration"), e.getMessage());
    }
}
