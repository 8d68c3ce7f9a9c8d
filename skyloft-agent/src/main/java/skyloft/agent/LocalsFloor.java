package skyloft.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.reflect.AccessFlag;
import java.util.Map;

/**
 * The fewest local slots a rewritten method may declare ({@code max_locals}) without the JVM
 * rejecting its class. The ClassFile API recomputes {@code max_locals} of every method it
 * rewrites from the instructions it can reach, but the JVM (which verifies application classes
 * by default) also holds two other parts of the method to it:
 * <ul>
 *   <li>its {@code LocalVariableTable} and {@code LocalVariableTypeTable}, checked when the
 *       class is parsed: an entry for a slot the reachable code never touches (a compiler's
 *       unused variable, or one used only in unreachable code) becomes a
 *       {@code ClassFormatError: Invalid index N in LocalVariableTable};</li>
 *   <li>in class files before version 50, which the old type-inferencing verifier checks,
 *       every instruction's local index, reachable or not: unreachable code that stores to a
 *       slot beyond the recomputed count becomes a
 *       {@code VerifyError: Illegal local variable number}. (From version 50 on, rewritten
 *       code always gets stack maps, see {@link PollInserter#context}, and the ClassFile API
 *       replaces unreachable code with {@code nop}s and an {@code athrow}.)</li>
 * </ul>
 * A method whose rewritten code would fall below its floor is left as it was by
 * {@link PollInserter} (its original code, copied as is, keeps the original count), and makes
 * {@link ThreadRedirect} give up on the class. Stateless.
 */
final class LocalsFloor {
    private LocalsFloor() {}

    /** Whether unreachable code of this class's methods can be verified, and so must fit in their locals. */
    static boolean deadCodeVerified(ClassModel model) {
        return model.majorVersion() < ClassFile.JAVA_6_VERSION;
    }

    /** The floor that one element of a method's code sets: the slots after the local it names; 0 for other elements. */
    static int of(CodeElement e, boolean deadCodeVerified) {
        return switch (e) {
            case LocalVariable v -> v.slot() + (wide(v.type().stringValue()) ? 2 : 1); // the descriptor as written, never parsed
            case LocalVariableType v -> v.slot() + 1; // generic signatures are references
            case LoadInstruction i when deadCodeVerified -> i.slot() + i.typeKind().slotSize();
            case StoreInstruction i when deadCodeVerified -> i.slot() + i.typeKind().slotSize();
            case IncrementInstruction i when deadCodeVerified -> i.slot() + 1;
            case DiscontinuedInstruction.RetInstruction i when deadCodeVerified -> i.slot() + 1;
            default -> 0;
        };
    }

    /** Whether a field descriptor names a long or a double, which take two slots. */
    private static boolean wide(String descriptor) {
        return descriptor.equals("J") || descriptor.equals("D");
    }

    /** The floor of one method with code, or 0 when its parameters' slots (which rewritten code always declares) cover it. */
    static int of(MethodModel m, boolean deadCodeVerified) {
        int floor = 0;
        for (CodeElement e : m.code().orElseThrow()) floor = Math.max(floor, of(e, deadCodeVerified));
        return beyondParameters(m, floor);
    }

    /** {@code floor}, or 0 when the slots of {@code m}'s receiver and parameters already reach it. */
    static int beyondParameters(MethodModel m, int floor) {
        int slots = m.flags().has(AccessFlag.STATIC) ? 0 : 1;
        // the descriptor read as written, e.g. (IJ[Ljava/lang/String;D)V: 1 + 2 + 1 + 2
        String d = m.methodType().stringValue();
        for (int i = 1; i < d.length() && d.charAt(i) != ')'; i++) {
            char c = d.charAt(i);
            while (c == '[' && i + 1 < d.length()) c = d.charAt(++i);
            if (c == 'L') while (i + 1 < d.length() && d.charAt(i) != ';') i++;
            slots += (c == 'J' || c == 'D') && d.charAt(i - 1) != '[' ? 2 : 1;
        }
        return floor > slots ? floor : 0;
    }

    /**
     * Throws IllegalArgumentException naming the first method of {@code classBytes} whose
     * {@code max_locals} is below its floor in {@code floors} (keyed by
     * {@link PollInserter#key}); methods not in {@code floors} are not looked at.
     */
    static void check(byte[] classBytes, Map<String, Integer> floors) {
        if (floors.isEmpty()) return;
        for (MethodModel m : ClassFile.of().parse(classBytes).methods()) {
            Integer floor = floors.get(PollInserter.key(m));
            if (floor != null && m.code().orElse(null) instanceof CodeAttribute code && code.maxLocals() < floor) {
                throw new IllegalArgumentException("the rewritten code declares " + code.maxLocals() + " local slots, fewer than the "
                        + floor + " its LocalVariableTable or unreachable code names (the JVM would reject the class)");
            }
        }
    }
}
