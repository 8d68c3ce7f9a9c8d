package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A result read back from the JSON it wrote is the result, to the 4 digits the JSON keeps. */
class BenchResultJsonTest {

    @Test
    void aResultComesBackFromItsJson() {
        BenchResult r = new BenchResult("pipe").param("cores", 2).param("loads", List.of(0.5, 1)).param("complete", false)
                .param("nested", Map.of("k", 3));
        r.add(new BenchResult.Row("skyloft:fifo", "us_per_roundtrip", 0.5551, "us", Map.of("carriers", 1, "min", 0.4285)));
        r.add("platform", "us_per_roundtrip", Double.NaN, "us");
        r.add("platform", "big", 123_456.789, "1/s");
        BenchResult back = BenchResult.fromJson(r.toJson());
        assertEquals("pipe", back.benchmark());
        assertEquals(Map.of("cores", 2L, "loads", List.of(0.5, 1L), "complete", false, "nested", Map.of("k", 3L)), back.params());
        assertEquals(new BenchResult.Row("skyloft:fifo", "us_per_roundtrip", 0.5551, "us", Map.of("carriers", 1L, "min", 0.4285)), back.rows().get(0));
        assertTrue(Double.isNaN(back.rows().get(1).value()), "NaN was written as null");
        assertEquals(1.235e5, back.rows().get(2).value(), "4 significant digits, as written");
        assertEquals(skyloft.util.JsonReader.parse(r.toJson()), skyloft.util.JsonReader.parse(back.toJson()), "the same values written again");
        BenchResult whole = new BenchResult("x").param("rps", 210_500.0);
        assertEquals(210_500L, BenchResult.fromJson(whole.toJson()).params().get("rps"), "2.105e+05 is whole: it comes back as a long");
        assertTrue(BenchResult.latest() != back, "a result read back is not taken for one being measured");
    }

    @Test
    void aResultNamesTheRunThatMeasuredIt() {
        String old = System.getProperty(RunFacts.BUILD_PROPERTY);
        try {
            System.setProperty(RunFacts.BUILD_PROPERTY, "0123456789ab-dirty");
            BenchResult r = new BenchResult("pipe");
            BenchResult back = BenchResult.fromJson(r.toJson());
            assertEquals(r.run(), back.run(), "the run's facts come back");
            assertEquals("0123456789ab-dirty", back.run().get("build"));
            assertEquals((long) Runtime.getRuntime().availableProcessors(), back.run().get("cpus"));
            assertEquals(r.run().get("started_utc"), java.time.Instant.parse((String) back.run().get("started_utc")).toString(), "an ISO-8601 instant");
            assertEquals(r.run(), r.snapshot().run(), "a snapshot keeps them");
            String line = RunFacts.describe(back.run());
            assertTrue(line.startsWith("started " + back.run().get("started_utc") + ", build 0123456789ab-dirty, JDK "), line);
            assertTrue(line.endsWith(", " + Runtime.getRuntime().availableProcessors() + " CPUs"), line);
            System.clearProperty(RunFacts.BUILD_PROPERTY);
            assertEquals(null, new BenchResult("pipe").run().get("build"), "no build named: none guessed");
            assertTrue(Report.machine(2).get(Report.BUILD_FACT).startsWith("not known"), "and the report says it is not known");
        } finally {
            if (old == null) System.clearProperty(RunFacts.BUILD_PROPERTY); else System.setProperty(RunFacts.BUILD_PROPERTY, old);
        }
        BenchResult older = BenchResult.fromJson("{\"benchmark\": \"pipe\", \"params\": {}, \"rows\": []}");
        assertTrue(older.run().isEmpty(), "a file from before run facts reads back without them");
        assertEquals("no run facts (written by an older version)", RunFacts.describe(older.run()));
        assertTrue(!older.toJson().contains("\"run\""), "and is written back without them");
    }

    @Test
    void whatIsNotAResultIsRefusedSayingWhat() {
        var e = assertThrows(IllegalArgumentException.class, () -> BenchResult.fromJson("{\"a\": 1}"));
        assertTrue(e.getMessage().contains("needs \"benchmark\" and \"rows\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchResult.fromJson("{\"benchmark\": \"x\", \"rows\": [{\"system\": \"s\"}]}"));
        assertTrue(e.getMessage().contains("row 1 of x needs system, metric, value and unit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchResult.fromJson("{\"benchmark\": "));
        assertTrue(e.getMessage().startsWith("JSON: "), e.getMessage());
    }
}
