package skyloft.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Tasks that became runnable outside the scheduler lock (a wakeup from any thread, a start).
 * Multi-producer, single-consumer at a time: producers push with a CAS on an intrusive
 * Treiber stack (no allocation: the link is {@link RtTask#inboxNext}); whoever holds the
 * scheduler lock takes the whole stack with one swap and reverses it to arrival order.
 */
final class Inbox {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Inbox.class, "head", RtTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Most recent push, or null. Written by producers (CAS) and the consumer (swap). */
    @SuppressWarnings("unused")
    private volatile RtTask head;

    void push(RtTask t) {
        RtTask h;
        do {
            h = head;
            t.inboxNext = h; // published by the CAS below
        } while (!HEAD.compareAndSet(this, h, t));
    }

    boolean isEmpty() {
        return head == null;
    }

    /** Takes everything pushed so far, oldest first (linked through inboxNext). Consumer only. */
    RtTask takeAll() {
        RtTask h = (RtTask) HEAD.getAndSet(this, (RtTask) null);
        RtTask reversed = null;
        while (h != null) {
            RtTask next = h.inboxNext;
            h.inboxNext = reversed;
            reversed = h;
            h = next;
        }
        return reversed;
    }
}
