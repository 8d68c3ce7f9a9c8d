package runtest;

import java.lang.instrument.Instrumentation;

/**
 * An executable jar's own agent ({@code Launcher-Agent-Class}) and main class: the agent
 * records what it was given, and main prints it, so that {@code java -jar} and
 * {@code skyloft run -jar} can be compared line by line.
 */
public final class LaunchAgent {
    private LaunchAgent() {}

    /** The agent, a class apart so that it can tell whether the main class was loaded before it ran. */
    public static final class Agent {
        private Agent() {}

        public static void agentmain(String args, Instrumentation inst) {
            System.setProperty("runtest.agent", "agent.args='" + args + "' retransform=" + inst.isRetransformClassesSupported()
                    + " redefine=" + inst.isRedefineClassesSupported() + " platform=" + !Thread.currentThread().isVirtual()
                    + " main.loaded=" + (System.getProperty("runtest.main.loaded") != null));
        }
    }

    static {
        System.setProperty("runtest.main.loaded", "true");
    }

    public static void main(String[] args) {
        System.out.println(System.getProperty("runtest.agent", "agent.not.started"));
        System.out.println("main.args=" + String.join(",", args));
    }
}
