package skyloft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import skyloft.policy.PolicyRegistry;
import skyloft.runtime.Affinity;
import skyloft.runtime.RuntimeStats;
import skyloft.runtime.SkyloftRuntime;
import skyloft.runtime.TimerMode;
import skyloft.spi.SchedAttr;
import skyloft.trace.TraceRecorder;

/**
 * A system under test: something that starts threads on {@code cores} CPUs. Three kinds:
 * {@code skyloft:<policy>} (a runtime with that many carriers), {@code jdk-default} (the JDK's
 * default virtual-thread scheduler, sized once per JVM by {@link Baselines#configureJdkDefault})
 * and {@code platform} (platform threads under the Linux scheduler; when fewer cores than the
 * process may use are asked for, each thread is pinned to one of the first {@code cores} CPUs,
 * round robin). Closed after use; a Skyloft system's stats are readable after close.
 */
public abstract class Sut implements AutoCloseable {
    private final String name;

    Sut(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** Starts {@code body} in a new thread of this system. */
    public abstract Thread start(String threadName, Runnable body);

    /** The application name best-effort threads carry on Skyloft systems (the apps policy's default {@code be_apps}). */
    public static final String BATCH_APP = skyloft.policy.Apps.DEFAULT_BE_APPS;

    /**
     * Starts a best-effort thread: on Skyloft, a task of application {@value #BATCH_APP} (which
     * only the apps policy treats differently); on platform, a thread at SCHED_IDLE; on
     * jdk-default, an ordinary virtual thread (its scheduler has no classes).
     */
    public Thread startBestEffort(String threadName, Runnable body) {
        return start(threadName, body);
    }

    /** How {@link #startBestEffort} ran its threads here, for the params. */
    public String bestEffortDescription() {
        return "ordinary threads of the same scheduler (no classes)";
    }

    /** The runtime's stats for Skyloft systems (after close too), null otherwise. */
    public RuntimeStats stats() {
        return null;
    }

    @Override
    public void close() {}

    /**
     * How a benchmark builds Skyloft runtimes: timer mode, tick and idle spin, each null/0/-1 for
     * the runtime's own default (a tick without a mode applies to the default poll timer). The
     * idle spin is fixed when {@code idleSpinMaxNs} equals {@code idleSpinNs}, else adaptive
     * between them ({@link SkyloftRuntime.Builder#idleSpinNs(long, long)}).
     */
    public record RuntimeConfig(TimerMode timer, long tickNs, long idleSpinNs, long idleSpinMaxNs) {
        public static final RuntimeConfig DEFAULT = new RuntimeConfig(null, 0, -1);

        public RuntimeConfig(TimerMode timer, long tickNs) {
            this(timer, tickNs, -1);
        }

        /** A fixed idle spin of {@code idleSpinNs}, or -1 for the runtime's default. */
        public RuntimeConfig(TimerMode timer, long tickNs, long idleSpinNs) {
            this(timer, tickNs, idleSpinNs, idleSpinNs);
        }

        public RuntimeConfig {
            if (tickNs != 0 && (tickNs < 1_000 || tickNs > 100_000_000)) {
                throw new IllegalArgumentException("tick " + tickNs + "ns is out of range; allowed 1us to 100ms");
            }
            if (idleSpinNs < -1 || idleSpinNs > 10_000_000) {
                throw new IllegalArgumentException("idle spin " + idleSpinNs + "ns is out of range; allowed 0 to 10ms");
            }
            if (idleSpinNs < 0 ? idleSpinMaxNs != idleSpinNs : idleSpinMaxNs < idleSpinNs || idleSpinMaxNs > 10_000_000) {
                throw new IllegalArgumentException("idle spin maximum " + idleSpinMaxNs + "ns is out of range; allowed "
                        + (idleSpinNs < 0 ? "-1 with no minimum" : idleSpinNs + "ns (the minimum) to 10ms"));
            }
        }

        /** This config with a fixed idle spin of {@code ns} if none was chosen. */
        public RuntimeConfig withDefaultIdleSpinNs(long ns) {
            return idleSpinNs >= 0 ? this : new RuntimeConfig(timer, tickNs, ns);
        }

        /** The idle spin in words (the runtime's default when none was chosen). */
        String describeIdleSpin() {
            long lo = idleSpinNs >= 0 ? idleSpinNs : SkyloftRuntime.DEFAULT_IDLE_SPIN_NS;
            long hi = idleSpinNs >= 0 ? idleSpinMaxNs : SkyloftRuntime.DEFAULT_IDLE_SPIN_MAX_NS;
            String min = skyloft.util.Durations.format(lo);
            return "idle carriers spin " + (hi == lo ? min : "an adaptive " + min + " to " + skyloft.util.Durations.format(hi))
                    + " before parking";
        }

        /** Applies the mode, tick and idle spin to a builder. */
        public SkyloftRuntime.Builder apply(SkyloftRuntime.Builder b) {
            if (idleSpinNs >= 0) b.idleSpinNs(idleSpinNs, idleSpinMaxNs);
            if (tickNs > 0) return b.timer(timer != null ? timer : TimerMode.POLL, tickNs);
            if (timer != null) return b.timer(timer);
            return b;
        }

        /**
         * What the runtime's timer actually is with this config, as its stats word it: builds a
         * throwaway one-carrier rr runtime and runs one short spinning task so the timer starts.
         */
        public String describe() {
            try (SkyloftRuntime rt = apply(SkyloftRuntime.builder().cores(1).policy("rr")).build()) {
                YieldBench.join(rt.start(() -> Work.spinNs(300_000)));
                quiesce(rt);
                String t = rt.stats().preemption().timer();
                return (timer == null && tickNs == 0 ? "runtime default: " : "") + t
                        + "; " + describeIdleSpin();
            }
        }
    }

    /** A Skyloft system name taken apart: {@code skyloft:rr} or {@code skyloft:rr[slice=200us]}. */
    public record Policy(String name, java.util.Map<String, String> params) {
        /** The policy part of {@code system} (which starts with {@code skyloft:}); throws naming
         *  the system if the brackets or the parameters are malformed. */
        public static Policy of(String system) {
            try {
                PolicyRegistry.Spec spec = PolicyRegistry.Spec.parse(system.substring("skyloft:".length()));
                return new Policy(spec.name(), spec.params());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system '" + system + "': expected skyloft:<policy>[name=value,...], e.g. skyloft:rr[slice=200us]; " + e.getMessage());
            }
        }
    }

    /**
     * Checks a list of system names: {@code skyloft:<policy>} (registered, or a class's full
     * name, loaded as {@link PolicyRegistry#info} loads it), optionally with policy
     * parameters in brackets ({@code skyloft:rr[slice=200us]}), {@code jdk-default},
     * {@code platform}. Throws naming the bad entry and what is allowed.
     */
    public static List<String> checkSystems(List<String> systems) {
        if (systems == null || systems.isEmpty()) throw new IllegalArgumentException("no systems given; allowed: " + allowed());
        for (String s : systems) {
            if (s.equals(Baselines.JDK_DEFAULT) || s.equals(Baselines.PLATFORM)) continue;
            if (s.startsWith("skyloft:")) {
                Policy p = Policy.of(s);
                if (!PolicyRegistry.isPolicyName(p.name())) {
                    throw new IllegalArgumentException("system '" + s + "': no policy named '" + p.name() + "'; registered: " + PolicyRegistry.names()
                            + ", or a policy class's full or short name");
                }
                try {
                    PolicyRegistry.create(p.name(), p.params()); // parameters checked now, not mid-run
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("system '" + s + "': " + e.getMessage());
                }
                continue;
            }
            throw new IllegalArgumentException("system '" + s + "' is not known; allowed: " + allowed());
        }
        return List.copyOf(systems);
    }

    /** A runtime builder for a Skyloft system ({@code skyloft:<policy>[params]}) on {@code cores} carriers. */
    public static SkyloftRuntime.Builder builder(String system, int cores, RuntimeConfig rc) {
        Policy p = Policy.of(system);
        return rc.apply(SkyloftRuntime.builder().cores(cores).policy(p.name(), p.params()));
    }

    private static String allowed() {
        return "skyloft:<policy> or skyloft:<policy>[name=value,...] (" + String.join(", ", PolicyRegistry.names())
                + ", or a policy class's full or short name), jdk-default, platform";
    }

    /**
     * The default systems of a benchmark: {@code skyloft:<p>} for each wanted policy (a name,
     * perhaps with parameters: {@code rr[slice=30us]}) that is
     * registered (the others are reported in {@code skipped}), then jdk-default and platform.
     */
    public static List<String> defaults(List<String> wantedPolicies, List<String> skipped) {
        List<String> out = new ArrayList<>();
        for (String p : wantedPolicies) {
            if (PolicyRegistry.names().contains(Policy.of(Baselines.skyloft(p)).name())) out.add(Baselines.skyloft(p));
            else skipped.add(Baselines.skyloft(p));
        }
        out.add(Baselines.JDK_DEFAULT);
        out.add(Baselines.PLATFORM);
        return out;
    }

    /** Creates the named system on {@code cores} CPUs. */
    public static Sut create(String system, int cores, RuntimeConfig rc) {
        return create(system, cores, rc, TraceRecorder.OFF);
    }

    /** Creates the named system; a Skyloft runtime records its scheduling events into {@code trace}
     *  (the other systems have none to record). */
    public static Sut create(String system, int cores, RuntimeConfig rc, TraceRecorder trace) {
        if (system.startsWith("skyloft:")) return new Skyloft(system, cores, rc, trace);
        if (system.equals(Baselines.JDK_DEFAULT)) return new Jdk();
        if (system.equals(Baselines.PLATFORM)) return new Platform(cores);
        throw new IllegalArgumentException("system '" + system + "' is not known; allowed: " + allowed());
    }

    static final class Skyloft extends Sut {
        final SkyloftRuntime rt;

        Skyloft(String name, int cores, RuntimeConfig rc, TraceRecorder trace) {
            super(name);
            rt = builder(name, cores, rc).trace(trace).build();
        }

        @Override public Thread start(String threadName, Runnable body) {
            return rt.start(threadName, SchedAttr.DEFAULT, body);
        }

        @Override public Thread startBestEffort(String threadName, Runnable body) {
            return rt.start(threadName, SchedAttr.DEFAULT.withApp(BATCH_APP), body);
        }

        @Override public String bestEffortDescription() {
            return "tasks of app '" + BATCH_APP + "' (best-effort under apps; other policies treat them as any task)";
        }

        @Override public RuntimeStats stats() {
            return rt.stats();
        }

        @Override public void close() {
            quiesce(rt);
            rt.close();
        }
    }

    /**
     * Waits (up to 2 s) until the runtime has processed the exit of every task, so that close()
     * finds nothing running. Joining a thread is not enough: join returns when the JDK marks
     * the thread terminated, before its carrier has accounted the exit. Guarded against a
     * close()/exit lock-order deadlock seen before the runtime fixed it; kept, as it is cheap.
     */
    static void quiesce(SkyloftRuntime rt) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && rt.stats().counters().getOrDefault("live_tasks", 0L) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    static final class Jdk extends Sut {
        Jdk() {
            super(Baselines.JDK_DEFAULT);
        }

        @Override public Thread start(String threadName, Runnable body) {
            return Thread.ofVirtual().name(threadName).start(body);
        }
    }

    static final class Platform extends Sut {
        private final List<Integer> cpus;
        private final AtomicInteger next = new AtomicInteger();

        Platform(int cores) {
            super(Baselines.PLATFORM);
            List<Integer> allowed = Affinity.allowedCpus();
            cpus = allowed.size() > cores ? allowed.subList(0, cores) : List.of();
        }

        /** True if threads are pinned (fewer cores than the process may use). */
        boolean pinned() {
            return !cpus.isEmpty();
        }

        private volatile String idleFailure;

        @Override public Thread start(String threadName, Runnable body) {
            if (cpus.isEmpty()) return Thread.ofPlatform().name(threadName).start(body);
            int cpu = cpus.get(Math.floorMod(next.getAndIncrement(), cpus.size()));
            return Thread.ofPlatform().name(threadName).start(() -> {
                String why = Affinity.pinCurrentThread(cpu);
                // the rows' placement param says pinned: a failure is said where it happens, once
                if (why != null && pinWarned.compareAndSet(false, true)) {
                    System.err.println("skyloft: warning: the platform baseline's thread " + threadName + " runs unpinned, though its rows say pinned: " + why);
                }
                body.run();
            });
        }

        /** Whether a failed pin has been reported on stderr (once per process). */
        private static final java.util.concurrent.atomic.AtomicBoolean pinWarned = new java.util.concurrent.atomic.AtomicBoolean();

        @Override public Thread startBestEffort(String threadName, Runnable body) {
            return start(threadName, () -> {
                String why = Affinity.setIdlePolicy();
                if (why != null) idleFailure = why;
                body.run();
            });
        }

        @Override public String bestEffortDescription() {
            String why = idleFailure;
            return why == null ? "platform threads at SCHED_IDLE" : "platform threads at normal priority (" + why + ")";
        }
    }

    /** Each Skyloft system's policy parameters (the registry defaults benchmarks run with), for the params. */
    public static java.util.Map<String, String> policyDefaults(List<String> systems) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String s : systems) {
            if (!s.startsWith("skyloft:")) continue;
            Policy given = Policy.of(s);
            var info = PolicyRegistry.info(given.name());
            StringBuilder sb = new StringBuilder();
            for (var p : info.params()) {
                if (p.isPrefix()) { // apps' lc.*: only the values given
                    given.params().forEach((k, v) -> { if (p.matches(k)) sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v); });
                    continue;
                }
                sb.append(sb.isEmpty() ? "" : ", ").append(p.name()).append('=').append(given.params().getOrDefault(p.name(), p.defaultValue()));
            }
            out.put(s, sb.isEmpty() ? "-" : sb.toString());
        }
        return out;
    }

    /** A short description of the platform baseline's placement on {@code cores} CPUs. */
    public static String platformPlacement(int cores) {
        int n = Affinity.allowedCpus().size();
        return n > cores ? "platform threads pinned round robin to the first " + cores + " of " + n + " CPUs"
                : "platform threads free on all " + Math.max(n, cores) + " CPUs";
    }
}
