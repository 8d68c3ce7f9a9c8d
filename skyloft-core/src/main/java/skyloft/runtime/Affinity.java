package skyloft.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux CPU affinity and timer slack through FFM: sched_getaffinity / sched_setaffinity for the
 * calling thread (pid 0), sched_getcpu, and prctl(PR_SET_TIMERSLACK). Every call reports
 * failure as a message instead of throwing, so a runtime on an OS or in a sandbox that refuses
 * still runs (unpinned) and says so in its stats.
 */
public final class Affinity {
    private Affinity() {}

    private static final int MASK_BYTES = 128; // 1024 CPUs
    private static final int PR_SET_TIMERSLACK = 29;
    private static final MethodHandle GET_AFF;
    private static final MethodHandle SET_AFF;
    private static final MethodHandle GET_CPU;
    private static final MethodHandle PRCTL;
    private static final VarHandle ERRNO;
    private static final String UNAVAILABLE;

    static {
        MethodHandle g = null, s = null, c = null, p = null;
        VarHandle errno = null;
        String why = null;
        try {
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                why = "not Linux (" + System.getProperty("os.name") + ")";
            } else {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option ccs = Linker.Option.captureCallState("errno");
                var layout = Linker.Option.captureStateLayout();
                errno = layout.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
                FunctionDescriptor aff = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
                g = linker.downcallHandle(libc.find("sched_getaffinity").orElseThrow(), aff, ccs);
                s = linker.downcallHandle(libc.find("sched_setaffinity").orElseThrow(), aff, ccs);
                c = linker.downcallHandle(libc.find("sched_getcpu").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                p = linker.downcallHandle(libc.find("prctl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), ccs);
            }
        } catch (Throwable e) {
            why = "native calls unavailable: " + e;
            g = s = c = p = null;
        }
        GET_AFF = g;
        SET_AFF = s;
        GET_CPU = c;
        PRCTL = p;
        ERRNO = errno;
        UNAVAILABLE = why;
    }

    /** Null when affinity calls are available, otherwise why not. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The OS CPUs this process may run on, in order; empty if unknown. */
    public static List<Integer> allowedCpus() {
        List<Integer> out = new ArrayList<>();
        if (GET_AFF == null) return out;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) GET_AFF.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc != 0) return out;
            for (int i = 0; i < MASK_BYTES * 8; i++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) out.add(i);
            }
        } catch (Throwable e) {
            out.clear();
        }
        return out;
    }

    /** Pins the calling thread to {@code osCpu}; null on success, otherwise why it failed. */
    public static String pinCurrentThread(int osCpu) {
        if (SET_AFF == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            mask.set(ValueLayout.JAVA_BYTE, osCpu / 8, (byte) (1 << (osCpu % 8)));
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SET_AFF.invokeExact(state, 0, (long) MASK_BYTES, mask);
            return rc == 0 ? null : "sched_setaffinity(cpu " + osCpu + ") failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "sched_setaffinity failed: " + e;
        }
    }

    /** The OS CPU the calling thread runs on now, or -1. */
    public static int currentCpu() {
        if (GET_CPU == null) return -1;
        try {
            return (int) GET_CPU.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /** Sets the calling thread's timer slack (ns); null on success, otherwise why it failed. */
    public static String setTimerSlackNs(long slackNs) {
        if (PRCTL == null) return UNAVAILABLE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) PRCTL.invokeExact(state, PR_SET_TIMERSLACK, slackNs);
            return rc == 0 ? null : "prctl(PR_SET_TIMERSLACK) failed, errno " + (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return "prctl failed: " + e;
        }
    }
}
