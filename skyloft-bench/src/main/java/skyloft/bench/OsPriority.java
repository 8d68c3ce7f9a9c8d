package skyloft.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Raises the calling platform thread's Linux nice value (through FFM: {@code gettid} and
 * {@code setpriority(PRIO_PROCESS, tid, nice)}). Used for load generators that stand in for a
 * client on another machine, so that they are not starved by the system under test. Needs
 * CAP_SYS_NICE (or root) for negative values; without it nothing changes and the reason is
 * returned.
 */
final class OsPriority {
    private OsPriority() {}

    private static final MethodHandle GETTID;
    private static final MethodHandle SETPRIORITY;

    static {
        MethodHandle g = null, s = null;
        try {
            Linker linker = Linker.nativeLinker();
            var lookup = linker.defaultLookup();
            g = linker.downcallHandle(lookup.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
            s = linker.downcallHandle(lookup.find("setpriority").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (Throwable e) {
            g = null;
            s = null;
        }
        GETTID = g;
        SETPRIORITY = s;
    }

    /** Sets the calling thread's nice value; null on success, otherwise why not. */
    static String setCurrentThreadNice(int nice) {
        if (GETTID == null || SETPRIORITY == null) return "gettid/setpriority not available";
        try {
            int tid = (int) GETTID.invokeExact();
            int rc = (int) SETPRIORITY.invokeExact(0 /* PRIO_PROCESS */, tid, nice);
            return rc == 0 ? null : "setpriority(" + nice + ") refused (no CAP_SYS_NICE?)";
        } catch (Throwable e) {
            return "setpriority failed: " + e;
        }
    }
}
