package skyloft.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the runtime notices that a running task's slice is over and calls the policy's {@code tick}. */
public enum TimerMode {
    /** A timer thread that sleeps between ticks until absolute deadlines (clock_nanosleep with
     *  TIMER_ABSTIME through FFM, parkNanos where that is unavailable) with its timer slack
     *  lowered to 1 ns through prctl(PR_SET_TIMERSLACK). Needs no dedicated core; each wakeup
     *  costs the OS's timer path (15 to 20 us of CPU on this project's VM, where arming a
     *  kernel timer alone costs that much). */
    SLEEP,
    /** A timer thread that spins between ticks: the tightest ticks, at the price of a whole core
     *  (Skyloft's UTIMER, Shinjuku's dispatcher core). */
    SPIN,
    /** No timer thread ticks: each busy carrier reads the clock itself in the poll slow path,
     *  every so many polls (a stride it adapts so that reads come about every
     *  {@code tick/4}, within 250 ns to 5 us), and ticks the policy for its own CPU when a tick
     *  is due; a preemption is then delivered at that same poll. No dedicated core and no timer
     *  wakeups; the price is paid in the polls of the running tasks (while a carrier is armed,
     *  every poll takes the slow path) and tasks that do not poll are never ticked. A sleeping
     *  helper thread still serves policy kicks (deadline replenishment) and wakes only for them.
     *  The default. */
    POLL,
    /** No timer: no ticks, so no time slices; policy kicks are served by idle carriers only.
     *  For measuring the bare switch path. */
    OFF;

    /** The lower-case name used on command lines. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sleep}, {@code spin}, {@code poll} or {@code off} (any case); the error
     *  names the bad value and the allowed ones. */
    public static TimerMode parse(String s) {
        for (TimerMode m : values()) {
            if (m.label().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) return m;
        }
        throw new IllegalArgumentException("'" + s + "' is not a timer mode; allowed: "
                + Arrays.stream(values()).map(TimerMode::label).collect(Collectors.joining(", ")));
    }
}
