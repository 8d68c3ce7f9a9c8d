package skyloft.policy;

import java.util.BitSet;

/**
 * A set of CPU numbers as a policy parameter writes it: {@code all}, or CPU numbers and ranges
 * joined by {@code +} ({@code 0}, {@code 0-3}, {@code 0-3+8-11}, {@code 1+3}). The {@code +} is
 * what joins other lists in policy parameters ({@code apps}' {@code be_apps}); a comma would end
 * the parameter ({@code apps[be_cpus=0+2,lc=rr]}). Parsing knows no host: whether the CPUs exist
 * is checked against the host's count by {@link #resolve}, when the policy is attached.
 * Immutable.
 */
public final class CpuList {
    /** Every CPU of the host, however many it has. */
    public static final CpuList ALL = new CpuList(null, "all");

    /** The CPUs named; null for {@link #ALL}. */
    private final BitSet cpus;
    private final String text;

    private CpuList(BitSet cpus, String text) {
        this.cpus = cpus;
        this.text = text;
    }

    /** The CPUs given (each 0 or more, at least one), written as {@link #parse} reads them. */
    public static CpuList of(int... cpus) {
        if (cpus.length == 0) throw new IllegalArgumentException("a CPU list needs at least one CPU");
        BitSet set = new BitSet();
        for (int c : cpus) {
            if (c < 0) throw new IllegalArgumentException("CPU " + c + " is not a CPU number; allowed 0 and up");
            set.set(c);
        }
        StringBuilder sb = new StringBuilder();
        for (int c = set.nextSetBit(0); c >= 0; ) {
            int end = set.nextClearBit(c) - 1;
            sb.append(sb.isEmpty() ? "" : "+").append(c).append(end > c ? "-" + end : "");
            c = set.nextSetBit(end + 1);
        }
        return new CpuList(set, sb.toString());
    }

    /**
     * Parses {@code text}; {@code what} names the parameter in the message of a refusal
     * ({@code policy apps parameter be_cpus}), which quotes the text and says what is allowed.
     */
    public static CpuList parse(String what, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("all")) return ALL;
        if (t.isEmpty()) throw bad(what, text, "names no CPU");
        BitSet set = new BitSet();
        for (String item : t.split("\\+", -1)) {
            String s = item.trim();
            if (s.isEmpty()) throw bad(what, text, "has an empty entry");
            int dash = s.indexOf('-');
            int from = number(what, text, dash < 0 ? s : s.substring(0, dash));
            int to = dash < 0 ? from : number(what, text, s.substring(dash + 1));
            if (to < from) throw bad(what, text, "has the range " + s + ", which runs backwards");
            set.set(from, to + 1);
        }
        return new CpuList(set, t);
    }

    private static int number(String what, String text, String s) {
        String n = s.trim();
        if (n.isEmpty() || n.length() > 6 || !n.chars().allMatch(Character::isDigit)) {
            throw bad(what, text, "has '" + s + "', which is not a CPU number");
        }
        return Integer.parseInt(n);
    }

    private static IllegalArgumentException bad(String what, String text, String why) {
        return new IllegalArgumentException(what + ": '" + text + "' " + why
                + "; allowed all, or CPU numbers (from 0) and ranges joined by +, e.g. 0, 0-3, 0-3+8-11, 1+3");
    }

    /** True for {@link #ALL}. */
    public boolean isAll() {
        return cpus == null;
    }

    /**
     * The CPUs of a host with {@code cpuCount} CPUs, as a mask indexed by CPU; throws naming
     * {@code what}, the text and the host's CPUs if it names a CPU the host does not have.
     */
    public boolean[] resolve(String what, int cpuCount) {
        boolean[] on = new boolean[cpuCount];
        if (cpus == null) {
            java.util.Arrays.fill(on, true);
            return on;
        }
        int last = cpus.length() - 1;
        if (last >= cpuCount) {
            throw new IllegalArgumentException(what + ": '" + text + "' names CPU " + last + ", but this host has " + cpuCount
                    + (cpuCount == 1 ? " CPU (0)" : " CPUs (0-" + (cpuCount - 1) + ")") + "; allowed CPUs 0 to " + (cpuCount - 1) + ", or all");
        }
        for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) on[c] = true;
        return on;
    }

    /** The list as given ({@code all}, {@code 0-3+8}). */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuList l && java.util.Objects.equals(cpus, l.cpus);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(cpus);
    }
}
