package skyloft.runtime;

import java.util.concurrent.Executor;
import skyloft.spi.EnqueueReason;
import skyloft.spi.SchedAttr;
import skyloft.spi.Task;

/**
 * A task of the runtime: one virtual thread. It is also that thread's scheduler: the JDK hands
 * the thread's "run the continuation" Runnable to {@link #execute} each time the thread becomes
 * runnable, so the runtime knows the task without any lookup.
 *
 * <p>State machine (all transitions of the host-side fields happen under the scheduler lock,
 * except the two marked):
 * <pre>
 *   CREATED  --start (execute, any thread; push to inbox)-------------> INBOX
 *   INBOX    --drain: selectCpu + enqueue(NEW|WAKEUP)------------------> QUEUED   (queued = true)
 *   QUEUED   --pickNext on a carrier-----------------------------------> RUNNING  (onCpu = true)
 *   RUNNING  --Thread.yield / preemption (execute on its own carrier,
 *              no lock: selfSubmitted)---------------------------------> stop YIELD|PREEMPT -> QUEUED
 *   RUNNING  --parks / blocks (run returns, no execute)----------------> stop BLOCK -> BLOCKED
 *   RUNNING  --body returns (exited = true)----------------------------> stop EXIT -> gone
 *   BLOCKED  --unpark/timeout (execute, any thread; push to inbox)-----> INBOX
 *   RUNNING  --a wakeup drained before its stop was processed---------> wakePending, enqueued at stop
 * </pre>
 * Once close() has halted the runtime (its policy drained), a stop reaches no policy op: a task
 * that stops runnable is kept for close()'s report, and the inbox is no longer drained.
 */
final class RtTask extends Task implements Executor {
    final SkyloftRuntime rt;
    /** The virtual thread; written once before it starts. */
    Thread thread;
    /** The JDK's runContinuation of {@link #thread}; written once before it starts. */
    Runnable runContinuation;

    /** Inbox link: written by the pushing thread before its CAS, read by the lock holder. */
    RtTask inboxNext;
    /** NEW for the first submission, WAKEUP after: written by the pusher, read by the drainer. */
    EnqueueReason pendingReason;
    /** CPU of the spawner's carrier, or -1: written at start, read at the first enqueue. */
    int spawnCpu = -1;
    /** CPU of the carrier whose task woke this one, or -1 (a wakeup from outside the runtime):
     *  written by the waking thread before its inbox push, read by the drainer under the lock. */
    int wakerCpu = -1;
    /** First execute seen (the JDK's start). Written by the starting thread only. */
    boolean started;
    /** POLL mode: the poll stride its carrier had adapted to this task's polls when it last
     *  stopped, put back at its next pick (1 for a new task), so that a task that polls seldom
     *  does not inherit the long stride of one that polls in a tight loop. Written by the carrier
     *  that stops it, read by the one that picks it, both under the lock. */
    int pollStride = 1;

    /** Under lock: neighbours in the runtime's list of live tasks (created, not yet exited). */
    RtTask livePrev, liveNext;
    /** Under lock: on the live list. Read without it only as a hint (attribute lookups). */
    boolean live;
    /** Under lock: the policy owns it. */
    boolean queued;
    /** Under lock: picked and its stop not yet processed. */
    boolean onCpu;
    /** Under lock: a wakeup arrived while onCpu; enqueue it when the stop is processed. */
    boolean wakePending;
    /** Written by the task's own thread when its body ends (no lock), read by its carrier. */
    volatile boolean exited;
    /** Written by the task's own thread around a preemption yield, read by its carrier. */
    volatile boolean preempting;

    RtTask(SkyloftRuntime rt, String name, SchedAttr attr) {
        super(name, attr);
        this.rt = rt;
    }

    /** True for a thread the runtime adopted (created inside it without our factory). */
    boolean adopted;

    @Override
    public void execute(Runnable r) {
        // A virtual thread created inside this one with no explicit scheduler inherits this
        // task as its scheduler: hand its submissions to the task the runtime adopted for it.
        RtTask t = r == runContinuation ? this : rt.adopt(r);
        t.submitSelf();
    }

    private void submitSelf() {
        // Thread.yield (and a park whose permit arrived while unmounting) submits from the
        // carrier that ran the task, after the continuation unmounted: the carrier requeues it
        // itself when run() returns. Everything else goes through the inbox.
        if (Thread.currentThread() instanceof Carrier c && c.current == this) {
            c.selfSubmitted = true;
            return;
        }
        rt.submit(this);
    }
}
