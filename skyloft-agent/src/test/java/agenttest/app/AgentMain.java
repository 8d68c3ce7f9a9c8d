package agenttest.app;

import agenttest.excluded.Plain;
import agenttest.samples.Loops;
import agenttest.samples.Samples;
import java.lang.reflect.Field;
import java.util.Arrays;
import skyloft.runtime.Poll;

/**
 * The application of the end-to-end agent test, run in a forked JVM under -javaagent. Makes
 * every poll take the slow path, counts polls per phase, and prints {@code key=value} lines the
 * test checks: polls in instrumented code, none in the JDK, in Skyloft, or in excluded packages.
 */
public final class AgentMain {
    static long polls;

    public static void main(String[] args) throws Exception {
        Field pending = Poll.class.getDeclaredField("pending");
        pending.setAccessible(true);
        Poll.install(() -> polls++);
        pending.setInt(null, 1);

        long before = polls;
        int r = Loops.callInBody(1000);
        System.out.println("app.polls=" + (polls - before) + " app.result=" + r);

        before = polls;
        System.out.println("samples=" + Samples.all().size());
        System.out.println("samples.polls=" + (polls - before));

        before = polls;
        int[] xs = new int[200_000];
        for (int i = 0; i < xs.length; i++) xs[i] = (i * 7919) % 10007;
        long mid = polls;
        Arrays.sort(xs);
        String s = "ab".repeat(10_000);
        System.out.println("jdk.polls=" + (polls - mid) + " jdk.result=" + xs[xs.length - 1] + s.length());

        before = polls;
        long ns = skyloft.util.Durations.parseNs("--slice", "50us");
        System.out.println("skyloft.polls=" + (polls - before) + " skyloft.result=" + ns);

        before = polls;
        int p = Plain.spin(100_000);
        System.out.println("excluded.polls=" + (polls - before) + " excluded.result=" + p);

        pending.setInt(null, 0);
        Poll.install(null);
        Object stats = Class.forName("skyloft.agent.PollAgent").getMethod("stats").invoke(null);
        System.out.println("stats=" + stats);
    }
}
