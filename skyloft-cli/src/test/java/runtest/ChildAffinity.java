package runtest;

import java.util.List;
import skyloft.runtime.Affinity;

/**
 * The application `RunCommandTest` runs to see which CPUs a platform thread that main starts
 * may use: Linux gives a new thread its creator's CPU mask, and under `skyloft run` main's
 * creator is a carrier.
 */
public final class ChildAffinity {
    public static void main(String[] args) throws Exception {
        List<Integer>[] child = new List[1];
        Thread t = new Thread(() -> child[0] = Affinity.allowedCpus());
        t.start();
        t.join();
        System.out.println("child.cpus=" + child[0].size() + " process.cpus=" + Runtime.getRuntime().availableProcessors());
    }
}
