package skyloft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import skyloft.bench.RewriteBench;

/** {@code skyloft bench rewrite}: the agent's rewriting per class beside the JVM's own loading of it. */
@Command(name = "rewrite", mixinStandardHelpOptions = true,
        description = "Cost of the Java agent's class rewriting: every class of the given jars rewritten with the agent's "
                + "default options, in passes (the first cold, as at an application's start), beside the JVM loading the same "
                + "classes in the same run; reports microseconds per class and rewrite_vs_load.")
final class BenchRewriteCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Option(names = "--jars", paramLabel = "JAR", split = ",", preprocessor = ListOptions.Entries.class,
            description = "Jars whose classes to rewrite (default: the libraries this command line ships with: picocli, "
                    + "SnakeYAML and HdrHistogram).")
    List<Path> jars;

    @Option(names = "--passes", paramLabel = "N", description = "Passes over the classes, 2..50; the first is cold (default ${DEFAULT-VALUE}).")
    int passes = 5;

    @Override
    public Integer call() throws Exception {
        List<Path> given = jars != null ? jars : List.of(RunCommand.codeSource(picocli.CommandLine.class),
                RunCommand.codeSource(org.yaml.snakeyaml.Yaml.class), RunCommand.codeSource(org.HdrHistogram.Histogram.class));
        RewriteBench.Config cfg = new RewriteBench.Config(given, passes);
        for (Path jar : cfg.jars()) PolicyPath.checkJar("--jars", jar, "allowed existing .jar files");
        BenchRun.run(json, () -> RewriteBench.run(cfg, System.out));
        return 0;
    }
}
