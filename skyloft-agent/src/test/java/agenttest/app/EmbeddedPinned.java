package agenttest.app;

import java.util.List;
import skyloft.runtime.Affinity;
import skyloft.runtime.SkyloftRuntime;
import skyloft.spi.SchedAttr;

/**
 * A program that builds its own pinned runtime: a task starts a platform thread and prints how
 * many CPUs that thread may use (Linux gives it its creator's mask, and the creator is a carrier
 * pinned to one CPU, unless the agent's start hook is on).
 */
public final class EmbeddedPinned {
    public static void main(String[] args) throws Exception {
        List<Integer>[] child = new List[1];
        try (SkyloftRuntime rt = SkyloftRuntime.builder().cores(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .policy("rr").pin(true).jfr(false).build()) {
            Thread task = rt.start("task", SchedAttr.DEFAULT, () -> {
                Thread t = new Thread(() -> child[0] = Affinity.allowedCpus());
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            task.join();
        }
        System.out.println("child.cpus=" + child[0].size() + " process.cpus=" + Affinity.allowedCpus().size());
    }
}
