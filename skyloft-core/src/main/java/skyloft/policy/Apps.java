package skyloft.policy;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import skyloft.spi.AdmissionException;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.SchedContext;
import skyloft.spi.SchedPolicy;
import skyloft.spi.StopReason;
import skyloft.spi.Task;

/**
 * Two kinds of application sharing the cores, as in Skyloft: latency-critical (LC) tasks under
 * one policy, and best-effort (BE) tasks under another that get only the CPU time LC leaves. A
 * task is BE if its {@code app} attribute is one of {@code be_apps}, LC otherwise. A CPU picks
 * LC work first: its own LC queue, then whatever the LC policy's idle balance brings it, and
 * BE work only when neither gives anything. An LC task that becomes runnable preempts a BE task
 * at once: the LC policy sees a CPU running BE work as idle, so it places the task there, and
 * this class asks for that CPU's preemption (unless another CPU is idle indeed: the task goes
 * there and preempts nothing). When LC tasks wait on CPUs busy with LC work, this
 * class also preempts BE CPUs, one per waiting task that no idle CPU will take, so that they
 * steal it, and a CPU running BE work to which a balance or a rescue moves LC tasks. BE never
 * preempts LC. Each inner policy runs as if it had the machine to itself: it sees only its own
 * tasks as running ({@code current}), and its preemption requests reach only CPUs running its
 * own class (an LC request may also hit BE).
 *
 * <p>Skyloft gives each application its own scheduler and moves whole cores between them; this
 * is the same rule inside one runtime, decided per CPU at every pick (like Linux stacking its
 * scheduling classes, with BE in the role of SCHED_IDLE).
 *
 * <p>Parameters: {@code lc} (the LC policy, default rr), {@code be} (the BE policy, default
 * cfs), both any registered policy but deadline, rm and apps (they need kicks and admission
 * across the classes); {@code be_apps} (BE application names joined by {@code +}, default
 * {@code batch}); {@code lc.NAME=VALUE} and {@code be.NAME=VALUE} pass a parameter to the
 * inner policy ({@code lc.slice=30us}); {@code be_min} (0 to 0.5, default 0) and {@code
 * be_quantum} (default 100us): BE's floor. Each CPU owes BE time: every ns an LC task runs there
 * adds be_min / (1 - be_min) ns, every ns a BE task runs there takes one, and the debt is held
 * between 0 and one quantum. Once it reaches a quantum while BE tasks wait, the LC task is
 * preempted and BE gets a turn of that length, which arriving LC work does not cut short. So BE
 * gets at least be_min of any CPU that LC would otherwise take whole. Because BE runs pay the
 * debt down, a turn comes only after LC has held one CPU for quantum x (1 - be_min) / be_min
 * with no BE run there (400us at 0.2). A task cannot change class: changing its app across the line
 * is refused.
 *
 * <p>Isolation instead of sharing: {@code be_cpus} (default all) confines BE tasks to a CPU list
 * ({@link CpuList}: {@code 0}, {@code 0-7}, {@code 0-3+8}), as isolcpus or a cpuset would; a CPU
 * outside it never runs BE work, so an LC task there never waits for BE to be preempted.
 * {@code lc_cpus} (default all) confines LC tasks the same way: by default LC may still use BE's
 * CPUs and preempts BE there exactly as when sharing, and {@code be_cpus=0-7,lc_cpus=8-15} is a
 * strict partition, as Linux cpusets make. Each inner policy is given a view in which only its
 * class's CPUs exist, numbered from 0: every CPU in its ops and in its context calls is
 * translated both ways. So the BE policy cannot place, queue, steal, balance or rescue a task
 * onto a CPU that never picks BE, and nothing it owns is stranded; apps asks a class's policy
 * only on its class's CPUs (picks, balancing, the floor, which takes turns only on CPUs both
 * classes use). A rescue onto a CPU that the class may not use goes to another of its CPUs (an
 * idle one, kicked, first); a class whose only CPU stalls waits the stall out, as a task pinned by
 * a cpuset does. Two rules keep BE's CPUs for BE while LC has CPUs of its own: an LC task that
 * its policy places on one of BE's CPUs goes instead to an idle CPU kept from BE, or, if the one
 * chosen runs BE work, to any idle CPU (so it needs no preemption); and an idle CPU of BE's, with
 * BE work waiting, leaves queued LC work to the idle CPUs kept from BE when they are enough for
 * it. The lists are checked against the host's CPU count when the policy is attached. Every CPU
 * must be in one list or both; a floor needs a CPU in both.
 *
 * <p>Good at: keeping LC latency close to running LC alone while BE soaks up the idle time.
 * Bad at: fairness across the classes (without a floor BE starves while LC saturates the CPUs;
 * with one, LC work waits up to a quantum behind a BE turn, and an LC load above 1 - be_min
 * queues), and a BE task holding a lock an LC task needs (priority
 * inversion, nothing inherits). A BE CPU reacts to LC work at its next preemption point; with a
 * stealing LC policy on more than two CPUs the steal may pick another victim, and the task
 * then waits for its own CPU's slice (in the simulator at 16 CPUs, examples/apps-colocation-16cpu.yaml,
 * that cost little). Isolation trades BE's share for LC's latency, and is bad at load that moves:
 * BE cannot use the LC CPUs when LC is idle, LC under a strict partition cannot use BE's when it
 * bursts (in the simulator, apps-colocation.yaml's service needs one CPU of two on average and,
 * held to one, its p99 goes from 61us to 5ms). An LC task that runs on one of BE's CPUs stays there
 * until it stops, though a CPU kept from BE falls idle, unless {@code lc_return=on} (default off):
 * then, if BE work waits and no LC work is queued, it is preempted to go on there: its CPU's LC
 * queue, holding only it, moves (the LC policy's rescue op), or, under a policy with one global
 * queue, which moves nothing, its CPU takes BE work first and the idle CPU, kicked, takes it. That
 * gives BE more; in the simulator at 16 CPUs it cost LC latency, since the CPUs kept from BE are
 * then busier. {@link Task#lastCpu()} is the host's CPU number, not the inner view's.
 *
 * <p>Cost: the two inner policies' own, plus, per LC enqueue while some CPU runs BE work, one
 * pass over the CPUs to count idle ones and find BE ones; with a floor, a few arithmetic steps
 * per tick and stop; one array lookup per op to translate the CPU, and with be_cpus a pass over
 * the CPUs when an LC task is placed on one of BE's or an idle CPU of BE's looks for LC work.
 * Concurrency: serialized by the host like every policy; plain fields.
 */
public final class Apps extends SchedPolicy {
    public static final String DEFAULT_LC = "rr";
    public static final String DEFAULT_BE = "cfs";
    public static final String DEFAULT_BE_APPS = "batch";
    /** Policies that cannot be a class here: they rely on kicks reaching an idle CPU and on admission of every task. */
    static final Set<String> NOT_NESTABLE = Set.of("deadline", "rm", "apps");

    public static final long DEFAULT_BE_QUANTUM_NS = 100_000;

    private final SchedPolicy lc, be;
    private final Set<String> beApps;
    /** The CPUs each class may run on (isolation); {@link CpuList#ALL} for both is plain sharing. */
    private final CpuList lcCpus, beCpus;
    /** BE's floor: the share of each CPU it gets while LC work would take all of it (0: none). */
    private final double beMin;
    /** How long a BE turn under the floor lasts, and how much of it BE must have earned first. */
    private final long beQuantumNs;
    /** BE time earned per ns of LC running: beMin / (1 - beMin). */
    private final double earnPerNs;
    /** lc_return: an LC task on one of BE's CPUs moves to a CPU kept from BE that falls idle while BE waits. */
    private final boolean lcReturn;

    private int lcQueued;             // LC tasks the LC policy owns (queued), all CPUs
    private int beQueued;             // BE tasks the BE policy owns (queued), all CPUs
    private int beRunning;            // CPUs running a BE task (between running and stopping)
    private boolean[] preemptAsked;   // a preemption of this CPU's BE task is pending
    private long[] earnedNs;          // per CPU: BE time owed under the floor (LC runs add, BE runs take), 0 to one quantum
    private boolean[] floorTurn;      // per CPU: the BE task running there was picked for its floor turn
    private long bePreempts, lcSteals, floorTurns;
    private boolean[] lcOn, beOn;     // per CPU: the class may run there (lc_cpus, be_cpus)
    private View lcView, beView;      // what each inner policy sees: only its own CPUs, numbered from 0
    private long lcToIdle, rescueRedirects, misplaced, movesBack;
    /** Per CPU of BE's: the idle CPU kept from BE to which the LC task running here moves once
     *  its preemption lands (-1: none). Set by that CPU's pickNext; read and cleared by the
     *  enqueue that follows the preemption, cleared by any other stop here. */
    private int[] moveBackTo;
    /** Per CPU: its next pick takes BE work before LC work, because the LC task preempted there
     *  is to continue on an idle CPU kept from BE; set by enqueue, cleared by that pick. */
    private boolean[] beFirst;

    public Apps(SchedPolicy lc, SchedPolicy be, Set<String> beApps) {
        this(lc, be, beApps, 0, DEFAULT_BE_QUANTUM_NS);
    }

    /**
     * @param beMin       BE's floor, 0 (none) to 0.5: while LC work would take a CPU whole, BE
     *                    still gets this share of it, in turns of {@code beQuantumNs}
     * @param beQuantumNs the length of a BE turn under the floor
     */
    public Apps(SchedPolicy lc, SchedPolicy be, Set<String> beApps, double beMin, long beQuantumNs) {
        this(lc, be, beApps, beMin, beQuantumNs, CpuList.ALL, CpuList.ALL);
    }

    /**
     * @param lcCpus the CPUs LC tasks may run on ({@link CpuList#ALL}: every one, BE's included)
     * @param beCpus the CPUs BE tasks may run on; a CPU outside never runs BE work. Whether they
     *               name CPUs the host has is checked when the policy is attached.
     */
    public Apps(SchedPolicy lc, SchedPolicy be, Set<String> beApps, double beMin, long beQuantumNs, CpuList lcCpus, CpuList beCpus) {
        this(lc, be, beApps, beMin, beQuantumNs, lcCpus, beCpus, false);
    }

    /** @param lcReturn whether an LC task running on one of BE's CPUs moves to a CPU kept from BE
     *                  that falls idle while BE work waits (see the class header) */
    public Apps(SchedPolicy lc, SchedPolicy be, Set<String> beApps, double beMin, long beQuantumNs, CpuList lcCpus, CpuList beCpus,
                boolean lcReturn) {
        if (NOT_NESTABLE.contains(lc.name()) || NOT_NESTABLE.contains(be.name())) {
            throw new IllegalArgumentException("apps: got lc=" + lc.name() + ", be=" + be.name() + "; allowed for either: " + allowed());
        }
        if (lc == be) throw new IllegalArgumentException("apps: lc and be must be two policy instances");
        if (beApps.isEmpty()) throw new IllegalArgumentException("apps: be_apps names no application");
        if (!(beMin >= 0 && beMin <= 0.5)) throw new IllegalArgumentException("apps: be_min " + beMin + " is out of range; allowed 0 to 0.5");
        if (beQuantumNs <= 0) throw new IllegalArgumentException("apps: be_quantum " + beQuantumNs + "ns is out of range; allowed > 0");
        this.lc = lc;
        this.be = be;
        this.beApps = Set.copyOf(beApps);
        this.beMin = beMin;
        this.beQuantumNs = beQuantumNs;
        this.earnPerNs = beMin / (1 - beMin);
        this.lcCpus = java.util.Objects.requireNonNull(lcCpus, "lcCpus");
        this.beCpus = java.util.Objects.requireNonNull(beCpus, "beCpus");
        this.lcReturn = lcReturn;
    }

    Apps(PolicyParams p) {
        this(inner(p, "lc", DEFAULT_LC), inner(p, "be", DEFAULT_BE), beApps(p), p.decimal("be_min", 0, 0, 0.5),
                p.durationNs("be_quantum", DEFAULT_BE_QUANTUM_NS, 5_000, 100_000_000), cpus(p, "lc_cpus"), cpus(p, "be_cpus"),
                p.choice("lc_return", "off", "off", "on").equals("on"));
    }

    private static CpuList cpus(PolicyParams p, String key) {
        return p.has(key) ? CpuList.parse("policy apps parameter " + key, p.asMap().get(key)) : CpuList.ALL;
    }

    private static SchedPolicy inner(PolicyParams p, String side, String dflt) {
        String name = p.asMap().getOrDefault(side, dflt);
        if (NOT_NESTABLE.contains(name) || !PolicyRegistry.isPolicyName(name)) {
            throw new IllegalArgumentException("policy apps parameter " + side + ": "
                    + (NOT_NESTABLE.contains(name) ? "'" + name + "' cannot be a class here" : "no policy named '" + name + "'")
                    + "; allowed: " + allowed());
        }
        Map<String, String> own = new LinkedHashMap<>();
        String prefix = side + ".";
        p.asMap().forEach((k, v) -> { if (k.startsWith(prefix)) own.put(k.substring(prefix.length()), v); });
        try {
            return PolicyRegistry.create(name, own);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy apps, " + side + "=" + name + ": " + e.getMessage(), e);
        }
    }

    /** The registered policies that may run a class, in registry order, and policy classes. */
    private static String allowed() {
        return String.join(", ", PolicyRegistry.names().stream().filter(n -> !NOT_NESTABLE.contains(n)).toList()) + ", or a policy class's full or short name";
    }

    private static Set<String> beApps(PolicyParams p) {
        String v = p.asMap().getOrDefault("be_apps", DEFAULT_BE_APPS);
        List<String> names = Arrays.stream(v.split("\\+")).map(String::trim).toList();
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("policy apps parameter be_apps: '" + v + "' has an empty name; expected names joined by +, e.g. batch+backup");
        }
        return Set.copyOf(names);
    }

    @Override
    public String name() {
        return "apps";
    }

    /** True if the task is best-effort (its app is one of {@code be_apps}). */
    public boolean isBestEffort(SchedAttr attr) {
        return beApps.contains(attr.app());
    }

    private boolean isBe(Task t) {
        return t != null && beApps.contains(t.attr().app());
    }

    private SchedPolicy of(Task t) {
        return isBe(t) ? be : lc;
    }

    /** {@code cpu} as the inner policy of {@code t}'s class numbers it. */
    private int local(Task t, int cpu) {
        return (isBe(t) ? beView : lcView).toLocal[cpu];
    }

    /** True if both classes may run on {@code cpu}: only there can BE's floor take turns. */
    private boolean shared(int cpu) {
        return lcOn[cpu] && beOn[cpu];
    }

    @Override
    protected void init(int cpus) {
        lcOn = lcCpus.resolve("policy apps parameter lc_cpus", cpus);
        beOn = beCpus.resolve("policy apps parameter be_cpus", cpus);
        boolean anyShared = false;
        for (int c = 0; c < cpus; c++) {
            if (!lcOn[c] && !beOn[c]) {
                throw new IllegalArgumentException("policy apps: CPU " + c + " is in neither lc_cpus (" + lcCpus + ") nor be_cpus (" + beCpus
                        + "), so it would run nothing; allowed lists that together cover every CPU, 0 to " + (cpus - 1));
            }
            anyShared |= shared(c);
        }
        if (beMin > 0 && !anyShared) {
            throw new IllegalArgumentException("policy apps parameter be_min: " + beMin + " needs a CPU that both classes may use, but lc_cpus ("
                    + lcCpus + ") and be_cpus (" + beCpus + ") share none; allowed be_min=0 for a strict partition, where BE has its own CPUs");
        }
        lcView = new View(ctx, false, lcOn);
        beView = new View(ctx, true, beOn);
        lc.attach(lcView);
        be.attach(beView);
        lcToIdle = rescueRedirects = misplaced = movesBack = 0;
        moveBackTo = new int[cpus];
        Arrays.fill(moveBackTo, -1);
        beFirst = new boolean[cpus];
        lcQueued = beQueued = beRunning = 0;
        preemptAsked = new boolean[cpus];
        earnedNs = new long[cpus];
        floorTurn = new boolean[cpus];
        bePreempts = lcSteals = floorTurns = 0;
    }

    @Override
    public void admit(Task task, SchedAttr proposed) {
        // At spawn the host passes the task's own attributes; a different class means a change.
        if (proposed != task.attr() && isBestEffort(proposed) != isBe(task)) {
            throw new AdmissionException("apps: task " + task.name() + " cannot move from app '" + task.attr().app() + "' to '" + proposed.app()
                    + "': that crosses between latency-critical and best-effort (be_apps=" + String.join("+", beApps.stream().sorted().toList()) + ")");
        }
        (isBestEffort(proposed) ? be : lc).admit(task, proposed);
    }

    @Override
    public void taskInit(Task task, long nowNs) {
        of(task).taskInit(task, nowNs);
    }

    @Override
    public void taskExit(Task task, long nowNs) {
        of(task).taskExit(task, nowNs);
    }

    @Override
    public void attrChanged(Task task, SchedAttr old, long nowNs) {
        of(task).attrChanged(task, old, nowNs);
    }

    @Override
    public int selectCpu(Task task, int prevCpu, EnqueueReason reason, long nowNs) {
        View v = isBe(task) ? beView : lcView;
        int local = of(task).selectCpu(task, v.local(prevCpu), reason, nowNs);
        if (local < 0 || local >= v.toHost.length) return local; // the inner policy's mistake: the host reports it (the runtime counts it and uses CPU 0)
        int cpu = v.toHost[local];
        if (v == beView) return cpu;
        boolean takesBe = isBe(ctx.current(cpu));
        if (!takesBe && (beCpus.isAll() || !beOn[cpu])) return cpu;
        // The LC policy chose one of BE's CPUs: an idle CPU kept from BE (be_cpus) takes the task
        // first, so that BE keeps its CPUs; and if the chosen CPU runs BE work, which the LC
        // policy sees as idle, any CPU that is idle indeed takes it without a preemption.
        int idle = -1;
        for (int c = 0; c < lcOn.length; c++) {
            if (!lcOn[c] || !ctx.isIdle(c)) continue;
            if (!beOn[c]) {
                lcToIdle++;
                return c;
            }
            if (idle < 0) idle = c;
        }
        if (takesBe && idle >= 0) {
            lcToIdle++;
            return idle;
        }
        return cpu;
    }

    @Override
    public void enqueue(Task task, int cpu, EnqueueReason reason, long nowNs) {
        if (isBe(task)) {
            be.enqueue(task, classCpu(beView, cpu), reason, nowNs);
            beQueued++;
            return;
        }
        lc.enqueue(task, classCpu(lcView, cpu), reason, nowNs);
        lcQueued++;
        int to = moveBackTo[cpu];
        if (reason == EnqueueReason.PREEMPTED && to >= 0) { // preempted to leave BE's CPU for the idle CPU kept from BE
            moveBackTo[cpu] = -1;
            if (ctx.isIdle(to)) {
                // per-CPU queues: this CPU's LC queue (the task alone) moves there; a global queue
                // moves nothing, and this CPU takes BE work first, so the kicked one takes the task
                lc.rescue(lcView.toLocal[cpu], lcView.toLocal[to], nowNs);
                beFirst[cpu] = true;
                movesBack++;
                ctx.kickAt(to, nowNs);
            }
        }
        if (beRunning == 0) return; // nothing to take from
        if (isBe(ctx.current(cpu))) preemptBe(cpu); // the LC policy took this CPU as idle (a floor turn keeps it)
        // Waiting LC tasks that no idle CPU will take: take BE CPUs for them, one each.
        int idle = 0, asked = 0;
        for (int c = 0; c < preemptAsked.length; c++) {
            if (!lcOn[c]) continue;
            if (ctx.isIdle(c)) idle++;
            else if (preemptAsked[c]) asked++;
        }
        for (int c = 0, want = lcQueued - idle - asked; want > 0 && c < preemptAsked.length; c++) {
            if (lcOn[c] && !preemptAsked[c] && isBe(ctx.current(c))) {
                preemptBe(c);
                want--;
            }
        }
    }

    /** {@code cpu} in {@code v}'s numbering; a CPU that is not the class's (a host put a task there
     *  after correcting a bad selectCpu) is taken as the class's first, and counted. */
    private int classCpu(View v, int cpu) {
        int l = v.toLocal[cpu];
        if (l >= 0) return l;
        misplaced++;
        return 0;
    }

    private void preemptBe(int cpu) {
        if (preemptAsked[cpu] || floorTurn[cpu]) return;
        preemptAsked[cpu] = true;
        bePreempts++;
        ctx.requestPreempt(cpu);
    }

    @Override
    public Task pickNext(int cpu, long nowNs) {
        if (beQueued > 0 && beMin > 0 && shared(cpu) && earnedNs[cpu] >= beQuantumNs) { // BE's floor turn comes before LC
            Task b = pickBe(cpu, nowNs);
            if (b != null) {
                floorTurn[cpu] = true;
                floorTurns++;
                return b;
            }
        }
        if (beFirst[cpu]) {
            beFirst[cpu] = false;
            Task b = pickBe(cpu, nowNs);
            if (b != null) return b;
        }
        if (lcOn[cpu]) {
            int l = lcView.toLocal[cpu];
            Task t = lc.pickNext(l, nowNs);
            if (t == null && lcQueued > 0 && lcMayPull(cpu) && lc.balance(l, true, nowNs) > 0) {
                lcSteals++;
                t = lc.pickNext(l, nowNs);
            }
            if (t != null) {
                lcQueued--;
                return t;
            }
        }
        if (lcReturn && lcOn[cpu] && !beOn[cpu] && beQueued > 0 && lcQueued == 0) moveBack(cpu);
        return pickBe(cpu, nowNs);
    }

    /**
     * {@code idle}, a CPU kept from BE, found no LC work queued anywhere while BE work waits: if
     * an LC task runs on one of BE's CPUs, preempt it, so that it continues on {@code idle} and
     * BE gets its CPU back ({@link #enqueue} moves it, then alone in that CPU's LC queue, or,
     * under a global queue, leaves it to the idle CPU). One move per idle CPU at a time.
     */
    private void moveBack(int idle) {
        int from = -1;
        for (int c = 0; c < moveBackTo.length; c++) {
            if (moveBackTo[c] == idle) return; // one is on its way
            Task t = ctx.current(c);
            if (from < 0 && beOn[c] && t != null && !isBe(t) && moveBackTo[c] < 0 && !floorTurn[c]) from = c;
        }
        if (from < 0) return;
        moveBackTo[from] = idle;
        ctx.requestPreempt(from);
    }

    /**
     * Whether idle {@code cpu} may pull LC work queued for other CPUs: always, unless it is one of
     * BE's CPUs, BE work waits, and the idle CPUs kept from BE (be_cpus) are enough for every
     * queued LC task. Then they take it and BE keeps its CPU; an LC task stolen there instead would
     * hold it for its whole run while a CPU kept for LC stayed idle.
     */
    private boolean lcMayPull(int cpu) {
        if (beCpus.isAll() || !beOn[cpu] || beQueued == 0) return true;
        int idleOwn = 0;
        for (int c = 0; c < lcOn.length; c++) {
            if (c != cpu && lcOn[c] && !beOn[c] && ctx.isIdle(c)) idleOwn++;
        }
        return lcQueued > idleOwn;
    }

    private Task pickBe(int cpu, long nowNs) {
        if (!beOn[cpu]) return null; // outside be_cpus: never BE work
        int l = beView.toLocal[cpu];
        Task t = be.pickNext(l, nowNs);
        if (t == null && beMin > 0 && beQueued > 0 && be.balance(l, true, nowNs) > 0) t = be.pickNext(l, nowNs); // the floor pulls
        if (t != null) beQueued--;
        return t;
    }

    @Override
    public void running(int cpu, Task task, long nowNs) {
        preemptAsked[cpu] = false;
        if (isBe(task)) beRunning++;
        of(task).running(local(task, cpu), task, nowNs);
    }

    @Override
    public void stopping(int cpu, Task task, StopReason reason, long ranNs, long nowNs) {
        preemptAsked[cpu] = false;
        if (reason != StopReason.PREEMPT) moveBackTo[cpu] = -1; // it left by itself: nothing to move
        if (isBe(task)) {
            beRunning--;
            earnedNs[cpu] = Math.max(0, earnedNs[cpu] - ranNs); // any BE run counts: the floor only fills in what BE did not get
            floorTurn[cpu] = false;
        } else if (beMin > 0 && shared(cpu)) {
            earnedNs[cpu] = earned(cpu, ranNs);
        }
        of(task).stopping(local(task, cpu), task, reason, ranNs, nowNs);
    }

    /** What BE will have earned on {@code cpu} once the LC task there has run {@code ranNs}. */
    private long earned(int cpu, long ranNs) {
        return Math.min(beQuantumNs, earnedNs[cpu] + (long) (ranNs * earnPerNs));
    }

    @Override
    public boolean tick(int cpu, Task task, long ranNs, long nowNs) {
        if (beMin > 0 && shared(cpu)) {
            if (!isBe(task)) {
                if (beQueued > 0 && earned(cpu, ranNs) >= beQuantumNs) return true; // BE's turn
            } else if (floorTurn[cpu] && ranNs >= earnedNs[cpu]) {
                if (lcQueued > 0) return true; // the turn is over and LC work waits
                earnedNs[cpu] = 0; // used up; from here the task runs as plain best-effort, LC may take the CPU
                floorTurn[cpu] = false;
            }
        }
        return of(task).tick(local(task, cpu), task, ranNs, nowNs);
    }

    @Override
    public long tickHintNs(int cpu, Task task, long ranNs, long nowNs) {
        long hint = of(task).tickHintNs(local(task, cpu), task, ranNs, nowNs);
        if (beMin == 0 || !shared(cpu)) return hint;
        // The floor's ticks depend on the other class's queue, which enqueues for other CPUs change
        // without voiding a hint; so hint the time its condition on this CPU's own time turns true.
        long floorAt;
        if (!isBe(task)) {
            long need = Math.max(0, (long) Math.floor((beQuantumNs - earnedNs[cpu]) / earnPerNs) - ranNs); // rounded down: never late
            floorAt = need > Long.MAX_VALUE - nowNs ? Long.MAX_VALUE : nowNs + need; // a tiny be_min: beyond any time
        } else {
            floorAt = floorTurn[cpu] ? nowNs + Math.max(0, earnedNs[cpu] - ranNs) : Long.MAX_VALUE;
        }
        return Math.min(hint, floorAt);
    }

    @Override
    public boolean usesTick() {
        return lc.usesTick() || be.usesTick() || beMin > 0;
    }

    @Override
    public boolean tickNeedsWaiters() {
        // An inner policy's tick may only say yes while one of its own tasks waits; then the host
        // sees a queued task too. A class without ticks never says yes.
        return (lc.tickNeedsWaiters() || !lc.usesTick()) && (be.tickNeedsWaiters() || !be.usesTick());
    }

    @Override
    public int balance(int cpu, boolean idle, long nowNs) {
        int moved = lcOn[cpu] && (!idle || lcMayPull(cpu)) ? lc.balance(lcView.toLocal[cpu], idle, nowNs) : 0;
        if (idle && moved > 0) return moved;
        if (moved > 0) lcMovedTo(cpu);
        return moved + (beOn[cpu] ? be.balance(beView.toLocal[cpu], idle, nowNs) : 0); // BE is never pulled outside be_cpus
    }

    /** LC tasks were moved to {@code cpu} (a periodic balance, a rescue): if it runs BE work, it
     *  gives way at once, as at an LC enqueue there. Before 2026-11-23 they waited behind the BE task. */
    private void lcMovedTo(int cpu) {
        if (isBe(ctx.current(cpu))) preemptBe(cpu);
    }

    @Override
    public long balanceIntervalNs() {
        long a = lc.balanceIntervalNs(), b = be.balanceIntervalNs();
        if (a <= 0) return Math.max(0, b);
        return b <= 0 ? a : Math.min(a, b);
    }

    @Override
    public int rescue(int stalledCpu, int toCpu, long nowNs) {
        return rescue(lcView, stalledCpu, toCpu, nowNs) + rescue(beView, stalledCpu, toCpu, nowNs);
    }

    /**
     * One class's part of a rescue. If {@code toCpu} is not one of the class's CPUs, the queue goes
     * to another of them instead (an idle one, kicked, before one running the class's work, before
     * any other); if the stalled CPU is its only one, its tasks wait the stall out, as a task
     * confined by a cpuset does.
     */
    private int rescue(View v, int stalledCpu, int toCpu, long nowNs) {
        if (v.toLocal[stalledCpu] < 0) return 0; // nothing of this class is queued where it may not run
        int to = v.toLocal[toCpu] >= 0 ? toCpu : otherCpu(v, stalledCpu);
        if (to < 0) return 0;
        int moved = (v == beView ? be : lc).rescue(v.toLocal[stalledCpu], v.toLocal[to], nowNs);
        if (moved == 0) return 0;
        if (to != toCpu) {
            rescueRedirects++;
            if (ctx.isIdle(to)) ctx.kickAt(to, nowNs);
        }
        if (v == lcView) lcMovedTo(to);
        return moved;
    }

    /** Another CPU of {@code v}'s class than {@code cpu}, from the next one on: an idle one, else
     *  one running the class's work, else any; -1 if the class has no other. */
    private int otherCpu(View v, int cpu) {
        int n = v.toLocal.length, running = -1, any = -1;
        for (int i = 1; i < n; i++) {
            int c = (cpu + i) % n;
            if (v.toLocal[c] < 0) continue;
            if (ctx.isIdle(c)) return c;
            if (running < 0 && isBe(ctx.current(c)) == (v == beView)) running = c;
            if (any < 0) any = c;
        }
        return running >= 0 ? running : any;
    }

    @Override
    public List<Task> drain(long nowNs) {
        List<Task> out = new ArrayList<>(lc.drain(nowNs));
        out.addAll(be.drain(nowNs));
        lcQueued = beQueued = 0;
        return out;
    }

    @Override
    public void dump(PrintWriter out) {
        out.println("apps lc=" + lc.name() + " be=" + be.name() + " be_apps=" + String.join("+", beApps.stream().sorted().toList())
                + (beMin > 0 ? " be_min=" + beMin + " be_quantum=" + beQuantumNs + "ns floorTurns=" + floorTurns : "")
                + (lcCpus.isAll() ? "" : " lc_cpus=" + lcCpus) + (beCpus.isAll() ? "" : " be_cpus=" + beCpus)
                + " lcQueued=" + lcQueued + " bePreempts=" + bePreempts + " lcSteals=" + lcSteals + " lcToIdle=" + lcToIdle
                + " rescueRedirects=" + rescueRedirects + (lcReturn ? " lc_return=on movesBack=" + movesBack : "") + (misplaced > 0 ? " misplaced=" + misplaced : ""));
        out.print("  lc: ");
        lc.dump(out);
        out.print("  be: ");
        be.dump(out);
    }

    /**
     * What an inner policy sees of the host: only its own class's tasks run, and only its own
     * CPUs exist, numbered from 0 in order ({@code lc_cpus}, {@code be_cpus}; all by default, then
     * the numbers are the host's). Every CPU crosses this boundary translated, in the ops' arguments
     * and results and in these calls, so an inner policy can neither queue a task for a CPU its
     * class may not use nor see one. To the LC policy a CPU running BE work is idle (it may take
     * it); to the BE policy a CPU running LC work is busy, with no current task of its own, and its
     * preemption requests never reach LC tasks. {@link Task#lastCpu()} stays the host's number.
     */
    private final class View implements SchedContext {
        private final SchedContext host;
        private final boolean beSide;
        /** The class's CPU i is the host's {@code toHost[i]}; host CPU c is the class's {@code toLocal[c]}, or -1 if not its. */
        final int[] toHost, toLocal;

        View(SchedContext host, boolean beSide, boolean[] on) {
            this.host = host;
            this.beSide = beSide;
            this.toLocal = new int[on.length];
            int n = 0;
            for (int c = 0; c < on.length; c++) toLocal[c] = on[c] ? n++ : -1;
            this.toHost = new int[n];
            for (int c = 0; c < on.length; c++) if (on[c]) toHost[toLocal[c]] = c;
        }

        /** The class's number for host CPU {@code cpu}; -1 for -1, a CPU out of range, or one not the class's. */
        int local(int cpu) {
            return cpu >= 0 && cpu < toLocal.length ? toLocal[cpu] : -1;
        }

        @Override public int cpuCount() { return toHost.length; }

        @Override
        public boolean isIdle(int cpu) {
            int c = toHost[cpu];
            return beSide ? host.isIdle(c) : !isLc(host.current(c));
        }

        @Override
        public Task current(int cpu) {
            Task t = host.current(toHost[cpu]);
            return t != null && isBe(t) == beSide ? t : null;
        }

        @Override
        public void requestPreempt(int cpu) {
            int c = toHost[cpu];
            Task t = host.current(c);
            if (t == null) return;
            if (beSide && !isBe(t)) return; // BE never preempts LC
            host.requestPreempt(c);
        }

        @Override public void kickAt(int cpu, long atNs) { host.kickAt(toHost[cpu], atNs); }

        @Override public int randomInt(int bound) { return host.randomInt(bound); }

        @Override public int wakerCpu() { return local(host.wakerCpu()); }

        private boolean isLc(Task t) {
            return t != null && !isBe(t);
        }
    }
}
