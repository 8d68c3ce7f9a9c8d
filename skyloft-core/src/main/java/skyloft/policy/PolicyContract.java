package skyloft.policy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StepHost;
import skyloft.spi.StepHost.StepTask;
import skyloft.spi.StopReason;

/**
 * The contract every policy passes, registered or a user's class: driven by {@link StepHost}
 * with a fake clock, no task lost, none run twice at once, every runnable task eventually runs,
 * a yield lets an equal task run, and a bad parameter is refused by name. The project's tests run
 * it on every registered policy ({@code PolicyContractTest}); {@code skyloft policies --check
 * SPEC} runs it on any policy, a class on {@code --policy-path} included.
 *
 * <p>The random runs mix spawns, runs, yields, blocks, wakeups, exits, nice changes, periodic
 * balancing, rescues and the kicks the policy asks for. With {@link Subject#deadlineTasks()} a
 * third of their tasks have deadline parameters (a policy may refuse those, and only those);
 * with {@link Subject#budgets()} as well, a deadline task never gets more than its runtime per
 * period (what SCHED_DEADLINE's servers enforce; rate-monotonic enforces no budget).
 *
 * <p>Every check builds fresh policies from the subject's spec; a broken contract throws
 * {@link AssertionError} naming the policy and what broke, and a policy's own exception goes
 * through as it is.
 */
public final class PolicyContract {
    private PolicyContract() {}

    /** What the checks run on: a policy spec ({@code rr}, {@code rr[slice=20us]},
     *  {@code com.acme.Lottery}), and which deadline checks apply to it. */
    public record Subject(PolicyRegistry.Spec spec, boolean deadlineTasks, boolean budgets) {
        public Subject {
            if (budgets && !deadlineTasks) throw new IllegalArgumentException("budgets are checked only with deadline tasks");
        }

        /** The subject for {@code spec} with the deadline checks its name calls for: tasks and
         *  budgets for {@code deadline}, tasks for {@code rm}, neither for any other. */
        public static Subject of(String spec) {
            PolicyRegistry.Spec s = PolicyRegistry.Spec.parse(spec);
            return new Subject(s, s.name().equals("deadline") || s.name().equals("rm"), s.name().equals("deadline"));
        }

        /** A fresh instance of the policy. */
        public SchedPolicy create() {
            return PolicyRegistry.create(spec.name(), spec.params());
        }

        @Override
        public String toString() {
            return spec.toString();
        }
    }

    /** A check that does not apply to this policy (a FIFO that never preempts has no share to
     *  give a task that yielded); says why. */
    public static final class NotApplicable extends RuntimeException {
        public NotApplicable(String why) {
            super(why, null, false, false);
        }
    }

    /** One check: its name, one line on what it asks of a policy, and the check. */
    public record Case(String name, String description, Check check) {}

    /** Runs one check on a subject: returns if it holds, throws {@link AssertionError} if not,
     *  {@link NotApplicable} if it does not apply. */
    @FunctionalInterface
    public interface Check {
        void run(Subject subject);
    }

    /** Every check, in the order they are best read. */
    public static List<Case> cases() {
        return List.of(
                new Case("random-events", "random spawns, runs, yields, blocks, wakeups, exits, nice changes, balancing and rescues on 1, 2 and 4 CPUs "
                        + "never hand out a task the policy does not own, and lose none", PolicyContract::randomEventsNeverBreakOwnership),
                new Case("every-task-runs", "16 tasks that yield after each run all run, on 1 and 2 CPUs", PolicyContract::everyRunnableTaskEventuallyRuns),
                new Case("rescue", "after a rescue moves a stalled CPU's queue, the other CPU reaches every task that was queued",
                        PolicyContract::nothingQueuedIsStrandedOnAStalledCpuAfterARescue),
                new Case("yield", "a task that yields after running lets an equal task run", PolicyContract::yieldAfterRunningLetsAnEqualTaskRun),
                new Case("yield-then-hogs", "a task that yielded once still runs again beside tasks that never yield (for a policy that preempts them)",
                        PolicyContract::aTaskThatYieldedOnceStillRunsBesideTasksThatNeverYield),
                new Case("blocked-and-exited", "blocked and exited tasks are not handed out; a woken one is",
                        PolicyContract::exitedAndBlockedTasksAreNotHandedOut),
                new Case("defaults-and-dump", "default attributes are admitted, and dump names the policy",
                        PolicyContract::defaultAttributesAreAdmittedAndDumpNamesThePolicy),
                new Case("unknown-parameter", "an unknown parameter is refused, naming it and the policy",
                        PolicyContract::unknownParameterIsRefused));
    }

    /** How one case went: passed, failed (with why) or did not apply (with why). */
    public record Outcome(Case check, Result result, String detail) {}

    /** A case's result. */
    public enum Result { PASSED, FAILED, NOT_APPLICABLE }

    /** Runs every case on {@code subject}; a case's failure, a policy's exception included, is
     *  its outcome and does not stop the others. */
    public static List<Outcome> run(Subject subject) {
        List<Outcome> out = new ArrayList<>();
        for (Case c : cases()) {
            try {
                c.check().run(subject);
                out.add(new Outcome(c, Result.PASSED, ""));
            } catch (NotApplicable e) {
                out.add(new Outcome(c, Result.NOT_APPLICABLE, e.getMessage()));
            } catch (AssertionError | RuntimeException e) {
                out.add(new Outcome(c, Result.FAILED, e instanceof AssertionError ? e.getMessage() : e.toString()));
            }
        }
        return out;
    }

    private static void check(boolean holds, String what) {
        if (!holds) throw new AssertionError(what);
    }

    private static StepHost host(Subject s, int cpus, long seed) {
        return new StepHost(s.create(), cpus, seed);
    }

    /** Deadline parameters that a third of the random runs' tasks get with deadline tasks. */
    private static final long RT_RUNTIME_NS = 100_000, RT_PERIOD_NS = 1_000_000;
    /** The longest one random step lets a task run unticked (a runFor on another CPU) before the
     *  kicks due are honoured: what a deadline task can overrun its runtime by. */
    private static final long MAX_STEP_NS = 200_000;

    static void randomEventsNeverBreakOwnership(Subject s) {
        for (int cpus : new int[] {1, 2, 4}) {
            for (long seed = 1; seed <= 12; seed++) {
                StepHost h = host(s, cpus, seed);
                SplittableRandom rnd = new SplittableRandom(seed * 31 + cpus);
                List<StepTask> blocked = new ArrayList<>();
                Map<StepTask, Long> serverStartNs = new LinkedHashMap<>();
                String run = s + " on " + cpus + " cpus, seed " + seed;
                for (int step = 0; step < 600; step++) {
                    int cpu = rnd.nextInt(cpus);
                    switch (rnd.nextInt(11)) {
                        case 0 -> {
                            // a third of the tasks belong to app "batch" (best-effort under apps; the rest ignore the label)
                            SchedAttr attr = SchedAttr.DEFAULT.withNice(rnd.nextInt(-5, 6)).withApp(rnd.nextInt(3) == 0 ? "batch" : "web");
                            if (s.deadlineTasks() && rnd.nextInt(3) == 0) attr = attr.withDeadline(RT_RUNTIME_NS, RT_PERIOD_NS, RT_PERIOD_NS);
                            if (h.tasks().size() < 40) {
                                try {
                                    StepTask t = h.spawn("t" + h.tasks().size(), attr, cpu);
                                    if (attr.hasDeadline()) serverStartNs.put(t, h.now());
                                } catch (AdmissionException full) {
                                    // Only a deadline server may be refused (no bandwidth left; the run goes on
                                    // without it): a policy that refuses plain attributes breaks the contract.
                                    if (!attr.hasDeadline()) throw new AssertionError(run + ": refused plain attributes " + attr + ": " + full.getMessage(), full);
                                }
                            }
                        }
                        case 1, 2 -> h.runFor(cpu, rnd.nextLong(1_000, MAX_STEP_NS), 4_000);
                        case 3 -> { if (h.running(cpu) != null) h.stop(cpu, StopReason.YIELD); }
                        case 4 -> { if (h.running(cpu) != null) blocked.add(h.stop(cpu, StopReason.BLOCK)); }
                        case 5 -> {
                            if (!blocked.isEmpty()) {
                                StepTask t = blocked.remove(rnd.nextInt(blocked.size()));
                                // half of them unparked by the task running on a CPU (SchedContext.wakerCpu)
                                if (h.running(cpu) != null && rnd.nextBoolean()) h.wakeBy(t, cpu);
                                else h.wake(t);
                            }
                        }
                        case 6 -> { if (h.running(cpu) != null && rnd.nextInt(4) == 0) h.stop(cpu, StopReason.EXIT); }
                        case 7 -> {
                            if (!h.tasks().isEmpty()) {
                                StepTask t = h.tasks().get(rnd.nextInt(h.tasks().size()));
                                if (t.state() != StepHost.State.EXITED) h.setAttr(t, t.attr().withNice(rnd.nextInt(-10, 11)));
                            }
                        }
                        case 8 -> { if (h.running(cpu) != null && h.policy().balanceIntervalNs() > 0) h.balance(cpu); }
                        case 9 -> { if (cpus > 1) h.rescue(cpu, (cpu + 1 + rnd.nextInt(cpus - 1)) % cpus); }
                        default -> h.advance(rnd.nextLong(0, 50_000));
                    }
                    h.honourDueKicks();
                    if (s.budgets()) checkServerBudgets(h, serverStartNs, run);
                }
                h.drainAndCheck();
            }
        }
    }

    /** A deadline server started at t0 has had at most Q x (now - t0) / P, plus the Q it starts
     *  with, plus one step's overrun. */
    private static void checkServerBudgets(StepHost h, Map<StepTask, Long> serverStartNs, String run) {
        serverStartNs.forEach((t, startNs) -> {
            long ranNs = t.runNs() + (t.state() == StepHost.State.RUNNING ? h.now() - t.runStartNs() : 0);
            long allowedNs = (h.now() - startNs) * RT_RUNTIME_NS / RT_PERIOD_NS + RT_RUNTIME_NS + MAX_STEP_NS;
            check(ranNs <= allowedNs, run + ": " + t + " ran " + ranNs + "ns in " + (h.now() - startNs) + "ns, over its " + allowedNs + "ns");
        });
    }

    static void everyRunnableTaskEventuallyRuns(Subject s) {
        for (int cpus : new int[] {1, 2}) {
            StepHost h = host(s, cpus, 7);
            for (int i = 0; i < 16; i++) h.spawn("t" + i, SchedAttr.DEFAULT, 0);
            for (int round = 0; round < 400; round++) {
                for (int c = 0; c < cpus; c++) {
                    StepTask t = h.runFor(c, 30_000, 5_000);
                    if (t != null && h.running(c) == t) h.stop(c, StopReason.YIELD);
                }
            }
            for (StepTask t : h.tasks()) check(t.switches() > 0, s + " on " + cpus + " cpus never ran " + t);
            h.drainAndCheck();
        }
    }

    static void nothingQueuedIsStrandedOnAStalledCpuAfterARescue(Subject s) {
        StepHost h = host(s, 2, 5);
        h.spawn("a", SchedAttr.DEFAULT, 0);
        h.schedule(0);
        h.spawn("b", SchedAttr.DEFAULT, 1);
        h.schedule(1);
        List<StepTask> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) queued.add(h.spawn("q" + i, SchedAttr.DEFAULT, 0)); // both CPUs busy: queued
        int moved = h.rescue(0, 1);
        check(moved <= queued.size(), s + ": rescue moved " + moved + " of " + queued.size());
        // CPU 0 stays stalled (never scheduled again); CPU 1 alone must reach every queued task.
        for (int round = 0; round < 200; round++) {
            StepTask t = h.runFor(1, 30_000, 5_000);
            if (t != null && h.running(1) == t) h.stop(1, StopReason.YIELD);
        }
        for (StepTask t : queued) check(t.switches() > 0, s + ": " + t + " was stranded on the stalled CPU (rescue moved " + moved + ")");
        h.drainAndCheck();
    }

    static void yieldAfterRunningLetsAnEqualTaskRun(Subject s) {
        StepHost h = host(s, 1, 3);
        h.spawn("a");
        h.spawn("b");
        StepTask first = h.schedule(0);
        h.advance(100_000);
        h.stop(0, StopReason.YIELD);
        StepTask second = h.schedule(0);
        check(first != second, s + " ran the yielding task again while an equal one waited");
    }

    /** Applies only to a policy that preempts CPU-bound tasks at all: one that never does here
     *  (FIFO, or an LC class under FIFO) keeps the CPU for a hog by design. */
    static void aTaskThatYieldedOnceStillRunsBesideTasksThatNeverYield(Subject s) {
        StepHost h = host(s, 1, 11);
        if (!h.policy().usesTick()) throw new NotApplicable(s + " never ticks, so it never preempts a task that does not yield");
        StepTask yielder = h.spawn("yielder");
        h.spawn("hog1");
        h.spawn("hog2");
        int preemptions = 0;
        for (int i = 0; i < 100 && h.schedule(0) != yielder; i++) {
            StepTask t = h.runFor(0, 1_000_000, 5_000);
            if (h.running(0) != t) preemptions++;
        }
        if (h.running(0) != yielder) {
            if (preemptions == 0) throw new NotApplicable(s + " preempted none of these CPU-bound tasks in 100 ms");
            throw new AssertionError(s + " never ran the yielder while it preempted the hogs " + preemptions + " times");
        }
        h.advance(5_000);
        h.stop(0, StopReason.YIELD);
        long before = yielder.switches();
        for (int round = 0; round < 400 && yielder.switches() == before; round++) {
            StepTask t = h.runFor(0, 1_000_000, 5_000); // the hogs never yield nor block: only ticks stop them
            if (t == yielder) break;
            if (h.running(0) != t) preemptions++;
        }
        if (yielder.switches() == before && preemptions == 0) {
            throw new NotApplicable(s + " preempted none of these CPU-bound tasks");
        }
        check(yielder.switches() > before, s + ": a task that yielded once never ran again beside tasks that never yield");
    }

    static void exitedAndBlockedTasksAreNotHandedOut(Subject s) {
        StepHost h = host(s, 2, 5);
        StepTask a = h.spawn("a");
        StepTask b = h.spawn("b");
        StepTask ran = h.schedule(0);
        check(ran != null, s + " left CPU 0 idle with two tasks queued");
        h.stop(0, StopReason.BLOCK);
        StepTask other = ran == a ? b : a;
        // Only the other task may come out now, on either CPU, and then nothing.
        StepTask next = h.schedule(0) != null ? h.running(0) : h.schedule(1);
        check(next == other, s + " handed out " + next + " after " + ran + " blocked; expected " + other);
        h.stop(next.lastCpu(), StopReason.EXIT);
        check(h.schedule(0) == null && h.schedule(1) == null, s + " handed out a task after the only runnable one exited");
        h.wake(ran);
        StepTask again = h.schedule(ran.lastCpu());
        check(again == ran, s + " did not hand out the woken " + ran + " on its CPU " + ran.lastCpu() + "; got " + again);
        h.drainAndCheck();
    }

    static void defaultAttributesAreAdmittedAndDumpNamesThePolicy(Subject s) {
        SchedPolicy p = s.create();
        StepHost h = new StepHost(p, 2, 1);
        h.spawn("x");
        StringWriter sw = new StringWriter();
        p.dump(new PrintWriter(sw, true));
        check(p.name() != null && !p.name().isBlank(), s + ": name() is empty");
        check(sw.toString().contains(p.name()), s + ": dump should name the policy (" + p.name() + "): " + sw);
    }

    static void unknownParameterIsRefused(Subject s) {
        Map<String, String> params = new LinkedHashMap<>(s.spec().params());
        params.put("bogus", "1");
        try {
            PolicyRegistry.create(s.spec().name(), params);
        } catch (IllegalArgumentException e) {
            check(e.getMessage() != null && e.getMessage().contains("bogus") && e.getMessage().contains(s.spec().name()),
                    s + ": the refusal should name the parameter and the policy: " + e.getMessage());
            return;
        }
        throw new AssertionError(s + " took the unknown parameter bogus=1");
    }
}
