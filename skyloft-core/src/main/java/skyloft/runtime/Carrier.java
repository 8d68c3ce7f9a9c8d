package skyloft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import skyloft.spi.StopReason;

/**
 * One carrier: a platform thread that plays one CPU of the policy. Its loop, in one pass:
 * take the scheduler lock; account the task that just stopped (requeue it after a yield or a
 * preemption, notice a block or an exit); drain the inbox of wakeups; pick the next task
 * (balancing once if the policy has nothing); release the lock; run the task's continuation
 * until it yields, blocks or ends. With nothing to run it spins for its spin window, then parks
 * until a waker unparks it; the window adapts to how long its idle periods last (see idle).
 */
final class Carrier extends Thread {
    private static final VarHandle PREEMPT;
    private static final VarHandle ARMED;
    private static final VarHandle PROGRESS;
    private static final VarHandle CURRENT;

    static {
        try {
            PREEMPT = MethodHandles.lookup().findVarHandle(Carrier.class, "preemptRequested", int.class);
            ARMED = MethodHandles.lookup().findVarHandle(Carrier.class, "clockArmed", boolean.class);
            PROGRESS = MethodHandles.lookup().findVarHandle(Carrier.class, "progressNs", long.class);
            CURRENT = MethodHandles.lookup().findVarHandle(Carrier.class, "current", RtTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SkyloftRuntime rt;
    final int cpu;
    /** Copies of the runtime's, read at every clock read of this carrier: here they sit in a line
     *  this carrier owns, not in the runtime's, which lock holders write at every enqueue and pick. */
    private final long clockGapNs;
    private final Inbox inbox;

    /** Task running here, or null: written by this carrier under the lock; read under the lock
     *  by others, and without it on this carrier's own OS thread (the poll slow path and
     *  RtTask.execute), where program order makes it exact, and racily by submit from any thread
     *  in POLL mode, to arm busy carriers ({@link #currentAfterPush}). Plain: no fence per switch. */
    RtTask current;

    /** {@link #current} as submit reads it after pushing a wakeup: a volatile read, so that it
     *  cannot be satisfied before the push (the other half of the Dekker pair is the fence a pick
     *  that leaves its carrier unarmed takes before it looks at the inbox). On x86 a plain load;
     *  the locked compare-and-set of the push already orders it there. */
    RtTask currentAfterPush() {
        return (RtTask) CURRENT.getVolatile(this);
    }
    /** True between a pick that found nothing and this carrier's next pass: under the lock. */
    boolean idle;
    /** When a task was first queued for this CPU while its carrier was idle, or 0 (with a timer);
     *  set by the enqueuer and cleared by this carrier's next pick, both under the lock, and read
     *  there by peers' ticks or the timer: a carrier that was asked to wake and has not picked for
     *  long is stalled too (SkyloftRuntime.stalledLocked). */
    long queuedWhileIdleNs;
    /** Set by RtTask.execute when the running task resubmits itself on this carrier; read and
     *  reset by this carrier only. */
    boolean selfSubmitted;
    /** Non-zero (COUNTED or UNCOUNTED, below) while a preemption request for this CPU is pending:
     *  set by requestPreempt (under the lock), turned from UNCOUNTED to COUNTED by a disarm,
     *  cleared by CAS by the poll slow path or when the task stops. */
    @SuppressWarnings("unused")
    private volatile int preemptRequested;
    /** When the pending request was made; written with it, read at delivery. */
    volatile long preemptRequestNs;
    /** True while parked idle: written by this carrier, read by wakers (Dekker with workSeq). */
    volatile boolean parked;
    /** OS CPU this carrier is pinned to, or -1; written at start. */
    volatile int osCpu = -1;

    // POLL timer mode: the carrier's own clock. clockArmed is set by CAS under the lock (this
    // carrier's pick, an enqueue, kick, move between CPUs or attribute change that gives the
    // policy something to tick for) or without it (submit, after pushing a wakeup that is still
    // in the inbox, arms every carrier it sees busy, whether or not it unparked one, unless the
    // policy neither ticks nor balances periodically), cleared by CAS under the lock (and by
    // close, off it), and read by the poll slow path on this carrier and by its idle wait, which
    // ends while it is set (a submitter that read a stale non-null current arms an idle carrier
    // late) so that the pass after it disarms; while set it holds one
    // unit of Poll.pending, so every poll takes the slow path. The other fields are touched only on this
    // carrier's OS thread (its pick, and the poll slow path of the task it runs), so program
    // order makes them exact without fences.
    volatile boolean clockArmed;
    /** Polls between clock reads, adapted so reads come about every rt.clockGapNs; per task (set
     *  from RtTask.pollStride at each pick, saved there at each stop). */
    int pollStride = 1;
    /** Polls left before the poll slow path of the task running here consults the runtime:
     *  counted down by that task's polls, set at pick and at clock reads (all on this carrier's
     *  OS thread), and zeroed (plain, racy: a lost zeroing only delays a delivery by one budget)
     *  by preemption requesters and armers. It is kept here, not in the task: a thread the runtime
     *  adopted has as its scheduler field the task that created it, which all the threads that
     *  task created share, so a budget there would be one line written by every carrier. */
    int pollBudget = 1;
    /** When the clock was last read (a pick or a poll). */
    long lastClockNs;
    /** When the next policy tick of this CPU is due: set by this carrier (pick, its own tick, from
     *  the policy's tickHintNs) and zeroed by lock holders at every enqueue for this CPU, move
     *  between CPUs or attribute change, which void the hint; read at this carrier's clock reads. */
    volatile long nextTickNs;
    /** Clock reads made by polls; read racily by stats. */
    long clockReads;
    /** POLL mode: when this carrier last showed progress: its picks and clock reads (written by
     *  this carrier), and its clock's arming (by the armer), all opaque; read opaque by peers'
     *  ticks to find a stalled CPU (SkyloftRuntime.stalledLocked). A stale read only delays or
     *  hastens one rescue. */
    @SuppressWarnings("unused")
    private long progressNs;

    // Statistics, written under the scheduler lock by this carrier (busy/idle/switches/steals,
    // delivered preemptions), by whoever ticks it, the timer or (POLL mode) its own task's poll
    // (ticks), or by whoever requests its preemption (preemption requests); read in snapshots
    // under the lock. idleParks alone is written off the lock, by this carrier as it parks, and
    // read racily.
    long busyNs;
    long idleNs;
    long switches;
    long steals;
    long ticks;
    long preemptRequests;
    long preemptDelivered;
    long idleParks;
    /** The idle spin window: read and adapted by this carrier only, read racily by stats. */
    long spinNs;
    /** True while this pinned carrier may run on every CPU the process may use, since a task on
     *  it started a platform thread ({@link ThreadStartHook}): written by this carrier's OS
     *  thread (in the hook, and when it pins itself again after the task), read by it alone. */
    boolean widened;
    /** True once the current idle period has parked: this carrier's only. */
    private boolean parkedWhileIdle;
    /** Request-to-stop delay, and run from pick to stop, of each preemption delivered on this CPU:
     *  written by the lock holder that processes this carrier's stop, merged by snapshots under
     *  the lock. One pair per carrier, so that two CPUs' preemptions write no common line. */
    final Histogram preemptDelayNs = new Histogram(3_600_000_000_000L, 2);
    final Histogram preemptedRunNs = new Histogram(3_600_000_000_000L, 2);

    /** Records {@code ns} in one of the histograms above, clamped to its range (0 to an hour): a
     *  longer run or delay does happen (hours of a task alone, or in code without polls), and a
     *  value out of range would throw in the carrier's pass, killing the carrier and losing the task. */
    static void record(Histogram h, long ns) {
        h.recordValue(Math.clamp(ns, 0, h.getHighestTrackableValue()));
    }

    Carrier(SkyloftRuntime rt, int cpu) {
        super("skyloft-carrier-" + cpu);
        this.rt = rt;
        this.cpu = cpu;
        this.spinNs = rt.idleSpinNs;
        this.clockGapNs = rt.clockGapNs;
        this.inbox = rt.inbox;
        setDaemon(true);
    }

    /** {@link #preemptRequested} values: no request; a request counted in {@link Poll#pending};
     *  a request not counted there because this carrier's armed clock already holds a unit of it
     *  (its polls take the slow path anyway). A request to an armed carrier thus leaves alone the
     *  line that every poll in the process reads. */
    private static final int NO_REQUEST = 0, COUNTED = 1, UNCOUNTED = 2;

    /** Under the lock: makes a request pending; false if one already was, or if close() has begun.
     *  Its time is written before it is set: only lock holders set a request, so with none
     *  pending nothing else writes it, and a poll that sees the request reads its time ({@link
     *  #takePreempt}). */
    boolean requestPreempt(long nowNs) {
        if ((int) PREEMPT.getVolatile(this) != NO_REQUEST) return false;
        preemptRequestNs = nowNs;
        boolean armed = clockArmed;
        if (PREEMPT.compareAndSet(this, NO_REQUEST, armed ? UNCOUNTED : COUNTED)) {
            if (!armed) Poll.adjustPending(1);
            else if (!clockArmed) countRequest(); // disarmed meanwhile (close, off the lock): Dekker with the disarm
            // close() sets carriersExit, then clears every request: one made after that clear
            // (a tick or a carrier still running) would keep a unit in the count for good. Dekker
            // again: we publish the request, then look; close publishes the flag, then clears.
            if (!rt.carriersExit) return true;
            clearPreempt();
        }
        return false;
    }

    /**
     * The poll slow path of the task running here: takes the pending request, and notes its time
     * in {@link #takenRequestNs} for the stop; true if this call took one. The time is read after
     * the request is seen and before it is cleared: a request made once this task has taken one
     * (its stop not yet processed, so the CPU still shows it running) writes its time only after
     * the clear, and the stop used that later time, which made the recorded delay as short as
     * the gap after the later request (PreemptDelayTest).
     */
    boolean takePreempt() {
        int v;
        while ((v = (int) PREEMPT.getVolatile(this)) != NO_REQUEST) {
            long requestNs = preemptRequestNs;
            if (PREEMPT.compareAndSet(this, v, NO_REQUEST)) {
                if (v == COUNTED) Poll.adjustPending(-1);
                takenRequestNs = requestNs;
                return true;
            }
        }
        return false;
    }

    /** When the request this carrier's task last took was made: written by {@link #takePreempt}
     *  in the task's poll, read when this carrier processes the task's PREEMPT stop, both on this
     *  carrier's OS thread (program order makes it exact). */
    long takenRequestNs;

    /** Clears a pending request; true if this call cleared it. */
    boolean clearPreempt() {
        int v;
        while ((v = (int) PREEMPT.getOpaque(this)) != NO_REQUEST) {
            if (PREEMPT.compareAndSet(this, v, NO_REQUEST)) {
                if (v == COUNTED) Poll.adjustPending(-1);
                return true;
            }
        }
        return false;
    }

    /** At a disarm: a request the clock covered now needs its own unit of the count. */
    private void countRequest() {
        if ((int) PREEMPT.getVolatile(this) == UNCOUNTED && PREEMPT.compareAndSet(this, UNCOUNTED, COUNTED)) {
            Poll.adjustPending(1);
        }
    }

    boolean preemptPending() {
        return (int) PREEMPT.getOpaque(this) != 0;
    }

    /** Makes this carrier's polls read the clock (any thread), or stop doing so (under the lock).
     *  {@code nowNs} is the caller's clock reading, or -1 to read the clock only if this call
     *  arms (callers off the lock, which have none). An arm that finds this carrier parked (a
     *  submitter that saw it busy, arming late) unparks it: its idle wait ends while it is armed,
     *  and its next pass, with nothing to pick, disarms (Dekker on {@link #parked}). */
    void armClock(boolean on, long nowNs) {
        if (on) {
            if (!clockArmed && ARMED.compareAndSet(this, false, true)) {
                markProgress(nowNs >= 0 ? nowNs : System.nanoTime()); // unarmed, it read no clock: count from now
                Poll.adjustPending(1);
                pollBudget = 0; // racy off this carrier: at worst a later task checks once early
                if (rt.carriersExit) disarmClock(); // lost a race with close(), which disarms after setting it
                else if (parked) LockSupport.unpark(this); // idle: a late arm; its next pass disarms (workMayExist)
            }
        } else if (clockArmed && ARMED.compareAndSet(this, true, false)) {
            countRequest(); // before the clock's unit goes, so the count never drops to 0 under a request
            Poll.adjustPending(-1);
            // A wakeup pushed after our last drain, whose pusher saw us armed, must not wait for
            // our next switch (Dekker with submit: push, then arm; here disarm, then look).
            if (current != null && !rt.inbox.isEmpty()) armClock(true, nowNs);
        }
    }

    /** At close, after the carriers stopped: disarms for good (no re-check of the inbox). */
    void disarmClock() {
        if (clockArmed && ARMED.compareAndSet(this, true, false)) Poll.adjustPending(-1);
        clearPreempt(); // a request made since close() cleared them would keep the count up
    }

    void markProgress(long nowNs) {
        PROGRESS.setOpaque(this, nowNs);
    }

    /** When this carrier last showed progress (see {@link #progressNs}). */
    long progressNs() {
        return (long) PROGRESS.getOpaque(this);
    }

    /** On this carrier, when it starts running a task whose polls the stride {@code stride} suited
     *  (RtTask.pollStride): the first tick is one period away. */
    void restartClock(long nowNs, int stride) {
        lastClockNs = nowNs;
        markProgress(nowNs);
        pollStride = stride;
        pollBudget = stride;
        nextTickNs = nowNs + rt.tickNs;
    }

    /**
     * The poll slow path of the task running here, once its poll budget is spent: reads the
     * clock, adapts the stride (double it when reads come too often, halve it when too seldom),
     * and when a tick is due, or a wakeup waits in the inbox, ticks the policy for this CPU
     * (which may request this CPU's preemption; the caller then delivers it at once, and which
     * sets when the next tick is due).
     */
    void clockCheck(RtTask t) {
        long now = System.nanoTime();
        int s = adaptStride(pollStride, now - lastClockNs, clockGapNs);
        lastClockNs = now;
        markProgress(now);
        pollStride = s;
        pollBudget = s;
        clockReads++;
        if (now >= nextTickNs || !inbox.isEmpty()) rt.carrierTick(this, t); // busy lock: retry at the next read
    }

    static final int MAX_STRIDE = 1 << 16;

    /** The next stride, given the gap since the last clock read: double it (up to MAX_STRIDE)
     *  when reads came at under half the aimed-for gap, halve it (down to 1) when at over twice
     *  it, keep it otherwise. */
    static int adaptStride(int stride, long gapNs, long targetGapNs) {
        if (gapNs < targetGapNs >> 1) return stride < MAX_STRIDE ? stride << 1 : stride;
        if (gapNs > targetGapNs << 1) return stride > 1 ? stride >> 1 : stride;
        return stride;
    }

    @Override
    public void run() {
        rt.carrierStarted(this);
        RtTask prev = null;
        StopReason why = null;
        long idleSinceNs = System.nanoTime();
        // One loop with its state in locals: a loop that calls a method per pass (which the JIT
        // would compile early, by invocation count, instead of replacing this loop on the stack
        // later) was measured 10 to 20 ns slower per switch.
        while (true) {
            RtTask next;
            long seenSeq;
            rt.lock.lock();
            try {
                long now = System.nanoTime();
                if (prev != null) {
                    prev.pollStride = pollStride; // what its polls taught the stride, for its next run
                    rt.finishLocked(this, prev, why, now);
                    prev = null;
                    idleSinceNs = now;
                }
                if (rt.halted) {
                    next = null; // close() drains the policy: what is pushed now is reported, not queued
                } else {
                    rt.drainInboxLocked(this, now);
                    next = rt.pickLocked(this, now);
                }
                if (next != null) {
                    long idleForNs = now - idleSinceNs;
                    idleNs += idleForNs;
                    if (parkedWhileIdle) { // an idle period that parked ends with work for this CPU
                        spinNs = IdleSpin.next(spinNs, idleForNs, rt.idleSpinNs, rt.idleSpinMaxNs);
                        parkedWhileIdle = false;
                    }
                }
                seenSeq = rt.workSeq;
            } finally {
                rt.unlockAndWake(); // issues the unparks (timer, peers) that finish/pick decided
            }
            if (next == null) {
                if (rt.carriersExit) break;
                idle(seenSeq);
                if (rt.idleExitHook != null) rt.idleExitHook.accept(cpu);
                continue;
            }
            selfSubmitted = false;
            try {
                next.runContinuation.run();
            } catch (Throwable e) {
                rt.carrierError(next, e);
            }
            if (widened) { // the task started a platform thread: back to this carrier's one CPU
                Affinity.pinCurrentThread(osCpu);
                widened = false;
            }
            if (!selfSubmitted && (next.exited || next.adopted) && next.thread.getState() == State.TERMINATED) {
                why = StopReason.EXIT;
            } else if (selfSubmitted) {
                why = next.preempting ? StopReason.PREEMPT : StopReason.YIELD;
            } else {
                why = StopReason.BLOCK;
            }
            prev = next;
        }
    }

    /**
     * Spin, then park, until new work may exist (the work sequence moved, the inbox filled, with
     * no timer a policy kick fell due), or its clock was armed late (POLL: the pass disarms it).
     * The spin window adapts by {@link IdleSpin}'s rule, as Linux's haltpoll governor adapts a
     * guest's poll. An idle period runs from this carrier's last task to its next pick, through
     * any looks that found nothing (another carrier took the work). One that parked yet ended
     * within the runtime's maximum doubles the window: spinning that long would have caught the
     * work with no park, and waking a carrier whose CPU idled costs tens of microseconds on this
     * VM at p50, hundreds at the tail. A longer one halves it, never below the runtime's minimum.
     * A period that ends while spinning leaves it. Once a period has parked, its later spins
     * (after a look that found nothing, or a park that timed out) are the minimum: a carrier that
     * keeps being woken for work its peers take does not spin the whole window each time. While
     * another runtime is open in the process, every spin is the minimum ({@link #spinWindowNs}).
     */
    private void idle(long seenSeq) {
        long spinUntil = System.nanoTime() + (parkedWhileIdle ? rt.idleSpinNs : spinWindowNs());
        long quietParkNs = rt.maxParkNs; // doubles at each park that ends with nothing to do
        while (!workMayExist(seenSeq)) {
            long now = System.nanoTime();
            // a platform thread just started (ThreadStartHook): leave it the CPU, park now
            if (now < spinUntil && !ThreadStartHook.recentStart(now)) {
                Thread.onSpinWait();
                continue;
            }
            parked = true;                    // publish before the re-check (Dekker with wakers)
            if (!workMayExist(seenSeq)) {
                idleParks++;                  // carrier-owned while idle; read racily by stats
                parkedWhileIdle = true;
                long kickDue = rt.offKickDueNs; // no timer: wake for the next policy kick
                LockSupport.parkNanos(this, kickDue == Long.MAX_VALUE ? quietParkNs
                        : Math.clamp(kickDue - System.nanoTime(), 1, rt.maxParkNs));
                quietParkNs = Math.min(quietParkNs * 2, rt.maxParkNs * QUIET_PARK_GROWTH);
            }
            parked = false;
            spinUntil = System.nanoTime() + rt.idleSpinNs;
        }
    }

    /** How far a carrier that stays idle stretches its park: each park that ends with nothing to
     *  do doubles the next, from the runtime's maximum up to this many times it (160 ms by
     *  default), so that an idle runtime wakes its carriers a few times a second, not a hundred.
     *  Work wakes a parked carrier at once (Dekker on {@code parked}); the timeout is a safety net. */
    static final long QUIET_PARK_GROWTH = 16;

    /** How long this carrier spins when it goes idle: its window, or only the minimum while
     *  another runtime is open in the process, whose carriers may need this CPU. */
    long spinWindowNs() {
        return SkyloftRuntime.openRuntimes() > 1 ? rt.idleSpinNs : spinNs;
    }

    /** Whether this idle carrier should make a pass. Its clock armed (POLL mode only) counts: a
     *  submitter that read this carrier's {@link #current} before it went idle may arm it after
     *  its last pass, and an armed idle carrier would hold a unit of {@link Poll#pending} (every
     *  poll in the process on the slow path) until some later work woke it; the pass finds nothing
     *  to pick and disarms. Last in the chain: one load of a field of this carrier while unarmed.
     *  Not once close() has halted the runtime, whose passes pick nothing and so never disarm
     *  (close() disarms every carrier). */
    private boolean workMayExist(long seenSeq) {
        long kickDue = rt.offKickDueNs;
        return rt.workSeq != seenSeq || !rt.inbox.isEmpty() || rt.carriersExit
                || kickDue != Long.MAX_VALUE && kickDue <= System.nanoTime()
                || clockArmed && !rt.halted;
    }
}
