package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.Task;
import skyloft.trace.TraceBuffer;
import skyloft.trace.TraceKind;

/** The host's mechanics with fifo and rr: ticks, preemption and its delay, costs, balancing, kicks. */
class SimulatorTest {
    static final long US = 1_000, MS = 1_000_000;

    static Simulator sim(SchedPolicy p, int cpus, long tickNs, CostModel costs) {
        return new Simulator(p, cpus, tickNs, costs, 1, null);
    }

    @Test
    void rrSharesOneCpuEquallyAndPreemptsEverySlice() {
        Simulator s = sim(PolicyRegistry.create("rr", Map.of("slice", "50us")), 1, 10 * US, CostModel.ZERO);
        s.add(new HogWorkload("a", SchedAttr.DEFAULT, 0, 1)).add(new HogWorkload("b", SchedAttr.DEFAULT, 0, 1));
        SimResult r = s.run(10 * MS);
        assertEquals(0.5, r.row("a").cpuShare(), 0.01);
        assertEquals(0.5, r.row("b").cpuShare(), 0.01);
        assertEquals(200, r.counters().get("preemptions"), 2, "10ms / 50us slices");
    }

    @Test
    void fifoNeverPreemptsSoTheFirstHogKeepsTheCpu() {
        Simulator s = sim(PolicyRegistry.create("fifo"), 1, 10 * US, CostModel.ZERO);
        s.add(new HogWorkload("a", SchedAttr.DEFAULT, 0, 1)).add(new HogWorkload("b", SchedAttr.DEFAULT, 0, 1));
        SimResult r = s.run(10 * MS);
        assertEquals(1.0, r.row("a").cpuShare(), 1e-9);
        assertEquals(0.0, r.row("b").cpuShare(), 1e-9);
        assertEquals(0, r.counters().get("preemptions"));
    }

    @Test
    void preemptionDelayLengthensEachSlice() {
        // 50us slice, ticks every 10us on the grid, delivery 5us after the request: the first run
        // is asked to stop at 50us and stops at 55us; the next one reaches its slice at the tick
        // at 110us and stops at 115us, so it lasts 60us
        TraceBuffer tb = new TraceBuffer();
        Simulator s = new Simulator(PolicyRegistry.create("rr", Map.of("slice", "50us")), 1, 10 * US, new CostModel(0, 5 * US, 0), 1, tb);
        s.add(new HogWorkload("a", SchedAttr.DEFAULT, 0, 1)).add(new HogWorkload("b", SchedAttr.DEFAULT, 0, 1));
        s.run(1 * MS);
        var slices = tb.toTrace("t", 1, 0, MS).slices();
        assertEquals(55 * US, slices.get(0).durationNs());
        assertEquals(60 * US, slices.get(1).durationNs());
        assertEquals(60 * US, slices.get(2).durationNs());
        assertEquals(tb.toTrace("t", 1, 0, MS).ofKind(TraceKind.PREEMPT_REQUEST).get(0).timeNs(), 50 * US);
    }

    /** A global FIFO whose tick always asks for preemption; counts ticks heard while its own
     *  request for that CPU was still undelivered. */
    static final class AlwaysPreempt extends SchedPolicy {
        final java.util.ArrayDeque<Task> q = new java.util.ArrayDeque<>();
        final boolean[] asked = new boolean[1];
        int ticks, ticksWhileAsked;
        @Override public String name() { return "always-preempt"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long nowNs) { q.addLast(t); }
        @Override public Task pickNext(int cpu, long nowNs) { return q.pollFirst(); }
        @Override public void stopping(int cpu, Task t, skyloft.spi.StopReason why, long ranNs, long nowNs) { asked[cpu] = false; }
        @Override public boolean tick(int cpu, Task t, long ranNs, long nowNs) {
            ticks++;
            if (asked[cpu]) ticksWhileAsked++;
            asked[cpu] = true;
            return true;
        }
    }

    @Test
    void aCpuWhoseTaskIsAskedToStopIsNotTickedAgainUntilItStops() {
        // The runtime's timer, a carrier's own tick and a due kick all skip a CPU with a
        // preemption request pending. Ticks every 10us, delivery 25us after the request: each
        // run is asked at its first tick and stops 25us later, past two more ticks that must
        // not reach the policy.
        AlwaysPreempt p = new AlwaysPreempt();
        Simulator s = sim(p, 1, 10 * US, new CostModel(0, 25 * US, 0));
        s.add(new HogWorkload("h", SchedAttr.DEFAULT, 0, 2));
        SimResult r = s.run(1 * MS);
        assertEquals(0, p.ticksWhileAsked, "ticks heard while a preemption was pending");
        assertEquals(r.counters().get("preempt_requests"), (long) p.ticks, "one tick per run, each answered by a request");
        assertTrue(r.counters().get("preemptions") >= 25, r.counters().toString());
    }

    @Test
    void switchCostDelaysCompletionAndIsChargedToTheTask() {
        Simulator s = sim(PolicyRegistry.create("fifo"), 1, 0, new CostModel(10 * US, 0, 0));
        s.add(new PeriodicWorkload("p", SchedAttr.DEFAULT.withDeadline(1 * MS, 2 * MS, 2 * MS), 0, 0, 1));
        SimResult r = s.run(10 * MS);
        assertEquals(1010.0, r.row("p").latencyMaxUs(), 1e-9);
        assertEquals(5 * 1.01 / 10, r.row("p").cpuShare(), 1e-9);
    }

    @Test
    void theLockMakesASecondCpuWaitItsTurnBeforeItPicks() {
        // Two hogs on two CPUs, a 4us lock and a 1us switch, fifo: CPU 0 takes the lock at 0 and
        // picks; CPU 1 waits until 4us and picks then. Only CPU 1 waited, for 4us.
        TraceBuffer tb = new TraceBuffer();
        Simulator s = new Simulator(PolicyRegistry.create("fifo"), 2, 0, new CostModel(1 * US, 0, 0, 4 * US), 1, tb);
        s.add(new HogWorkload("h", SchedAttr.DEFAULT, 0, 2));
        SimResult r = s.run(1 * MS);
        var starts = tb.toTrace("t", 2, 0, MS).ofKind(TraceKind.RUN_START);
        assertEquals(2, starts.size());
        assertEquals(0, starts.get(0).timeNs());
        assertEquals(4 * US, starts.get(1).timeNs(), "CPU 1 picks when it gets the lock");
        assertEquals(1, r.counters().get("lock_waits"));
        assertEquals(4 * US, r.counters().get("lock_wait_ns"));
        assertEquals(2, r.counters().get("lock_holds"));
        assertEquals(1.0, r.row("h").cpuShare(), 0.01, "the hogs fill both CPUs but for CPU 1's wait");
        assertFalse(sim(PolicyRegistry.create("fifo"), 1, 0, new CostModel(1, 0, 0)).counters().containsKey("lock_holds"),
                "without a lock cost the counters stay as they were");
    }

    @Test
    void aHugeServiceTimeCannotPushTheClockPastItsRange() {
        // an exponential of mean 4e9 s once drew a sample that overflowed the virtual clock:
        // a negative CPU share and ~2^63 ns latencies
        Simulator s = sim(PolicyRegistry.create("fifo"), 1, 10 * US, CostModel.ZERO);
        s.add(new PoissonWorkload("a", SchedAttr.DEFAULT, 1e3, new Dist.Exponential(4e18), 0));
        SimResult.Row r = s.run(10 * MS).row("a");
        assertTrue(r.cpuShare() > 0.9 && r.cpuShare() <= 1.0, "the first request holds the CPU to the end: " + r.cpuShare());
        assertEquals(0, r.completed());
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        Dist tail = new Dist.LogNormal(3.6e12, 5.0);
        for (int i = 0; i < 10_000; i++) assertTrue(tail.sample(rnd) <= Dist.MAX_SAMPLE_NS);
        assertEquals(Dist.MAX_SAMPLE_NS, new Dist.Fixed(Long.MAX_VALUE).sample(rnd));
    }

    @Test
    void progressIsToldTheVirtualTimeEveryBatchOfEvents() {
        Simulator s = sim(PolicyRegistry.create("rr", Map.of("slice", "5us")), 1, 1 * US, CostModel.ZERO);
        s.add(new HogWorkload("a", SchedAttr.DEFAULT, 0, 2));
        List<Long> seen = new java.util.ArrayList<>();
        s.onProgress(seen::add);
        s.run(100 * MS);
        long events = s.counters().get("events");
        assertEquals(events / Simulator.PROGRESS_EVENTS, seen.size(), "events " + events);
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) > seen.get(i - 1) && seen.get(i) <= 100 * MS, seen.toString());
    }

    @Test
    void aSaturatedLockCapsTheRateOfPicks() {
        // 1us tasks arriving at 3M/s on 8 CPUs need 3M picks/s; a 500ns lock serves only 2M/s, so
        // the lock is busy the whole run and the picks stop at duration / 500ns.
        Simulator s = sim(PolicyRegistry.create("fifo"), 8, 0, new CostModel(0, 0, 0, 500));
        s.add(new PoissonWorkload("r", SchedAttr.DEFAULT, 3e6, new Dist.Fixed(1 * US), 0));
        SimResult r = s.run(10 * MS);
        assertEquals(100, r.counters().get("lock_busy_pct"));
        assertEquals(20_000, r.counters().get("lock_holds"), 1);
        assertTrue(r.row("r").completed() < 20_000, "completed " + r.row("r").completed());
        Simulator free = sim(PolicyRegistry.create("fifo"), 8, 0, new CostModel(0, 0, 0, 100));
        free.add(new PoissonWorkload("r", SchedAttr.DEFAULT, 3e6, new Dist.Fixed(1 * US), 0));
        SimResult f = free.run(10 * MS);
        assertTrue(f.row("r").completed() > 29_000 && f.row("r").latencyP99Us() < 10, "a 100ns lock keeps up: " + f.row("r").completed()
                + " done, p99 " + f.row("r").latencyP99Us() + "us");
    }

    @Test
    void aParkedCpuLooksAWakeLaterAndItsSpinGrowsAsTheRuntimesDoes() {
        // One CPU, a task that runs 10us and sleeps 100us, waking a parked CPU costs 30us. A fixed
        // 20us spin parks in every sleep: each job waits 30us, so its latency is 40us. An adaptive
        // 20us..5ms spin parks only while the window is under the 100us sleep: at 20us (the
        // first wakeup, at 1ms), 40us and 80us, so exactly three wakeups pay; from 160us on the
        // CPU spins through every sleep.
        long wake = 30 * US;
        Simulator fixed = sim(PolicyRegistry.create("fifo"), 1, 0, new CostModel(0, 0, 0).withWake(wake, 20 * US, 20 * US));
        fixed.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(10 * US), new Dist.Fixed(100 * US), 1 * MS, 1));
        SimResult f = fixed.run(20 * MS);
        assertEquals(40.0, f.row("w").latencyP50Us(), 0.05); // the histogram keeps 3 digits
        assertEquals(f.row("w").completed(), f.counters().get("parked_wakeups"), 1, "every wakeup finds it parked");

        Simulator adaptive = sim(PolicyRegistry.create("fifo"), 1, 0, new CostModel(0, 0, 0).withWake(wake, 20 * US, 5 * MS));
        adaptive.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(10 * US), new Dist.Fixed(100 * US), 1 * MS, 1));
        SimResult a = adaptive.run(20 * MS);
        assertEquals(3, a.counters().get("parked_wakeups"));
        assertEquals(160 * US, adaptive.idleSpinNs(0));
        assertEquals(10.0, a.row("w").latencyP50Us(), 0.05, "no wait once the window outlasts the sleep");
        assertEquals(40.0, a.row("w").latencyMaxUs(), 0.05);

        Simulator none = sim(PolicyRegistry.create("fifo"), 1, 0, new CostModel(0, 0, 0));
        assertFalse(none.counters().containsKey("parked_wakeups"), "without a wake cost nothing parks");
    }

    /** Everything on CPU 0; nothing is ever stolen. */
    static final class AllOnCpu0 extends SchedPolicy {
        final java.util.ArrayDeque<Task> q = new java.util.ArrayDeque<>();
        @Override public String name() { return "all-on-0"; }
        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) { return 0; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) { q.addLast(task); }
        @Override public Task pickNext(int cpu, long nowNs) { return cpu == 0 ? q.pollFirst() : null; }
    }

    @Test
    void aCpuWokenOnlyForItsPeersWorkKeepsTheMinimumWindow() {
        // As in the runtime: once CPU 0 spins through the sleeps, each wakeup (a submit from
        // outside, whose task's CPU is not parked) unparks the first parked carrier, CPU 1, which
        // looks and finds nothing. Its idle period never ends, so its window stays at 20us while
        // CPU 0's grows to 160us (20 -> 40 -> 80 -> 160 over the wakeups that parked, as above).
        Simulator s = sim(new AllOnCpu0(), 2, 0, new CostModel(0, 0, 0).withWake(30 * US, 20 * US, 5 * MS));
        s.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(10 * US), new Dist.Fixed(100 * US), 1 * MS, 1));
        SimResult r = s.run(5 * MS);
        assertEquals(160 * US, s.idleSpinNs(0));
        assertEquals(20 * US, s.idleSpinNs(1));
        assertTrue(r.counters().get("parked_wakeups") > 4, "CPU 1 parks and is woken too: " + r.counters());
    }

    /** {@link AllOnCpu0} that also asks for CPU 1 to be preempted at every enqueue, idle or not. */
    static final class AllOnCpu0PreemptingCpu1 extends SchedPolicy {
        final AllOnCpu0 inner = new AllOnCpu0();
        @Override public String name() { return "all-on-0-preempting-1"; }
        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) { return 0; }
        @Override public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
            inner.enqueue(task, cpu, reason, nowNs);
            ctx.requestPreempt(1);
        }
        @Override public Task pickNext(int cpu, long nowNs) { return inner.pickNext(cpu, nowNs); }
    }

    @Test
    void aWakeupUnparksTheCpusTheRuntimeWouldAndNoOthers() {
        // A task that runs 10us and sleeps 1ms, a fixed 20us spin: every CPU has parked when it
        // wakes. The runtime's submit unparks the task's last CPU, the enqueue finds that CPU on
        // its way back, and the pick leaves nothing queued: one parked wakeup per job, however
        // many CPUs sleep (all eight of them looked 30us after every wakeup before).
        CostModel parks = new CostModel(0, 0, 0).withWake(30 * US, 20 * US, 20 * US);
        Simulator s = sim(PolicyRegistry.create("fifo"), 8, 0, parks);
        s.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(10 * US), new Dist.Fixed(1 * MS), 0, 1));
        SimResult r = s.run(20 * MS);
        assertTrue(r.row("w").completed() >= 18, r.row("w").toString());
        assertEquals(r.row("w").released() - 1, r.counters().get("parked_wakeups"), "the first job finds every CPU awake");
        assertEquals(40.0, r.row("w").latencyMaxUs(), 0.05, "a wake and the run");
        // requestPreempt of an idle CPU does nothing (SchedContext), so it does not wake it either
        Simulator p = sim(new AllOnCpu0PreemptingCpu1(), 2, 0, parks);
        p.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(10 * US), new Dist.Fixed(1 * MS), 0, 1));
        SimResult q = p.run(20 * MS);
        assertEquals(q.row("w").released() - 1, q.counters().get("parked_wakeups"), "only CPU 0 is woken: " + q.counters());
    }

    @Test
    void idleCpuStealsWorkQueuedOnABusyOneAndMigrationCostsAreCharged() {
        // two phases tasks spawned together land on CPU 0's queue only if CPU 0 looks idle to both;
        // fifo's idle balancing must spread them over both CPUs
        Simulator s = sim(PolicyRegistry.create("fifo"), 2, 0, new CostModel(0, 0, 3 * US));
        s.add(new PhasesWorkload("w", SchedAttr.DEFAULT, new Dist.Fixed(100 * US), new Dist.Fixed(1 * US), 0, 4));
        SimResult r = s.run(10 * MS);
        assertTrue(r.row("w").cpuShare() > 0.95, "both CPUs busy: " + r.row("w").cpuShare());
        assertTrue(r.counters().get("stolen_picks") > 0);
    }

    /** A policy that keeps one global FIFO but releases tasks only at 1ms boundaries, by kickAt. */
    static final class GatedFifo extends SchedPolicy {
        final java.util.ArrayDeque<Task> q = new java.util.ArrayDeque<>();
        @Override public String name() { return "gated"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long nowNs) {
            q.addLast(t);
            ctx.kickAt(0, (nowNs / MS + 1) * MS);
        }
        @Override public Task pickNext(int cpu, long nowNs) {
            if (nowNs % MS == 0) return q.pollFirst();
            if (!q.isEmpty()) ctx.kickAt(cpu, (nowNs / MS + 1) * MS);
            return null;
        }
    }

    @Test
    void kickAtWakesAnIdleCpuAtTheRequestedTime() {
        Simulator s = sim(new GatedFifo(), 1, 0, CostModel.ZERO);
        s.add(new PoissonWorkload("r", SchedAttr.DEFAULT, 500, new Dist.Fixed(10 * US), 0));
        SimResult r = s.run(100 * MS);
        assertTrue(r.row("r").completed() > 35, "completed " + r.row("r").completed());
        assertTrue(r.counters().get("kicks") > 35);
        // every request waits for the next 1ms boundary: latency between 10us and 1ms + queueing
        assertTrue(r.row("r").latencyMeanUs() > 400, "mean " + r.row("r").latencyMeanUs());
    }

    /** Per-CPU FIFO that asks for periodic balancing every 1ms and counts the calls. */
    static final class PeriodicBalancer extends SchedPolicy {
        final java.util.ArrayDeque<Task> q = new java.util.ArrayDeque<>();
        int busyBalances, idleBalances;
        @Override public String name() { return "balancer"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long nowNs) { q.addLast(t); }
        @Override public Task pickNext(int cpu, long nowNs) { return q.pollFirst(); }
        @Override public long balanceIntervalNs() { return MS; }
        @Override public int balance(int cpu, boolean idle, long nowNs) {
            if (idle) idleBalances++; else busyBalances++;
            return 0;
        }
    }

    @Test
    void periodicBalanceRunsOnEveryBusyCpuAtTheInterval() {
        PeriodicBalancer p = new PeriodicBalancer();
        Simulator s = sim(p, 2, 0, CostModel.ZERO);
        s.add(new HogWorkload("h", SchedAttr.DEFAULT, 0, 2));
        s.run(10 * MS + 1);
        assertEquals(20, p.busyBalances, "2 busy CPUs x 10 balance points");
        assertEquals(0, p.idleBalances);
    }

    /** Per-CPU FIFOs, everything enqueued on CPU 0; an idle CPU c steals only from CPU c-1,
     *  and a periodic balance on CPU 1 pulls CPU 0's queue over to CPU 1's. */
    static final class ChainStealer extends SchedPolicy {
        java.util.List<java.util.ArrayDeque<Task>> qs;
        @Override protected void init(int cpus) {
            qs = new java.util.ArrayList<>();
            for (int c = 0; c < cpus; c++) qs.add(new java.util.ArrayDeque<>());
        }
        @Override public String name() { return "chain"; }
        @Override public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) { return 0; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long nowNs) { qs.get(cpu).addLast(t); }
        @Override public Task pickNext(int cpu, long nowNs) { return qs.get(cpu).pollFirst(); }
        @Override public long balanceIntervalNs() { return MS; }
        @Override public int balance(int cpu, boolean idle, long nowNs) {
            java.util.ArrayDeque<Task> from = idle ? (cpu > 0 ? qs.get(cpu - 1) : null) : cpu == 1 ? qs.get(0) : null;
            if (from == null || from.isEmpty()) return 0;
            int n = idle ? 1 : from.size();
            for (int i = 0; i < n; i++) qs.get(cpu).addLast(from.pollFirst());
            return n;
        }
    }

    @Test
    void aPeriodicBalanceThatMovesWorkMakesTheIdleCpusLookAgain() {
        // Three hogs queued on CPU 0: CPU 0 runs one, CPU 1 steals one, CPU 2 finds CPU 1's queue
        // empty and idles, the third hog left on CPU 0's queue. At 1ms CPU 1's periodic balance
        // moves it to CPU 1's queue; the runtime then has its idle carriers look again (workSeq),
        // so CPU 2 steals it and runs it from 1ms on, 90% of the run.
        Simulator s = sim(new ChainStealer(), 3, 0, CostModel.ZERO);
        s.add(new HogWorkload("a", SchedAttr.DEFAULT, 0, 1)).add(new HogWorkload("b", SchedAttr.DEFAULT, 0, 1))
                .add(new HogWorkload("c", SchedAttr.DEFAULT, 0, 1));
        SimResult r = s.run(10 * MS);
        assertEquals(0.9, r.row("c").cpuShare() * 3, 1e-9, "the third hog runs on CPU 2 from 1ms");
    }

    /** A broken policy that hands out a task twice. */
    static final class Duplicating extends SchedPolicy {
        Task last;
        @Override public String name() { return "dup"; }
        @Override public void enqueue(Task t, int cpu, EnqueueReason r, long nowNs) { last = t; }
        @Override public Task pickNext(int cpu, long nowNs) { return last; }
    }

    @Test
    void aPolicyThatBreaksOwnershipIsCaughtWithItsName() {
        Simulator s = sim(new Duplicating(), 2, 0, CostModel.ZERO);
        s.add(new HogWorkload("h", SchedAttr.DEFAULT, 0, 1));
        var e = assertThrows(IllegalStateException.class, () -> s.run(MS));
        assertTrue(e.getMessage().contains("dup") && e.getMessage().contains("RUNNING"), e.getMessage());
    }

    @Test
    void phasesTasksReportWakeupToDoneLatency() {
        Simulator s = sim(PolicyRegistry.create("rr"), 1, 10 * US, CostModel.ZERO);
        s.add(new PhasesWorkload("io", SchedAttr.DEFAULT, new Dist.Fixed(20 * US), new Dist.Fixed(180 * US), 0, 1));
        SimResult r = s.run(10 * MS);
        assertEquals(50, r.row("io").completed());
        assertEquals(20.0, r.row("io").latencyMaxUs(), 1e-9);
        assertEquals(0.1, r.row("io").cpuShare(), 1e-3);
        assertEquals(List.of("io"), r.rows().stream().map(SimResult.Row::name).toList());
    }
}
