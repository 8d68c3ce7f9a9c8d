package skyloft.bench;

/**
 * One CPU-bound benchmark kernel: {@link #run()} does a fixed amount of work and returns a
 * checksum (so the JIT cannot drop the work, and so a plain and an instrumented copy can be
 * checked to agree). Implementations live in {@code skyloft.bench.kernels}, which the
 * poll-overhead benchmark loads twice: plain and through the agent's PollInserter.
 */
public interface CpuKernel {
    String name();

    long run();
}
