package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import skyloft.sim.scenario.Scenario;
import skyloft.sim.scenario.ScenarioLoader;

/**
 * Every bundled scenario in examples/ runs, and each shows what its comment says. A scenario may
 * name one of the example policies of examples/policies (by its short name, as with
 * {@code sim --policy-path}): they are compiled once and found through the context class loader.
 */
class ExamplesTest {

    /** The example policies, compiled once with a services file listing them. */
    @TempDir
    static Path compiledPolicies;
    private static URLClassLoader examplePolicies;
    private ClassLoader loaderBefore;

    @BeforeAll
    static void compileTheExamplePolicies() throws IOException {
        Path root = examples().resolve("policies");
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        List<String> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), "-d", compiledPolicies.toString(), "-Xlint:none"));
        sources.forEach(p -> args.add(p.toString()));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = ToolProvider.getSystemJavaCompiler().run(null, log, log, args.toArray(String[]::new));
        assertEquals(0, code, "compiling " + sources + ": " + log.toString(StandardCharsets.UTF_8));
        // each source file's class, by its path under examples/policies (example/Mlfq.java: example.Mlfq)
        String listed = sources.stream().map(p -> root.relativize(p).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.java$", ""))
                .reduce("", (a, c) -> a + c + "\n");
        Path services = compiledPolicies.resolve("META-INF/services/skyloft.spi.SchedPolicy");
        Files.createDirectories(services.getParent());
        Files.writeString(services, listed);
        examplePolicies = new URLClassLoader(new URL[] {compiledPolicies.toUri().toURL()}, ExamplesTest.class.getClassLoader());
    }

    @AfterAll
    static void closeTheLoader() throws IOException {
        examplePolicies.close();
    }

    @BeforeEach
    void putTheExamplePoliciesOnTheContextLoader() {
        loaderBefore = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(examplePolicies);
    }

    @AfterEach
    void restoreTheContextLoader() {
        Thread.currentThread().setContextClassLoader(loaderBefore);
    }

    static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("skyloft-sim"))) return p.resolve("examples");
        }
        throw new IllegalStateException("no examples folder above " + here);
    }

    static Stream<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(examples())) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    static Scenario load(String name) {
        return ScenarioLoader.load(examples().resolve(name));
    }

    /** The example without its batch hogs (every line with {@code type: hog} removed): the service alone. */
    static Scenario withoutHogs(String name) throws IOException {
        String text = Files.readString(examples().resolve(name));
        String alone = text.lines().filter(l -> !l.contains("type: hog")).reduce("", (x, l) -> x + l + "\n");
        assertFalse(alone.equals(text), name + " has no hog line");
        return ScenarioLoader.parse(name + " alone", "alone", alone);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyBundledScenarioRunsAndStartsWithAComment(Path file) throws IOException {
        assertTrue(Files.readString(file).startsWith("#"), file + " should start with a comment saying what it shows");
        SimResult r = ScenarioLoader.load(file).run(null);
        assertFalse(r.rows().isEmpty());
        assertTrue(r.rows().stream().mapToDouble(SimResult.Row::cpuShare).sum() > 0.05, "something ran in " + file);
    }

    @Test
    void thereAreBundledScenarios() throws IOException {
        assertTrue(files().count() >= 6);
    }

    @Test
    void caseB_rmMissesAndEdfDoesNot() {
        Scenario s = load("rt-b-rm-misses-edf-meets.yaml");
        assertEquals(7_000_000, s.run(null).row("t2").firstMissNs());
        SimResult edf = s.run("deadline", Map.of("admission", "off"), null, null, null);
        assertEquals(0, edf.row("t1").deadlineMisses() + edf.row("t2").deadlineMisses());
    }

    @Test
    void dhallGlobalMissesPartitionedDoesNot() {
        Scenario s = load("dhall-2cpu.yaml");
        assertEquals(10_000_000, s.run(null).row("heavy").firstMissNs());
        SimResult part = s.run(null, Map.of("placement", "partitioned", "cap", "1.0"), null, null, null);
        assertEquals(0, part.rows().stream().mapToLong(SimResult.Row::deadlineMisses).sum());
    }

    @Test
    void cfsSharesFollowNiceWeightsAndRrIgnoresThem() {
        Scenario s = load("cfs-nice.yaml");
        SimResult cfs = s.run(null);
        assertEquals(2 * 1024.0 / 2383, cfs.row("nice0").cpuShare(), 0.01);
        assertEquals(335.0 / 2383, cfs.row("nice5").cpuShare(), 0.01);
        SimResult rr = s.run("rr", Map.of(), null, null, null);
        assertEquals(1.0 / 3, rr.row("nice5").cpuShare(), 0.01);
    }

    @Test
    void lcAtHalfLoadEevdfKeepsTheTailShorterThanRr() {
        Scenario s = load("lc-bimodal-50.yaml");
        double eevdf = s.run(null).row("req").latencyP99Us();
        double rr = s.run("rr", Map.of("slice", "30us"), null, null, null).row("req").latencyP99Us();
        assertTrue(eevdf < 50 && rr > 2 * eevdf, "eevdf p99 " + eevdf + "us vs rr p99 " + rr + "us");
    }

    @Test
    void bimodalFifoBlocksShortRequestsRrDoesNot() {
        Scenario s = load("bimodal-fifo-vs-rr.yaml");
        SimResult fifo = s.run(null);
        SimResult rr = s.run("rr", Map.of("slice", "20us"), null, null, null);
        double fifoP99 = fifo.row("req").latencyP99Us(), rrP99 = rr.row("req").latencyP99Us();
        assertTrue(fifoP99 > 5 * rrP99, "fifo p99 " + fifoP99 + "us vs rr p99 " + rrP99 + "us");
        // the file's comment: fifo's p99 about 2ms, rr's under 200us
        assertTrue(fifoP99 > 1_500 && fifoP99 < 2_500 && rrP99 < 200, "fifo p99 " + fifoP99 + "us vs rr p99 " + rrP99 + "us");
        assertEquals(5.0, fifo.row("req").latencyP50Us(), 0.1, "most requests are short and unhindered");
        assertEquals(List.of("req"), rr.rows().stream().map(SimResult.Row::name).toList());
    }

    @Test
    void eevdfSleepersWaitLessWhenTheirDebtIsPaidOffAsleep() {
        Scenario s = load("eevdf-sleepers.yaml");
        SimResult keep = s.run(null);
        SimResult decay = s.run("eevdf", Map.of("sleeplag", "decay"), null, null, null);
        SimResult.Row k = keep.row("worker"), d = decay.row("worker");
        // The worker's latency per burst is its 30us of running plus its waits: decay cuts the wait.
        assertTrue(d.latencyP99Us() < 0.85 * k.latencyP99Us(), "worker p99: keep " + k.latencyP99Us() + "us, decay " + d.latencyP99Us() + "us");
        assertTrue(d.latencyP50Us() < k.latencyP50Us(), "worker p50: keep " + k.latencyP50Us() + "us, decay " + d.latencyP50Us() + "us");
        assertTrue(d.completed() > k.completed(), "bursts done: keep " + k.completed() + ", decay " + d.completed());
    }

    @Test
    void runToParityMakesRequestsWaitOutTheHogsSliceAndPreemptShortUndoesIt() {
        Scenario s = load("eevdf-parity.yaml");
        SimResult.Row pick = s.run(null).row("req");
        SimResult.Row parity = s.run("eevdf", Map.of("wakeup", "parity"), null, null, null).row("req");
        SimResult.Row parityShort = s.run("eevdf", Map.of("wakeup", "parity_short"), null, null, null).row("req");
        assertTrue(pick.latencyP50Us() < 100 && parity.latencyP50Us() > 10 * pick.latencyP50Us(),
                "req p50: pick " + pick.latencyP50Us() + "us, parity " + parity.latencyP50Us() + "us");
        assertTrue(parityShort.latencyP50Us() < 100 && parityShort.latencyMeanUs() < 0.6 * parity.latencyMeanUs(),
                "req p50 / mean under parity_short: " + parityShort.latencyP50Us() + " / " + parityShort.latencyMeanUs() + "us, parity mean " + parity.latencyMeanUs());
    }

    @Test
    void appsKeepsTheServiceNearItsLatencyAloneWhileBatchTakesTheRest() throws IOException {
        Scenario s = load("apps-colocation.yaml"), alone = withoutHogs("apps-colocation.yaml");
        SimResult apps = s.run(null), rr = s.run("rr", Map.of(), null, null, null), cfs = s.run("cfs", Map.of(), null, null, null);
        double appsP99 = apps.row("web").latencyP99Us(), aloneP99 = alone.run("rr", Map.of(), null, null, null).row("web").latencyP99Us();
        assertTrue(appsP99 < 1.2 * aloneP99, "web p99 under apps " + appsP99 + "us, alone " + aloneP99 + "us");
        assertEquals(0.49, apps.row("batch").cpuShare(), 0.03, "batch gets what web leaves");
        double cfsP99 = cfs.row("web").latencyP99Us(), rrP50 = rr.row("web").latencyP50Us();
        assertTrue(cfsP99 > 3 * appsP99, "one cfs for both: web p99 " + cfsP99 + "us against " + appsP99 + "us");
        assertTrue(rrP50 > 1000, "one rr for both: requests queue behind the hogs' slices, p50 " + rrP50 + "us");
    }

    @Test
    void theBestEffortFloorGivesBatchItsShareUnderSaturationAndCostsNothingBelowIt() {
        Scenario s = load("apps-be-floor.yaml");
        assertEquals(0.2, s.run(null).row("batch").cpuShare(), 0.01);
        assertEquals(0.0, s.run("apps", Map.of("be_min", "0"), null, null, null).row("batch").cpuShare(), 1e-9, "no floor: batch starves");
        assertEquals(0.5, s.run("apps", Map.of("be_min", "0.5"), null, null, null).row("batch").cpuShare(), 0.01);
        assertEquals(0.2, s.run("apps", Map.of("lc", "fifo", "be", "fifo"), null, null, null).row("batch").cpuShare(), 0.01,
                "the floor ticks on its own when neither inner policy does");
        // Where no CPU goes 900us (a quantum x 0.9 / 0.1) without a batch run, the floor never fires.
        Scenario half = load("apps-colocation.yaml");
        SimResult.Row plain = half.run(null).row("web"), floored = half.run("apps", Map.of("be_min", "0.1"), null, null, null).row("web");
        assertEquals(plain.latencyP99Us(), floored.latencyP99Us(), 1e-9);
        assertEquals(plain.completed(), floored.completed());
    }

    @Test
    void appsHoldsAt16CpusWithEveryLatencyCriticalPolicy() throws IOException {
        Scenario s = load("apps-colocation-16cpu.yaml");
        double aloneP99 = withoutHogs("apps-colocation-16cpu.yaml").run("shinjuku", Map.of(), null, null, null).row("web").latencyP99Us();
        for (Map<String, String> lc : List.of(Map.<String, String>of(), Map.of("lc", "rr", "lc.slice", "30us"), Map.of("lc", "ws"),
                Map.of("lc", "eevdf"), Map.of("lc", "fifo"))) {
            SimResult apps = s.run("apps", lc, null, null, null);
            SimResult.Row web = apps.row("web");
            // nearly every request preempts a hog (2us of modelled delay), and each LC policy places its own way: within 4us of alone
            assertTrue(web.latencyP99Us() < aloneP99 + 4, lc + ": web p99 " + web.latencyP99Us() + "us, alone " + aloneP99 + "us");
            assertEquals(35575, web.completed(), 5, lc + ": every request done");
            assertTrue(apps.row("batch").cpuShare() > 0.40, lc + ": batch gets what web leaves, " + apps.row("batch").cpuShare());
        }
        double oneP99 = s.run("shinjuku", Map.of(), null, null, null).row("web").latencyP99Us();
        assertTrue(oneP99 > 4 * aloneP99, "one shinjuku for both: web p99 " + oneP99 + "us, alone " + aloneP99 + "us");
    }

    /** The files' comments: confining batch to some CPUs (be_cpus) spares the service the preemptions
     *  there and costs batch its share; a strict partition (lc_cpus too) starves the service of CPUs. */
    @Test
    void isolatingBatchTradesItsShareForTheServicesLatency() {
        Scenario two = load("apps-colocation.yaml");
        SimResult shared = two.run(null), iso = two.run("apps", Map.of("be_cpus", "0"), null, null, null),
                strict = two.run("apps", Map.of("be_cpus", "0", "lc_cpus", "1"), null, null, null);
        SimResult.Row sw = shared.row("web"), iw = iso.row("web");
        assertTrue(iw.latencyP50Us() < sw.latencyP50Us() - 0.5 && iw.latencyP99Us() < sw.latencyP99Us(),
                "2 CPUs, be_cpus=0: web p50/p99 " + iw.latencyP50Us() + "/" + iw.latencyP99Us() + "us, sharing " + sw.latencyP50Us() + "/" + sw.latencyP99Us() + "us");
        assertEquals(0.30, iso.row("batch").cpuShare(), 0.03, "batch keeps what web leaves of CPU 0 only");
        assertTrue(shared.row("batch").cpuShare() > iso.row("batch").cpuShare() + 0.15);
        assertEquals(0.5, strict.row("batch").cpuShare(), 0.01, "strict: batch has CPU 0 to itself");
        assertTrue(strict.row("web").latencyP99Us() > 1_000, "strict: web needs a whole CPU and has one, p99 " + strict.row("web").latencyP99Us() + "us");

        Scenario sixteen = load("apps-colocation-16cpu.yaml");
        SimResult shared16 = sixteen.run(null), iso16 = sixteen.run("apps", Map.of("be_cpus", "0-7"), null, null, null);
        SimResult.Row s16 = shared16.row("web"), i16 = iso16.row("web");
        assertTrue(i16.latencyP50Us() < s16.latencyP50Us() - 1.5 && i16.latencyP99Us() < s16.latencyP99Us(),
                "16 CPUs, be_cpus=0-7: web p50/p99 " + i16.latencyP50Us() + "/" + i16.latencyP99Us() + "us, sharing " + s16.latencyP50Us() + "/" + s16.latencyP99Us() + "us");
        assertEquals(0.25, iso16.row("batch").cpuShare(), 0.03);
        assertTrue(shared16.row("batch").cpuShare() > 0.40);
        assertEquals(35575, i16.completed(), 5, "every request done");
        // lc_return=on: long requests move back to the CPUs kept from batch; batch gains, web's p50 loses
        SimResult back16 = sixteen.run("apps", Map.of("be_cpus", "0-7", "lc_return", "on"), null, null, null);
        assertTrue(back16.row("batch").cpuShare() > iso16.row("batch").cpuShare() + 0.08,
                "batch " + back16.row("batch").cpuShare() + " against " + iso16.row("batch").cpuShare());
        assertTrue(back16.row("web").latencyP50Us() > i16.latencyP50Us(), "web p50 " + back16.row("web").latencyP50Us() + " against " + i16.latencyP50Us());
    }

    @Test
    void parkedCpusCostTheSleepersAWakeEachAndTheAdaptiveSpinAvoidsIt() {
        Scenario s = load("parked-cpus.yaml");
        SimResult adaptive = s.run(null), fixed = s.withCosts("idle_spin=20us").run(null), never = s.withCosts("wake=0ns").run(null);
        SimResult.Row a = adaptive.row("worker"), f = fixed.row("worker"), n = never.row("worker");
        // Nearly every wakeup parks with a fixed 20us spin and waits 30us for its CPU; the
        // adaptive windows outlast the gaps, so the sleepers do about as well as with no parking.
        assertTrue(fixed.counters().get("parked_wakeups") > 0.5 * f.completed(), "fixed: " + fixed.counters());
        assertTrue(adaptive.counters().get("parked_wakeups") < 0.05 * a.completed(), "adaptive: " + adaptive.counters());
        assertTrue(f.latencyP50Us() > a.latencyP50Us() + 10, "p50: fixed " + f.latencyP50Us() + "us, adaptive " + a.latencyP50Us() + "us");
        assertTrue(a.latencyP50Us() < 1.1 * n.latencyP50Us(), "p50: adaptive " + a.latencyP50Us() + "us, never parked " + n.latencyP50Us() + "us");
        assertTrue(f.completed() < a.completed(), "bursts done: fixed " + f.completed() + ", adaptive " + a.completed());
    }

    @Test
    void oneLockHoldsAt16CpusWith110nsHoldsAndSaturatesWith500ns() {
        Scenario s = load("one-lock-16cpu.yaml");
        SimResult none = s.withCosts("lock=0ns").run(null), local = s.run(null), moving = s.withCosts("lock=500ns").run(null);
        double p99None = none.row("req").latencyP99Us(), p99Local = local.row("req").latencyP99Us(), p99Moving = moving.row("req").latencyP99Us();
        assertTrue(p99Local < 1.2 * p99None, "110ns holds: p99 " + p99Local + "us against " + p99None + "us with no lock");
        assertEquals(none.row("req").completed(), local.row("req").completed(), 0.01 * none.row("req").completed());
        assertTrue(local.counters().get("lock_busy_pct") > 50, "busy " + local.counters().get("lock_busy_pct") + "%");
        assertEquals(100, moving.counters().get("lock_busy_pct"));
        assertTrue(p99Moving > 100 * p99None, "500ns holds: p99 " + p99Moving + "us");
        assertTrue(moving.row("req").completed() < 0.7 * none.row("req").completed());
        SimResult eight = s.withCpus(8).withCosts("lock=500ns").run(null);
        assertTrue(eight.row("req").latencyP99Us() < 200, "8 CPUs keep up with 500ns holds: p99 " + eight.row("req").latencyP99Us() + "us");
    }

    @Test
    void mlfqKeepsShortRequestsAheadOfTheBatchAndItsBoostBoundsTheBatchWait() {
        Scenario s = load("mlfq-interactive.yaml");
        SimResult mlfq = s.run(null), rr = s.run("rr", Map.of("slice", "20us"), null, null, null);
        SimResult cfs = s.run("cfs", Map.of(), null, null, null), fifo = s.run("fifo", Map.of(), null, null, null);
        // the file's comment: p99 37.8us under mlfq, 672us under rr, 547us under cfs, 2.17ms under fifo
        assertEquals(37.8, mlfq.row("web").latencyP99Us(), 0.5);
        assertEquals(672, rr.row("web").latencyP99Us(), 5);
        assertEquals(547, cfs.row("web").latencyP99Us(), 5);
        assertEquals(2170, fifo.row("web").latencyP99Us(), 20);
        for (SimResult r : List.of(mlfq, rr, cfs, fifo)) assertEquals(0.51, r.row("batch").cpuShare(), 0.01, "batch gets what web leaves");
        // on 1 CPU for 2s: the boost bounds the batch tasks' slowest run, and costs the requests' p99
        Scenario one = s.withCpus(1);
        SimResult boost = one.run(null, Map.of(), null, 2_000_000_000L, null), none = one.run(null, Map.of("boost", "10s"), null, 2_000_000_000L, null);
        assertEquals(96.3, boost.row("batch").latencyMaxUs() / 1000, 0.1);
        assertEquals(137, none.row("batch").latencyMaxUs() / 1000, 1);
        assertEquals(2620, boost.row("web").latencyP99Us(), 20);
        assertEquals(602, none.row("web").latencyP99Us(), 5);
        assertEquals(boost.row("batch").cpuShare(), none.row("batch").cpuShare(), 0.005, "the same 3% left either way");
    }
}
