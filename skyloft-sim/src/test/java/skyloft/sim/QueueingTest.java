package skyloft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import skyloft.policy.PolicyRegistry;
import skyloft.spi.SchedAttr;

/** Queueing sanity: FCFS on one CPU against M/M/1 theory, and determinism for a seed. */
class QueueingTest {

    static SimResult mm1(long seed, long durationNs) {
        // mu = 100k/s (mean service 10us), lambda = 50k/s: rho = 0.5, E[T] = 1/(mu - lambda) = 20us
        Simulator sim = new Simulator(PolicyRegistry.create("fifo"), 1, 0, CostModel.ZERO, seed, null);
        sim.add(new PoissonWorkload("req", SchedAttr.DEFAULT, 50_000, new Dist.Exponential(10_000), 0));
        return sim.run(durationNs);
    }

    @Test
    void fcfsMatchesMm1MeanResponseTime() {
        SimResult r = mm1(7, 20_000_000_000L); // 20 s: about a million requests
        SimResult.Row row = r.row("req");
        assertTrue(row.completed() > 950_000, "completed " + row.completed());
        double expectedUs = 1e6 / (100_000 - 50_000);
        assertEquals(expectedUs, row.latencyMeanUs(), 0.03 * expectedUs, "mean response time vs 1/(mu-lambda)");
        assertEquals(0.5, row.cpuShare(), 0.01, "utilisation rho");
        // M/M/1 response time is exponential with mean 20us: its median is 20us x ln 2
        assertEquals(expectedUs * Math.log(2), row.latencyP50Us(), 0.05 * expectedUs);
    }

    /** A pool of {@code workers} tasks on {@code cpus} CPUs serving Poisson requests at {@code rate}, exponential 10us service. */
    static SimResult pool(String policy, int cpus, int workers, double rate, long seed, long durationNs) {
        Simulator sim = new Simulator(PolicyRegistry.create(policy), cpus, 0, CostModel.ZERO, seed, null);
        sim.add(new PoissonWorkload("req", SchedAttr.DEFAULT, rate, new Dist.Exponential(10_000), 0, workers));
        return sim.run(durationNs);
    }

    @Test
    void oneWorkerOnOneCpuIsMm1WhateverThePolicy() {
        // A single worker serves the application's FIFO queue without stopping between requests:
        // M/M/1 FCFS, E[T] = 20us, and the policy has nothing to choose between.
        SimResult fifo = pool("fifo", 1, 1, 50_000, 7, 5_000_000_000L);
        SimResult rr = pool("rr", 1, 1, 50_000, 7, 5_000_000_000L);
        assertEquals(1, fifo.row("req").tasks());
        assertEquals(20.0, fifo.row("req").latencyMeanUs(), 0.05 * 20.0, "mean response time vs 1/(mu-lambda)");
        assertEquals(fifo.row("req").latencyMeanUs(), rr.row("req").latencyMeanUs(), 1e-9);
        assertEquals(fifo.row("req").completed(), rr.row("req").completed());
    }

    @Test
    void twoWorkersOnTwoCpusAreMm2() {
        // M/M/2 FCFS with lambda = 100k/s and mu = 100k/s per server (a = 1): Erlang C = 1/3, so
        // E[T] = 1/mu + C / (2 mu - lambda) = 10us + 3.33us.
        SimResult r = pool("fifo", 2, 2, 100_000, 11, 5_000_000_000L);
        assertEquals(2, r.row("req").tasks());
        assertEquals(10.0 + 10.0 / 3, r.row("req").latencyMeanUs(), 0.05 * 13.33);
    }

    @Test
    void sameSeedSameResultsDifferentSeedDifferentResults() {
        SimResult a = mm1(3, 200_000_000L);
        SimResult b = mm1(3, 200_000_000L);
        assertEquals(a, b);
        SimResult c = mm1(4, 200_000_000L);
        assertNotEquals(a.row("req").latencyMeanUs(), c.row("req").latencyMeanUs());
    }
}
