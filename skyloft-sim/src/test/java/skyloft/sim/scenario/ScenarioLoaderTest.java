package skyloft.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skyloft.sim.SimResult;

/** Scenario files: what a good one becomes, and that bad ones name file, field, value and what is allowed. */
class ScenarioLoaderTest {

    static Scenario parse(String text) {
        return ScenarioLoader.parse("bad.yaml", "bad", text);
    }

    /** Asserts the error mentions the file and every fragment. */
    static void refused(String text, String... fragments) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(text));
        String m = e.getMessage();
        assertTrue(m.startsWith("bad.yaml: "), m);
        for (String f : fragments) assertTrue(m.contains(f), "missing '" + f + "' in: " + m);
    }

    static final String GOOD = """
            # a comment
            name: demo
            cpus: 2
            duration: 20ms
            seed: 9
            tick: 50us
            policy: rr
            params: {slice: 20us}
            costs: {switch: 200ns, preempt_delay: 2us, migration: 0}
            tasks:
              - {name: rt, type: periodic, runtime: 500us, period: 2ms, offset: 100us}
              - name: web
                type: poisson
                rate: 10k/s
                service: {mix: [{p: 0.9, value: {exp: 5us}}, {p: 0.1, value: {lognormal: {mean: 50us, sigma: 1.0}}}]}
                app: lc
              - {name: bg, type: hog, count: 2, nice: 5}
              - {name: io, type: phases, run: 20us, sleep: {exp: 200us}}
            """;

    @Test
    void aGoodFileParsesAndRuns() {
        Scenario s = parse(GOOD);
        assertEquals("demo", s.name());
        assertEquals(2, s.cpus());
        assertEquals(20_000_000, s.durationNs());
        assertEquals(50_000, s.tickNs());
        assertEquals(200, s.costs().switchNs());
        assertEquals(2_000, s.costs().preemptDelayNs());
        assertEquals(List.of("rt", "web", "bg", "io"), s.tasks().stream().map(Scenario.TaskSpec::name).toList());
        SimResult r = s.run(null);
        assertEquals("rr", r.policy());
        assertEquals(10, r.row("rt").completed());
        assertEquals(2, r.row("bg").tasks());
        assertTrue(r.row("web").completed() > 100, "web " + r.row("web").completed());
        assertTrue(r.row("io").completed() > 10);
    }

    @Test
    void aPolicyMayCarryItsParametersInBracketsButNotAlsoInParams() {
        Scenario s = parse("duration: 1ms\npolicy: rr[slice=20us]\nparams: {}\ntasks: [{name: a, type: hog}]\n");
        assertEquals("rr", s.policy());
        assertEquals(java.util.Map.of("slice", "20us"), s.params());
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> parse("duration: 1ms\npolicy: rr[slice=20us]\nparams: {slice: 30us}\ntasks: [{name: a, type: hog}]\n"));
        assertTrue(e.getMessage().endsWith(": policy: policy parameter 'slice' is given in rr[slice=20us] and in params: (slice=30us); "
                + "allowed each parameter once"), e.getMessage());
        e = assertThrows(ScenarioException.class, () -> parse("duration: 1ms\npolicy: rr[slice\ntasks: [{name: a, type: hog}]\n"));
        assertTrue(e.getMessage().contains("policy: 'rr[slice' is not of the form NAME or NAME[name=value,...]"), e.getMessage());
    }

    @Test
    void ratesAndLoadsAreConverted() {
        Scenario s = parse("""
                duration: 1s
                tasks:
                  - {name: a, type: poisson, rate: 2.5M/s, service: 100ns}
                  - {name: b, type: poisson, rate: 500/ms, service: 1us}
                  - {name: c, type: poisson, rate: 0.2/us, service: 2us}
                  - {name: d, type: poisson, rate: 40k/s, service: 10us}
                """);
        // the CPUs a rate keeps busy: requests per second x mean service, whatever the unit
        double[] expected = {0.25, 0.5, 0.4, 0.4};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.tasks().get(i).rateCpus(), 1e-9, s.tasks().get(i).name());
        }
        long released = parse("""
                duration: 50ms
                tasks: [{name: a, type: poisson, rate: 400/ms, service: 1us}]
                """).run(null).row("a").released();
        assertEquals(20_000, released, 600, "400/ms for 50ms: about 20k requests (sd 141)");
        SimResult r = parse("""
                duration: 100ms
                cpus: 2
                tasks:
                  - {name: a, type: poisson, load: 0.5, service: 10us}
                """).run(null);
        assertEquals(0.5, r.row("a").cpuShare(), 0.03, "load 0.5 of 2 CPUs");
    }

    @Test
    void withCpusKeepsALoadAndScalesItsRateButNotAFixedRate() {
        Scenario s = parse("""
                duration: 100ms
                cpus: 2
                tasks:
                  - {name: byload, type: poisson, load: 0.4, service: 10us}
                  - {name: byrate, type: poisson, rate: 10k/s, service: 10us}
                """);
        SimResult two = s.run(null), eight = s.withCpus(8).run(null);
        assertEquals(8, eight.cpus());
        double ratio = (double) eight.row("byload").completed() / two.row("byload").completed();
        assertEquals(4.0, ratio, 0.2, "a load of 0.4 on 8 CPUs is four times the requests of 0.4 on 2");
        assertEquals(two.row("byrate").released(), eight.row("byrate").released(), two.row("byrate").released() * 0.1, "a fixed rate stays");
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.withCpus(0));
        assertTrue(e.getMessage().contains("--cpus 0") && e.getMessage().contains("1..1024"), e.getMessage());
    }

    @Test
    void withLoadScalesThePoissonStreamsTogetherAndLeavesTheRest() {
        Scenario s = parse("""
                duration: 200ms
                cpus: 2
                tasks:
                  - {name: byload, type: poisson, load: 0.1, service: 10us}
                  - {name: byrate, type: poisson, rate: 30k/s, service: 10us}
                  - {name: hog, type: hog}
                """);
        assertEquals(0.25, s.streamLoad(), 1e-9, "0.1 + 30k/s x 10us / 2 CPUs");
        Scenario at = s.withLoad(0.5, "--loads");
        assertEquals(0.5, at.streamLoad(), 1e-9);
        assertEquals(0.2, at.tasks().get(0).loadOn(2), 1e-9, "each keeps its share of the sum: 0.1 of 0.25");
        assertEquals(0.3, at.tasks().get(1).loadOn(2), 1e-9);
        assertEquals(0.3, at.withCpus(8).tasks().get(1).loadOn(8), 1e-9, "a rate scaled by --loads is a load now, kept on other CPU counts");
        SimResult before = s.run(null), after = at.run(null);
        assertEquals(2.0, (double) after.row("byload").released() / before.row("byload").released(), 0.15, "twice the requests");
        assertEquals(2.0, (double) after.row("byrate").released() / before.row("byrate").released(), 0.1);
        assertEquals(s.tasks().get(2), at.tasks().get(2), "the hog is the same entry");
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.withLoad(0, "--loads"));
        assertTrue(e.getMessage().contains("--loads 0 is out of range") && e.getMessage().contains("at most 10"), e.getMessage());
        Scenario noStream = parse("""
                duration: 1ms
                cpus: 1
                tasks:
                  - {name: a, type: hog}
                """);
        e = assertThrows(ScenarioException.class, () -> noStream.withLoad(0.5, "--loads"));
        assertTrue(e.getMessage().contains("scales the Poisson streams, and this scenario has none") && e.getMessage().contains("a (hog)"), e.getMessage());
    }

    @Test
    void withCostsReplacesTheNamedCostsAndRefusesOthers() {
        Scenario s = parse(GOOD).withCosts("lock=280ns,migration=1us");
        assertEquals(280, s.costs().lockNs());
        assertEquals(1_000, s.costs().migrationNs());
        assertEquals(200, s.costs().switchNs(), "the file's switch cost stays");
        assertEquals(280, parse(GOOD.replace("migration: 0}", "migration: 0, lock: 280ns}")).costs().lockNs(), "a file can give the lock too");
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts("locks=1us"));
        assertTrue(e.getMessage().contains("'locks'") && e.getMessage().contains("allowed idle_spin, lock, migration, preempt_delay, switch, wake"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> parse(GOOD).withCosts("lock=fast"));
        assertTrue(bad.getMessage().contains("--costs lock") && bad.getMessage().contains("fast"), bad.getMessage());
        assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts("lock"));
    }

    @Test
    void aCostListWithAnEmptyEntryIsRefusedAsEveryListIs() {
        for (String spec : List.of("lock=280ns,", ",lock=280ns", "lock=280ns,,switch=1us")) {
            ScenarioException e = assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts(spec));
            assertEquals("--costs '" + spec + "' has an empty entry; allowed name=duration entries separated by single commas, e.g. lock=280ns,switch=110ns",
                    e.getMessage());
        }
    }

    @Test
    void aCostGivenTwiceOnTheCommandLineIsRefusedAsInAFile() {
        // a file with two lock keys is refused (duplicate key); --costs must not quietly keep the last
        refused("duration: 1ms\ncosts: {lock: 1ns, lock: 2ns}\ntasks: [{name: a, type: hog}]", "duplicate key lock");
        ScenarioException e = assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts("lock=1ns,switch=5ns,lock=2ns"));
        assertEquals("--costs: lock is given twice (1ns and 2ns); allowed each cost once", e.getMessage());
    }

    @Test
    void aWakeCostAndAnIdleSpinFromTheFileOrTheCommandLine() {
        Scenario s = parse(GOOD);
        assertEquals(0, s.costs().wakeNs(), "no wake cost unless given");
        Scenario w = s.withCosts("wake=30us,idle_spin=20us..2ms");
        assertEquals(30_000, w.costs().wakeNs());
        assertEquals(20_000, w.costs().idleSpinMinNs());
        assertEquals(2_000_000, w.costs().idleSpinMaxNs());
        Scenario fixed = s.withCosts("wake=30us,idle_spin=50us");
        assertEquals(50_000, fixed.costs().idleSpinMinNs());
        assertEquals(50_000, fixed.costs().idleSpinMaxNs());
        Scenario f = parse(GOOD.replace("migration: 0}", "migration: 0, wake: 30us, idle_spin: 20us..5ms}"));
        assertEquals(30_000, f.costs().wakeNs());
        assertEquals(5_000_000, f.costs().idleSpinMaxNs());
        assertEquals(20_000, parse(GOOD.replace("migration: 0}", "migration: 0, wake: 30us}")).costs().idleSpinMinNs(),
                "the runtime's default spin");
        refused(GOOD.replace("migration: 0}", "migration: 0, idle_spin: 20us}"), "costs.idle_spin", "without costs.wake");
        refused(GOOD.replace("migration: 0}", "migration: 0, wake: 30us, idle_spin: 5ms..20us}"), "costs.idle_spin", "maximum is below the minimum");
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.withCosts("idle_spin=1ms..1us"));
        assertTrue(e.getMessage().contains("--costs idle_spin") && e.getMessage().contains("maximum is below the minimum"), e.getMessage());
    }

    @Test
    void aFileAndTheCommandLineGiveCostsByTheSameRules() {
        refused(GOOD.replace("migration: 0}", "migration: 0, lock: 10s}"), "bad.yaml: costs.lock: 10s is out of range; allowed 0 to 1s");
        ScenarioException lock = assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts("lock=10s"));
        assertEquals("--costs lock: 10s is out of range; allowed 0 to 1s", lock.getMessage());
        ScenarioException spin = assertThrows(ScenarioException.class, () -> parse(GOOD).withCosts("idle_spin=20us"));
        assertTrue(spin.getMessage().startsWith("--costs idle_spin: 20us has no effect without --costs wake"), spin.getMessage());
        assertEquals(20_000, parse(GOOD).withCosts("wake=30us").withCosts("idle_spin=20us").costs().idleSpinMaxNs(), "a wake cost given before counts");
        refused(GOOD.replace("migration: 0}", "migration: 0, idle_spin: 20us}"), "bad.yaml: costs.idle_spin: 20us has no effect without costs.wake");
    }

    @Test
    void durationsTicksAndRatesHaveSaneMaxima() {
        refused("duration: 10ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: {exp: 4000000000s}}]",
                "bad.yaml: tasks[0] (a).service.exp: 4000000000s is out of range; allowed 0 to 3600s");
        refused("duration: 99999999999999999999s\ntasks: [{name: a, type: hog}]",
                "bad.yaml: duration: '99999999999999999999s' is out of range; allowed a positive duration up to 3600s");
        refused("duration: 7200s\ntasks: [{name: a, type: hog}]", "bad.yaml: duration: '7200s' is out of range; allowed a positive duration up to 3600s");
        // what is allowed is what the field takes: a run of 0 is refused, a tick of 0 is not
        refused("duration: -5ms\ntasks: [{name: a, type: hog}]", "bad.yaml: duration: '-5ms' is out of range; allowed a positive duration up to 3600s");
        refused("duration: 0\ntasks: [{name: a, type: hog}]", "bad.yaml: duration: 0 is out of range; allowed a positive duration up to 3600s");
        refused("duration: 10ms\ntick: -1us\ntasks: [{name: a, type: hog}]", "bad.yaml: tick: '-1us' is out of range; allowed 0 (no ticks) or 1us to 100ms");
        refused("duration: 10ms\ntick: 5\ntasks: [{name: a, type: hog}]", "bad.yaml: tick: 5 is not a duration; allowed a number with a unit ns, us, ms or s: 0 (no ticks) or 1us to 100ms");
        refused("duration: 10ms\ntasks: [{name: a, type: periodic, runtime: 1ms, period: 3601s}]", "tasks[0] (a).period: 3601s is out of range");
        refused("duration: 10ms\ntasks: [{name: a, type: hog, offset: 4000000000s}]", "tasks[0] (a).offset");
        refused("duration: 10ms\ntick: 500ns\ntasks: [{name: a, type: hog}]", "bad.yaml: tick: '500ns' is out of range; allowed 0 (no ticks) or 1us to 100ms");
        // decimal bounds read as written, not 1.0E-6 to 10.0
        refused("duration: 10ms\ntasks: [{name: a, type: poisson, load: 10.5, service: 1us}]", "tasks[0] (a).load: 10.5 is out of range; allowed 0.000001 to 10");
        refused("duration: 10ms\ntasks: [{name: a, type: poisson, load: 0, service: 1us}]", "tasks[0] (a).load: 0 is out of range; allowed 0.000001 to 10");
        refused("duration: 10ms\ntick: 1s\ntasks: [{name: a, type: hog}]", "tick", "1us to 100ms");
        assertEquals(0, parse("duration: 10ms\ntick: 0\ntasks: [{name: a, type: hog}]").tickNs());
        refused("duration: 10ms\ncpus: 2\ntasks: [{name: a, type: poisson, rate: 1M/s, service: 100us}]",
                "bad.yaml: tasks[0] (a).rate: '1M/s' with a mean service of 100us is a load of 50 on 2 CPUs; allowed at most 10, as for load");
        Scenario s = parse("duration: 10ms\ncpus: 16\ntasks: [{name: a, type: poisson, rate: 1M/s, service: 100us}]");
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.withCpus(4));
        assertEquals("bad.yaml: --cpus 4: the rate of a is a load of 25 on 4 CPUs; allowed at most 10", e.getMessage());
    }

    @Test
    void aRateSoLowThatItsGapsOverflowANanosecondClockReleasesNothing() {
        // a mean gap of 1e21 ns is past a long: were the gap not capped, offset + gap would wrap
        // below zero and the first request would arrive at t=0, before its offset
        Scenario s = parse("duration: 10ms\ntasks: [{name: a, type: poisson, rate: 0.000000000001/s, offset: 1ms, service: 1us}]");
        SimResult r = s.run(null);
        assertEquals(0, r.row("a").released(), "no request arrives in 10ms at one per 31,000 years");
        assertEquals(0.0, r.row("a").cpuShare());
    }

    @Test
    void namesAreKeptAsWrittenEvenWhereYamlReadsANumberOrABoolean() {
        // YAML reads 010 as the integer 8, 1.50 as 1.5 and on as true: names must not change so
        Scenario s = parse("name: 1.10\nduration: 1ms\ntasks:\n  - {name: 010, type: hog, app: on}\n  - {name: 1.50, type: hog}\n"
                + "  - {name: on, type: hog}\n  - {name: 8, type: hog}\n");
        assertEquals("1.10", s.name());
        assertEquals(List.of("010", "1.50", "on", "8"), s.tasks().stream().map(Scenario.TaskSpec::name).toList());
        SimResult r = s.run(null);
        assertEquals(List.of("010", "1.50", "on", "8"), r.rows().stream().map(SimResult.Row::name).toList());
        refused("duration: 1ms\ntasks: [{name: 010, type: hog}, {name: 010, type: hog}]", "tasks[1].name: '010' is used twice");
    }

    @Test
    void aNameThatNoOutputCanHoldIsRefusedNamingTheCharacter() {
        // U+FFFE made the SVG chart invalid XML; an unpaired surrogate failed every output after the run ("Input length = 1")
        refused("name: \"run\\uFFFEx\"\nduration: 1ms\ntasks: [{name: a, type: hog}]",
                "bad.yaml: name: 'run\\uFFFEx' is not printable text (U+FFFE); allowed text without control characters, unpaired surrogates or noncharacters");
        refused("name: \"run\\uD800x\"\nduration: 1ms\ntasks: [{name: a, type: hog}]", "name: 'run\\uD800x' is not printable text (U+D800)");
        refused("duration: 1ms\ntasks: [{name: a, type: hog, app: \"w\\x01x\"}]", "tasks[0] (a).app: 'w\\u0001x' is not printable text (U+0001)");
        assertEquals("caf\u00e9 \u6f22\ud83d\ude00", parse("name: \"caf\u00e9 \u6f22\ud83d\ude00\"\nduration: 1ms\ntasks: [{name: a, type: hog}]").name());
    }

    @Test
    void aPeriodicJobOfNoWorkIsRefusedNotRunAsItsRuntime() {
        // exec: 0 was taken for "not given" and each job ran the full runtime
        refused("duration: 10ms\ntasks: [{name: a, type: periodic, runtime: 1ms, period: 2ms, exec: 0}]",
                "bad.yaml: tasks[0] (a).exec: 0 must be positive; allowed the CPU each job needs, e.g. 500us (default: the runtime)");
        refused("duration: 10ms\ntasks: [{name: a, type: periodic, runtime: 1ms, period: 2ms, exec: 0.1ns}]", "tasks[0] (a).exec: '0.1ns' must be positive");
        assertEquals(0.25, parse("duration: 10ms\ntasks: [{name: a, type: periodic, runtime: 1ms, period: 2ms, exec: 500us}]").run(null).row("a").cpuShare(), 1e-9);
    }

    @Test
    void aStreamFasterThanOneArrivalPerNanosecondKeepsItsRate() {
        // 10G/s is allowed (a load of 10 with 1ns requests), and 1024 CPUs at a load of 0.5 with 1us
        // requests ask 512M/s; gaps rounded one by one to whole ns (at least 1) gave at most 1G/s,
        // and 1G/s itself about 0.74G/s
        for (String rate : List.of("10G/s", "1G/s", "100M/s")) {
            double perSec = switch (rate) { case "10G/s" -> 1e10; case "1G/s" -> 1e9; default -> 1e8; };
            SimResult r = parse("duration: 10us\ntick: 0\ntasks: [{name: a, type: poisson, rate: " + rate + ", service: 1ns}]").run(null);
            double expected = perSec * 10e-6;
            assertEquals(expected, r.row("a").released(), 4 * Math.sqrt(expected), rate + ": requests in 10us");
        }
    }

    @Test
    void durationWithoutUnitIsRefused() {
        refused("duration: 20\ntasks: [{name: a, type: hog}]", "duration", "20", "allowed", "unit");
        refused("duration: 20ms\ntasks: [{name: t2, type: periodic, runtime: 2ms, period: 7}]", "tasks[0] (t2).period", "7", "allowed");
        refused("duration: 20ms\ntasks: [{name: t2, type: periodic, runtime: 2xs, period: 7ms}]", "tasks[0] (t2).runtime", "2xs", "ns, us, ms or s");
    }

    @Test
    void unknownFieldsTypesAndMissingFieldsAreRefused() {
        refused("duration: 20ms\ntasks: [{name: a, type: hog, prio: 3}]", "tasks[0] (a).prio", "not a known field", "allowed", "nice");
        refused("duration: 20ms\ntasks: [{name: a, type: periodic2}]", "tasks[0] (a).type", "periodic2", "allowed hog, periodic, phases, poisson");
        refused("duration: 20ms\ntasks: [{name: a, type: periodic, period: 5ms}]", "tasks[0] (a).runtime", "required");
        refused("tasks: [{name: a, type: hog}]", "duration", "required");
        refused("duration: 20ms\ncpu: 2\ntasks: [{name: a, type: hog}]", "(top level).cpu", "allowed", "cpus");
        refused("duration: 20ms\ntasks: []", "tasks", "non-empty list");
        refused("duration: 20ms\ntasks: [{name: a, type: hog}, {name: a, type: hog}]", "tasks[1].name", "'a'", "unique");
    }

    @Test
    void badNumbersRatesAndDistributionsAreRefused() {
        refused("duration: 20ms\ncpus: 0\ntasks: [{name: a, type: hog}]", "cpus", "0", "allowed an integer 1..1024");
        refused("duration: 20ms\ntasks: [{name: a, type: hog, nice: 25}]", "tasks[0] (a).nice", "25", "-20..19");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 100k, service: 5us}]", "tasks[0] (a).rate", "'100k'", "100k/s");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, load: 0.5, service: 5us}]", "exactly one");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: {mix: [{p: 0.5, value: 1us}, {p: 0.4, value: 2us}]}}]",
                "tasks[0] (a).service.mix", "0.900000", "sum to 1");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: {gamma: 3us}}]", "service", "'gamma'", "allowed", "lognormal");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: {bimodal: [{p: 0.3, value: 1us}, {p: 0.3, value: 1us}, {p: 0.4, value: 1us}]}}]",
                "bimodal needs exactly 2");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: {Bimodal: [{p: 0.3, value: 1us}, {p: 0.3, value: 1us}, {p: 0.4, value: 1us}]}}]",
                "bimodal needs exactly 2"); // the kind is read in any case, and so is this rule
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: 5us, workers: 0}]", "tasks[0] (a).workers", "0", "1..100000");
        refused("duration: 20ms\ntasks: [{name: a, type: poisson, rate: 1k/s, service: 5us, workers: many}]", "tasks[0] (a).workers", "many", "integer");
        refused("duration: 20ms\ntasks: [{name: a, type: hog, workers: 2}]", "tasks[0] (a).workers", "not a known field");
    }

    @Test
    void anIntegerBeyondSixtyFourBitsIsOutOfRangeNotNoInteger() {
        refused("seed: 99999999999999999999999\nduration: 1ms\ntasks: [{name: a, type: hog}]",
                "bad.yaml: seed: 99999999999999999999999 is out of range; allowed a 64-bit integer, -9223372036854775808..9223372036854775807");
        refused("cpus: 99999999999999999999\nduration: 1ms\ntasks: [{name: a, type: hog}]",
                "bad.yaml: cpus: 99999999999999999999 is out of range; allowed an integer 1..1024");
    }

    @Test
    void aPeriodicTaskWithARuntimeOrPeriodOfZeroIsToldItMustBePositive() {
        refused("duration: 1ms\ntasks: [{name: a, type: periodic, runtime: 0, period: 1ms}]",
                "bad.yaml: tasks[0] (a).runtime: 0 must be positive for a periodic task; allowed a positive duration, e.g. 2ms");
        refused("duration: 1ms\ntasks: [{name: a, type: periodic, runtime: 100us, period: 0ns}]",
                "bad.yaml: tasks[0] (a).period: '0ns' must be positive for a periodic task; allowed a positive duration, e.g. 5ms");
        refused("duration: 1ms\ntasks: [{name: a, type: periodic, period: 1ms}]",
                "bad.yaml: tasks[0] (a).runtime: (missing) is required for a periodic task");
    }

    @Test
    void aTaskThatWouldNeverStartAndBeAppsNamingNoTasksAppAreWarnedOf() {
        Scenario s = parse("duration: 1ms\ntasks:\n  - {name: late, type: hog, offset: 3600s}\n  - {name: edge, type: hog, offset: 1ms}\n"
                + "  - {name: ok, type: hog, app: batch}\n");
        assertEquals(List.of("task late starts at its offset 3600s, at or after the run's end at 1ms, so it never runs",
                "task edge starts at its offset 1ms, at or after the run's end at 1ms, so it never runs"), s.warnings(null, java.util.Map.of(), null));
        assertEquals(List.of("task late starts at its offset 3600s, at or after the run's end at 2ms, so it never runs"),
                s.warnings(null, java.util.Map.of(), 2_000_000L), "--duration decides");
        assertEquals(List.of("apps: be_apps names 'nonexistent', an application no task has (the tasks' apps: batch, default), so it makes no task best-effort"),
                s.warnings("apps", java.util.Map.of("be_apps", "batch+nonexistent"), 3_600_000_000_001L));
        assertEquals(List.of(), s.warnings("apps", java.util.Map.of(), 3_600_000_000_001L), "the default be_apps is not warned of");
        assertEquals(List.of(), s.warnings("fifo", java.util.Map.of("be_apps", "x"), 3_600_000_000_001L), "only apps reads be_apps");
    }

    /** be_cpus is checked against the file's CPUs when a run attaches the policy; YAML's 0 is the list 0. */
    @Test
    void appsCpuListsAreReadFromTheFileAndABadOneNamesIt() {
        Scenario s = parse("duration: 1ms\ncpus: 2\npolicy: apps\nparams: {be_cpus: 0}\n"
                + "tasks:\n  - {name: web, type: hog, app: web}\n  - {name: batch, type: hog, count: 2, app: batch}\n");
        SimResult r = s.run(null);
        assertEquals(0.5, r.row("batch").cpuShare(), 0.01, "batch has CPU 0, web CPU 1 (a CPU running BE is taken only if no other is idle)");
        assertEquals("0", r.params().get("be_cpus"));
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.run("apps", java.util.Map.of("lc_cpus", "1-2"), null, null, null));
        assertTrue(e.getMessage().startsWith("bad.yaml: policy apps parameter lc_cpus: '1-2' names CPU 2, but this host has 2 CPUs (0-1)"), e.getMessage());
    }

    @Test
    void aPoissonStreamWithWorkersIsServedByThatManyTasks() {
        Scenario s = parse("duration: 20ms\ncpus: 2\ntasks: [{name: web, type: poisson, rate: 100k/s, service: 5us, workers: 3}]");
        SimResult.Row r = s.run(null).row("web");
        assertEquals(3, r.tasks());
        assertTrue(r.completed() > 1_500, "completed " + r.completed());
        SimResult.Row each = parse("duration: 20ms\ncpus: 2\ntasks: [{name: web, type: poisson, rate: 100k/s, service: 5us}]").run(null).row("web");
        assertEquals(each.completed(), each.tasks(), "without workers, a task per request");
    }

    @Test
    void deadlineParametersOutOfOrderAreRefusedWithTheTask() {
        refused("duration: 20ms\ntasks: [{name: t1, type: periodic, runtime: 6ms, deadline: 5ms, period: 5ms}]",
                "tasks[0] (t1)", "runtime <= deadline <= period", "6ms");
    }

    @Test
    void brokenYamlIsRefused() {
        refused("duration: 20ms\ntasks: [{name: a, type: hog}\n", "not a valid YAML file");
        refused("duration: 20ms\nduration: 30ms\ntasks: [{name: a, type: hog}]", "not a valid YAML file", "duration");
    }

    @Test
    void aMissingOrBinaryFileIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("nonexist.yaml");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(none));
        assertEquals(none + ": the scenario file does not exist", e.getMessage());
        Path bin = Files.write(dir.resolve("ls"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, (byte) 0xc3, (byte) 0x28});
        e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(bin));
        assertEquals(bin + ": the file is not UTF-8 text; expected a scenario file (YAML)", e.getMessage());
        e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(dir));
        assertEquals(dir + ": cannot read the scenario file: it is a directory", e.getMessage());
    }

    @Test
    void anUnknownPolicyIsNamedWhenRun() {
        Scenario s = parse("duration: 1ms\npolicy: nosuch\ntasks: [{name: a, type: hog}]");
        ScenarioException e = assertThrows(ScenarioException.class, () -> s.run(null));
        assertTrue(e.getMessage().contains("bad.yaml: policy") && e.getMessage().contains("nosuch") && e.getMessage().contains("fifo"), e.getMessage());
    }
}
