package agenttest.app;

import agenttest.samples.Loops;
import com.sun.tools.attach.VirtualMachine;
import java.lang.reflect.Field;
import skyloft.runtime.Poll;

/**
 * The dynamic-attach case of the end-to-end test: runs a loop with no agent, attaches the agent
 * jar (args[0]) to its own JVM, and runs the same, already loaded, class again: the agent must
 * have retransformed it. Prints {@code before.polls=N after.polls=N}.
 */
public final class AttachMain {
    static long polls;

    public static void main(String[] args) throws Exception {
        Field pending = Poll.class.getDeclaredField("pending");
        pending.setAccessible(true);
        Poll.install(() -> polls++);
        pending.setInt(null, 1);

        Loops.callInBody(100);
        System.out.println("before.polls=" + polls);

        pending.setInt(null, 0);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], "include=agenttest.samples.");
        } finally {
            vm.detach();
        }
        pending.setInt(null, 1);
        long before = polls;
        Loops.callInBody(100);
        System.out.println("after.polls=" + (polls - before));
        pending.setInt(null, 0);
        Poll.install(null);
    }
}
