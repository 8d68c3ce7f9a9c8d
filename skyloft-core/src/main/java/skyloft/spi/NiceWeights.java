package skyloft.spi;

/** Linux's nice-to-weight table (kernel/sched/core.c, sched_prio_to_weight): nice 0 is 1024,
 *  each step is about x1.25. */
public final class NiceWeights {
    private NiceWeights() {}

    /** Weight of nice 0. */
    public static final int NICE_0_WEIGHT = 1024;

    private static final int[] WEIGHTS = {
        /* -20 */ 88761, 71755, 56483, 46273, 36291,
        /* -15 */ 29154, 23254, 18705, 14949, 11916,
        /* -10 */ 9548, 7620, 6100, 4904, 3906,
        /*  -5 */ 3121, 2501, 1991, 1586, 1277,
        /*   0 */ 1024, 820, 655, 526, 423,
        /*   5 */ 335, 272, 215, 172, 137,
        /*  10 */ 110, 87, 70, 56, 45,
        /*  15 */ 36, 29, 23, 18, 15,
    };

    /** Weight for {@code nice} in -20..19. */
    public static int weight(int nice) {
        return WEIGHTS[nice - SchedAttr.MIN_NICE];
    }
}
