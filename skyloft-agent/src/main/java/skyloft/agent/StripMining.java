package skyloft.agent;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strip-mining of simple counted loops, so that their poll leaves the hot loop. A poll inside a
 * loop body (a volatile load) stops the JIT from vectorizing or freely scheduling that loop;
 * measured, it made a dense matrix multiply 3x slower. For an innermost, call-free loop whose
 * only way out is its head's test (no break, no return), of the javac shape
 * <pre>
 *   head: iload i; BOUND; if_icmpge|if_icmpgt|if_icmple|if_icmplt exit; BODY; goto head; exit:
 *   head: iload i; ifge|ifgt|ifle|iflt exit; BODY; goto head; exit:       (BOUND = 0)
 * </pre>
 * where BOUND is an int local, an int constant, or {@code aload a; arraylength}, BODY never
 * stores to the locals BOUND reads, and BODY's one write to {@code i} is an {@code iinc i, c}
 * right before the {@code goto} (no label between them, so every pass runs it) that moves it
 * towards the bound (c &gt; 0 counting up, c &lt; 0 counting down), the loop is rewritten as
 * (counting up; counting down mirrors it)
 * <pre>
 *   head: iload i; BOUND; if_icmpge|if_icmpgt exit
 *         lim = min(i + STRIP, BOUND [+ 1] [, MAX_VALUE - c + 1])   // never past the original bound
 *   body: BODY
 *         if (i &lt; lim) goto body                                 // a plain counted loop for the JIT
 *         if (!(i &lt; BOUND)) goto exit                             // [&lt;=] for if_icmpgt
 *         Poll.poll(); goto head
 * </pre>
 * Correctness: BOUND is unchanged while BODY runs, and {@code i < lim} implies the original
 * condition (int overflow in computing lim can only make the inner test fail early), so every
 * iteration the original would run still runs and no other. Each pass moves {@code i} by c
 * towards lim, and the last clamp (only for |c| &gt; 1) keeps {@code i + c} from wrapping past
 * the int range, so the inner loop ends within STRIP / |c| passes: a body that moves {@code i}
 * any other way (a spin-wait on a local, a reset, a conditional step) would not end it, and
 * such loops keep their poll per pass. The poll runs every STRIP iterations at most; a loop
 * that ends does not poll. STRIP shrinks with the body's size (4096 /
 * instructions, clamped to 64..1024) so a strip stays a few microseconds at most.
 * Not thread-safe per instance: one instance per method transformation.
 */
final class StripMining {
    static final int MIN_STRIP = 64;
    static final int MAX_STRIP = 1024;
    static final int MAX_BODY_INSNS = 256;
    private static final MethodTypeDesc MINMAX_II = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final ClassDesc MATH = ClassDesc.of("java.lang.Math");

    /** One loop to strip-mine: its head label, the induction local, the bound's instructions, the exit test. */
    record Loop(Label head, int iSlot, List<Instruction> bound, Opcode headTest, Opcode exitTest, Label exit,
                int headInsns, int strip, int step) {
        /** Counting up ({@code i < B}, {@code i <= B}) or down ({@code i > B}, {@code i >= B}). */
        boolean up() {
            return exitTest == Opcode.IF_ICMPGE || exitTest == Opcode.IF_ICMPGT;
        }

        /** Whether the loop runs while i equals the bound ({@code <=}, {@code >=}). */
        boolean inclusive() {
            return exitTest == Opcode.IF_ICMPGT || exitTest == Opcode.IF_ICMPLT;
        }
    }

    /** The two-operand form of a loop-exit test, or null if it is not one we strip-mine. */
    private static Opcode normalized(Opcode op) {
        return switch (op) {
            case IF_ICMPGE, IF_ICMPGT, IF_ICMPLE, IF_ICMPLT -> op;
            case IFGE -> Opcode.IF_ICMPGE;
            case IFGT -> Opcode.IF_ICMPGT;
            case IFLE -> Opcode.IF_ICMPLE;
            case IFLT -> Opcode.IF_ICMPLT;
            default -> null;
        };
    }

    private StripMining() {}

    /** Finds the strip-mineable loops of one method body, keyed by head label. */
    static Map<Label, Loop> find(List<CodeElement> els) {
        Map<Label, Integer> labelAt = new HashMap<>();
        for (int k = 0; k < els.size(); k++) if (els.get(k) instanceof LabelTarget t) labelAt.put(t.label(), k);
        // Every (branch index, target label) pair, and how many branches target each label.
        Map<Label, Integer> refs = new HashMap<>();
        List<int[]> jumps = new ArrayList<>(); // {from index, to index}
        for (int k = 0; k < els.size(); k++) {
            for (Label l : targets(els.get(k))) {
                refs.merge(l, 1, Integer::sum);
                jumps.add(new int[] {k, labelAt.getOrDefault(l, -1)});
            }
        }
        List<ExceptionCatch> catches = new ArrayList<>();
        for (CodeElement e : els) if (e instanceof ExceptionCatch c) catches.add(c);

        Map<Label, Loop> out = new IdentityHashMap<>();
        for (int h = 0; h < els.size(); h++) {
            if (!(els.get(h) instanceof LabelTarget ht)) continue;
            Loop loop = match(els, h, ht.label(), labelAt, refs, jumps, catches);
            if (loop != null) out.put(ht.label(), loop);
        }
        return out;
    }

    private static Loop match(List<CodeElement> els, int h, Label head, Map<Label, Integer> labelAt,
                              Map<Label, Integer> refs, List<int[]> jumps, List<ExceptionCatch> catches) {
        if (refs.getOrDefault(head, 0) != 1) return null; // exactly one way back: the goto
        // The head: up to four instructions, pseudo-instructions (line numbers...) skipped.
        List<Instruction> hd = new ArrayList<>(4);
        int k = h + 1, branchIdx = -1;
        while (k < els.size() && hd.size() < 4) {
            if (els.get(k) instanceof Instruction ins) {
                hd.add(ins);
                if (ins instanceof BranchInstruction) { branchIdx = k; break; }
            } else if (els.get(k) instanceof LabelTarget) {
                return null; // a jump into the middle of the head
            }
            k++;
        }
        if (branchIdx < 0 || hd.size() < 2) return null;
        if (!(hd.get(0) instanceof LoadInstruction li) || li.typeKind() != TypeKind.INT) return null;
        int iSlot = li.slot();
        BranchInstruction test = (BranchInstruction) hd.get(hd.size() - 1);
        Opcode exitTest = normalized(test.opcode());
        if (exitTest == null) return null;
        boolean zeroBound = test.opcode() != exitTest; // ifle/iflt/ifge/ifgt compare with 0
        if (zeroBound != (hd.size() == 2)) return null;
        List<Instruction> bound = hd.subList(1, hd.size() - 1);
        int[] boundSlots = zeroBound ? new int[0] : boundSlots(bound, iSlot);
        if (boundSlots == null) return null;
        Integer exitIdx = labelAt.get(test.target());
        if (exitIdx == null || exitIdx <= branchIdx) return null;
        // The single back-edge: a goto to head before the exit label.
        int g = -1;
        for (int[] j : jumps) if (j[1] == h) g = j[0];
        if (g <= branchIdx || g >= exitIdx) return null;
        if (!(els.get(g) instanceof BranchInstruction gi) || gi.opcode() != Opcode.GOTO && gi.opcode() != Opcode.GOTO_W) return null;
        // No jumps into the loop from outside, no jumps backwards inside it (innermost loop).
        for (int[] j : jumps) {
            boolean fromInside = j[0] > h && j[0] <= g;
            boolean toInside = j[1] > h && j[1] <= g;
            if (toInside && !fromInside) return null;
            if (fromInside && j[0] != g && j[1] >= 0 && j[1] <= j[0]) return null;
            if (j[1] < 0) return null; // a target we could not place: be safe
        }
        for (ExceptionCatch c : catches) {
            for (Label l : List.of(c.tryStart(), c.tryEnd(), c.handler())) {
                Integer at = labelAt.get(l);
                if (at != null && at > h && at <= g) return null;
            }
        }
        // The body: one way out (the head's test), call-free, bounded size, never writes the
        // bound's locals. Loops with early exits (searches) usually run a few iterations and
        // cannot be vectorized anyway: a poll per iteration is cheaper than a strip's set-up.
        // i's one write: an iinc just before the goto, with nothing but pseudo-instructions between.
        int stepIdx = g - 1;
        while (stepIdx > branchIdx && !(els.get(stepIdx) instanceof Instruction)) {
            if (els.get(stepIdx) instanceof LabelTarget) return null; // a path to the goto that skips the step
            stepIdx--;
        }
        if (!(els.get(stepIdx) instanceof IncrementInstruction step) || step.slot() != iSlot) return null;
        boolean up = exitTest == Opcode.IF_ICMPGE || exitTest == Opcode.IF_ICMPGT;
        if (up ? step.constant() <= 0 : step.constant() >= 0) return null;
        int insns = 0;
        for (int b = branchIdx + 1; b < g; b++) {
            if (!(els.get(b) instanceof Instruction ins)) continue;
            insns++;
            if (b != stepIdx && writes(ins, iSlot)) return null;
            if (ins instanceof ReturnInstruction) return null;
            for (Label l : targets(ins)) {
                Integer at = labelAt.get(l);
                if (at == null || at > g) return null;
            }
            if (ins instanceof InvokeInstruction || ins instanceof InvokeDynamicInstruction) return null;
            if (ins instanceof StoreInstruction st && contains(boundSlots, st.slot())) return null;
            if (ins instanceof IncrementInstruction inc && contains(boundSlots, inc.slot())) return null;
            if (st2(ins, boundSlots)) return null;
        }
        if (insns > MAX_BODY_INSNS) return null;
        int strip = Math.clamp(4096 / Math.max(1, insns), MIN_STRIP, MAX_STRIP);
        return new Loop(head, iSlot, List.copyOf(bound), test.opcode(), exitTest, test.target(), hd.size(), strip,
                step.constant());
    }

    /** Whether {@code ins} writes local {@code slot} (a long or double store covers two slots). */
    private static boolean writes(Instruction ins, int slot) {
        return ins instanceof StoreInstruction st && (st.slot() == slot || st.typeKind().slotSize() == 2 && st.slot() + 1 == slot)
                || ins instanceof IncrementInstruction inc && inc.slot() == slot;
    }

    /** Long/double stores cover two slots; a store to slot s-1 of a wide type clobbers s. */
    private static boolean st2(Instruction ins, int[] slots) {
        return ins instanceof StoreInstruction st && st.typeKind().slotSize() == 2 && contains(slots, st.slot() + 1);
    }

    /** Locals the bound reads, or null if the bound is not one of the accepted shapes. */
    private static int[] boundSlots(List<Instruction> bound, int iSlot) {
        if (bound.size() == 1 && bound.get(0) instanceof LoadInstruction l && l.typeKind() == TypeKind.INT && l.slot() != iSlot) {
            return new int[] {l.slot()};
        }
        if (bound.size() == 1 && bound.get(0) instanceof ConstantInstruction c && c.constantValue() instanceof Integer) {
            return new int[0];
        }
        if (bound.size() == 2 && bound.get(0) instanceof LoadInstruction a && a.typeKind() == TypeKind.REFERENCE
                && bound.get(1).opcode() == Opcode.ARRAYLENGTH) {
            return new int[] {a.slot()};
        }
        return null;
    }

    private static boolean contains(int[] xs, int x) {
        for (int v : xs) if (v == x) return true;
        return false;
    }

    static List<Label> targets(CodeElement e) {
        return switch (e) {
            case BranchInstruction b -> List.of(b.target());
            case TableSwitchInstruction s -> switchTargets(s.defaultTarget(), s.cases());
            case LookupSwitchInstruction s -> switchTargets(s.defaultTarget(), s.cases());
            default -> List.of();
        };
    }

    private static List<Label> switchTargets(Label dflt, List<SwitchCase> cases) {
        List<Label> out = new ArrayList<>(cases.size() + 1);
        out.add(dflt);
        for (SwitchCase c : cases) out.add(c.target());
        return out;
    }

    /**
     * After the head's exit test: {@code lim = min(i + strip, BOUND [+ 1])} counting up,
     * {@code lim = max(i - strip, BOUND [- 1])} counting down ([+-1] when the bound itself is
     * included), in int arithmetic, three or four machine operations. Overflow is harmless: a
     * wrapped {@code i + strip} or {@code BOUND + 1} only makes {@code lim} smaller (larger when
     * counting down), so the inner test fails at once and the head re-checks; near the ends of
     * the int range such a loop polls every iteration, which is slower, never wrong.
     */
    static void emitPrologue(CodeBuilder b, Loop loop, int limSlot) {
        b.iload(loop.iSlot());
        b.loadConstant(loop.strip());
        if (loop.up()) b.iadd();
        else b.isub();
        bound(b, loop);
        if (loop.inclusive()) {
            b.iconst_1();
            if (loop.up()) b.iadd();
            else b.isub();
        }
        b.invokestatic(MATH, loop.up() ? "min" : "max", MINMAX_II);
        if (Math.abs(loop.step()) > 1) { // i + c must not wrap: with a step of 1, i < lim <= BOUND already ensures it
            b.loadConstant(loop.up() ? Integer.MAX_VALUE - loop.step() + 1 : Integer.MIN_VALUE - loop.step() - 1);
            b.invokestatic(MATH, loop.up() ? "min" : "max", MINMAX_II);
        }
        b.istore(limSlot);
    }

    private static void bound(CodeBuilder b, Loop loop) {
        if (loop.bound().isEmpty()) b.iconst_0();
        else for (Instruction ins : loop.bound()) b.with(ins);
    }

    /**
     * In place of the back-edge goto: {@code if (i < lim) goto body} ({@code >} counting down);
     * then the original exit test, so that a loop that simply ends does not poll (the code after
     * it reaches its next poll within straight-line distance, and a short inner loop run many
     * times would pay a volatile load per run for nothing); then {@code poll; goto head}.
     */
    static void emitBackEdge(CodeBuilder b, Loop loop, int limSlot, Label body, Label exit, Instruction originalGoto) {
        b.iload(loop.iSlot());
        b.iload(limSlot);
        if (loop.up()) b.if_icmplt(body);
        else b.if_icmpgt(body);
        b.iload(loop.iSlot());
        bound(b, loop);
        b.branch(loop.exitTest(), exit);
        PollInserter.emitPoll(b);
        b.with(originalGoto);
    }
}
