package skyloft.runtime;

/** How the runtime's timer wakes up to call the policy's {@code tick}. */
public enum TimerMode {
    /** A timer thread that sleeps between ticks until absolute deadlines (clock_nanosleep with
     *  TIMER_ABSTIME through FFM, parkNanos where that is unavailable) with its timer slack
     *  lowered to 1 ns through prctl(PR_SET_TIMERSLACK). Needs no dedicated core; each wakeup
     *  costs the OS's timer path (about 15 us of CPU on this project's VM). The default. */
    SLEEP,
    /** A timer thread that spins between ticks: the tightest ticks, at the price of a whole core
     *  (Skyloft's UTIMER, Shinjuku's dispatcher core). */
    SPIN,
    /** No timer: no ticks, so no time slices; policy kicks are served by idle carriers only.
     *  For measuring the bare switch path. */
    OFF
}
