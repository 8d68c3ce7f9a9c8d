package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import skyloft.sim.scenario.Scenario;
import skyloft.spi.Task;
import skyloft.trace.TraceKind;
import skyloft.trace.TraceRecorder;

/**
 * The host's per-event work does not grow with the CPU count, and the sets of CPUs that keep it
 * so change no result. Nothing here is timed: the first test counts the CPUs the host's steps
 * visit and pass over ({@link Simulator#skippedVisits}), which a scan of every CPU per event
 * makes about as many per event as there are CPUs; the second pins a digest of every trace event
 * of runs made before the sets replaced that scan.
 */
class ScalingTest {
    static final long US = 1_000, MS = 1_000_000;

    /** A host run of an example at {@code cpus} CPUs (with {@code costs} laid over the file's), as
     *  {@code sim --cpus N --costs ... --duration D} makes it, on {@code trace}. */
    static Simulator run(String file, int cpus, String costs, long durationNs, TraceRecorder trace) {
        Scenario sc = ExamplesTest.load(file).withCpus(cpus);
        if (!costs.isEmpty()) sc = sc.withCosts(costs);
        Simulator sim = new Simulator(sc.policy(null, Map.of()), sc.cpus(), sc.tickNs(), sc.costs(), sc.seed(), trace);
        for (Scenario.TaskSpec t : sc.tasks()) sim.add(t.factory().apply(sc.cpus()));
        sim.run(durationNs);
        return sim;
    }

    // The scan of every CPU this replaced passed over, per event at 1024 CPUs (at 16): 477 (15)
    // in one-lock, 1247 (19) in lc-bimodal, 1607 (24) in parked-cpus, 977 (21) with 1us spins.
    // With the sets: 0.03 (0.31), 0 (0), 0.43 (0.12) and 0.03 (0.43); a CPU found parked is
    // passed over once, which a run as short as parked-cpus' spreads over few events.
    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = ';', value = {
        "one-lock-16cpu.yaml; 500; ''",                        // ws: idle CPUs queue for the lock, kicks
        "lc-bimodal-50.yaml; 2000; ''",                        // eevdf: a mostly idle machine, every idle CPU looks
        "parked-cpus.yaml; 20000; ''",                         // eevdf with parked CPUs (wake 30us, adaptive spin)
        "one-lock-16cpu.yaml; 200; 'wake=5us,idle_spin=1us'",  // ws, the lock and CPUs that park and wake at once
    })
    void theHostPassesOverAFewCpusPerEventAtAnyCpuCount(String file, long durationUs, String costs) {
        double at16 = skippedPerEvent(run(file, 16, costs, durationUs * US, TraceRecorder.OFF));
        double at1024 = skippedPerEvent(run(file, 1024, costs, durationUs * US, TraceRecorder.OFF));
        assertTrue(at1024 <= 2, file + " " + costs + ": " + at1024 + " CPUs passed over per event at 1024 CPUs (" + at16 + " at 16)");
        assertTrue(at1024 <= 2 * at16 + 1, file + " " + costs + ": " + at1024 + " CPUs passed over per event at 1024 CPUs against " + at16 + " at 16");
    }

    static double skippedPerEvent(Simulator sim) {
        return (double) sim.skippedVisits() / sim.counters().get("events");
    }

    /** Folds every trace event (time, kind, CPU, task id, argument) into a 64-bit FNV-1a digest. */
    static final class Digest implements TraceRecorder {
        long hash = 0xcbf29ce484222325L;
        long events;

        @Override public boolean enabled() { return true; }

        @Override public void record(long timeNs, TraceKind kind, int cpu, Task task, long arg) {
            events++;
            mix(timeNs);
            mix(kind.ordinal());
            mix(cpu);
            mix(task == null ? 0 : task.id());
            mix(arg);
        }

        private void mix(long v) {
            for (int i = 0; i < 8; i++, v >>>= 8) hash = (hash ^ (v & 0xff)) * 0x100000001b3L;
        }
    }

    // Digests and counts taken from the simulator as it was before the sets (git 16d5cb4), which
    // scanned every CPU; the same seed must give every event the same, in the same order.
    @ParameterizedTest(name = "{0} at {1} CPUs {3}")
    @CsvSource(delimiter = ';', value = {
        "one-lock-16cpu.yaml; 1; 2000; ''; 2998; 0xd92afd851bc38c1a",
        "one-lock-16cpu.yaml; 2; 2000; ''; 5862; 0x8d848b7ac42a1c43",
        "one-lock-16cpu.yaml; 16; 2000; ''; 42200; 0x5c6a9efcc78d501f",
        "one-lock-16cpu.yaml; 256; 200; ''; 33975; 0x4c54c4451df54726",
        "one-lock-16cpu.yaml; 64; 1000; 'wake=30us,idle_spin=5us..1ms'; 70208; 0x72c8411bad4bdc28",
        "parked-cpus.yaml; 1; 5000; ''; 758; 0x2779580c3a023541",
        "parked-cpus.yaml; 2; 5000; ''; 797; 0x7275a3791f116d29",
        "parked-cpus.yaml; 64; 5000; 'lock=200ns,switch=100ns'; 795; 0xca21309a6ea9e252",
        "apps-colocation-16cpu.yaml; 2; 2000; ''; 1386; 0x3d22170b23f649",
        "apps-colocation-16cpu.yaml; 16; 2000; ''; 3975; 0x7acb4baf09f0b60d",
        "lc-bimodal-50.yaml; 32; 5000; 'wake=30us,lock=100ns'; 822; 0xe5cbf8b84a673909",
        "dhall-2cpu.yaml; 2; 45000; ''; 90; 0x76aaa0fff319c274",
    })
    void everyTraceEventIsAsBeforeTheSets(String file, int cpus, long durationUs, String costs, long traceEvents, String digestHex) {
        Digest d = new Digest();
        run(file, cpus, costs, durationUs * US, d);
        assertEquals(traceEvents, d.events, "trace events");
        assertEquals(Long.parseUnsignedLong(digestHex.substring(2), 16), d.hash, "digest of the trace events");
    }
}
