package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skyloft.sim.SimResult;
import skyloft.util.JsonReader;

/** {@code skyloft sim --loads}: every policy at every load, one table per task, and the SLO's highest load. */
class SimSweepTest {

    /** A bimodal stream and a batch hog on one CPU under rr. */
    private static Path scenario(Path dir) throws Exception {
        Path f = dir.resolve("sweep.yaml");
        Files.writeString(f, """
                name: sweep
                cpus: 1
                duration: 30ms
                seed: 5
                policy: rr
                params: {slice: 20us}
                tasks:
                  - name: req
                    type: poisson
                    load: 0.5
                    service:
                      bimodal:
                        - {p: 0.99, value: 5us}
                        - {p: 0.01, value: 500us}
                  - {name: batch, type: hog, nice: 19}
                """);
        return f;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPolicyRunsAtEveryLoadAndTheSloPicksTheHighestLoadBelowTheFirstMiss(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sweep.json");
        SimOutputsTest.Run r = SimOutputsTest.run("sim", scenario(dir).toString(), "--loads", "0.2,0.4,0.8",
                "--compare", "rr,fifo", "--slo", "300us", "--json", json.toString());
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("sweep: Poisson streams at loads 0.2, 0.4, 0.8 of 1 CPU, 2 policies, 30ms simulated each, seed 5"), out);
        assertTrue(out.contains("req: p99 latency\n") && out.contains("batch: CPU share, %\n"), out);
        assertTrue(out.contains("\n  rr[slice=20us] ") && out.contains("\n  fifo "), out);

        Map<String, Object> doc = (Map<String, Object>) JsonReader.parse(Files.readString(json));
        assertEquals(List.of(0.2, 0.4, 0.8), doc.get("loads"));
        List<Map<String, Object>> runs = (List<Map<String, Object>>) doc.get("runs");
        assertEquals(6, runs.size(), "three loads x two policies");
        Map<String, Object> best = (Map<String, Object>) doc.get("max_load_at_slo");
        for (String label : List.of("rr[slice=20us]", "fifo")) {
            List<double[]> curve = new ArrayList<>(); // {load, p99 us, released}
            for (Map<String, Object> run : runs) {
                if (!run.get("label").equals(label)) continue;
                Map<String, Object> req = (Map<String, Object>) ((Map<String, Object>) run.get("tasks")).get("req");
                Object p99 = req.get("latency_p99_us"); // null: nothing completed (fifo behind the hog), a miss
                curve.add(new double[] {((Number) run.get("load")).doubleValue(), p99 == null ? Double.POSITIVE_INFINITY : ((Number) p99).doubleValue(),
                        ((Number) req.get("released")).doubleValue()});
            }
            assertEquals(3, curve.size(), label);
            assertTrue(curve.get(2)[2] > 3 * curve.get(0)[2], label + ": 0.8 releases about four times the requests of 0.2");
            // the highest load before the first miss, from the runs' own p99s
            Double expected = null;
            for (double[] c : curve) {
                if (c[1] > 300) break;
                expected = c[0];
            }
            Object got = best.get(label);
            assertEquals(expected, got == null ? null : ((Number) got).doubleValue(), label + " " + best);
            String shown = expected == null ? "none (the lowest load missed)" : SimResult.loadText(expected);
            assertTrue(out.contains(label + " " + shown), out);
        }
        assertTrue(best.get("fifo") == null || ((Number) best.get("fifo")).doubleValue() < 0.8,
                "fifo puts the 5-us requests behind 500-us ones: " + best);
        assertEquals("p99 <= 300us", doc.get("slo"));
    }

    @Test
    void oneRunsPolicyIsTheFilesOrTheCommandLines(@TempDir Path dir) throws Exception {
        SimOutputsTest.Run r = SimOutputsTest.run("sim", scenario(dir).toString(), "--loads", "0.3", "--policy", "rr[slice=50us]");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\n  rr[slice=50us] "), r.out());
        r = SimOutputsTest.run("sim", scenario(dir).toString(), "--loads", "0.3");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\n  rr[slice=20us] "), "the file's policy with its parameters: " + r.out());
    }

    @Test
    void badLoadsAndClashesAreRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        String f = scenario(dir).toString();
        String[][] cases = {
                {"skyloft: --loads: 'x' is not a number; allowed loads above 0 and at most 10", "--loads", "0.5,x"},
                {"skyloft: --loads '0.5,' has an empty entry", "--loads", "0.5,"},
                {"skyloft: --loads: 0 is out of range", "--loads", "0"},
                {"skyloft: --loads: 10.5 is out of range", "--loads", "10.5"},
                {"skyloft: --loads: 0.50 is given twice", "--loads", "0.5,0.50"},
                {"skyloft: --slo 10x needs --loads", "--slo", "10x"},
                {"skyloft: --slo: 'fast' is not a duration", "--loads", "0.5", "--slo", "fast"},
                {"skyloft: --loads runs the scenario many times and cannot be combined with --gantt", "--loads", "0.5", "--gantt", dir.resolve("g.svg").toString()},
                {"skyloft: --loads runs the scenario many times and cannot be combined with --param; with --compare", "--loads", "0.5", "--compare", "rr,fifo", "--param", "slice=30us"},
                {"skyloft: --compare entry 'nosuch': unknown policy", "--loads", "0.5", "--compare", "rr,nosuch"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("sim", f));
            args.addAll(List.of(c).subList(1, c.length));
            SimOutputsTest.Run r = SimOutputsTest.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().startsWith(c[0]), c[0] + " | " + r.err());
            assertEquals("", r.out(), "nothing ran");
        }
        SimOutputsTest.Run r = SimOutputsTest.run("sim", f, "--loads", "0.5", "--slo", "fast");
        assertTrue(r.err().contains("or a p99 slowdown such as 10x"), r.err());
        assertTrue(!Files.exists(dir.resolve("g.svg")));
    }
}
