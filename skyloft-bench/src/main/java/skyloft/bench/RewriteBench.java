package skyloft.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import skyloft.agent.AgentConfig;
import skyloft.agent.PollInserter;
import skyloft.agent.PollTransformer;

/**
 * {@code bench rewrite}: what the Java agent's rewriting costs per class, beside what the JVM
 * takes to load the same class. The classes of the given jars (libraries an application might
 * load) are read into memory; then, in passes, each is rewritten as the agent rewrites it with
 * its default options ({@link PollTransformer#rewrite}: the thread-factory redirect, then
 * {@link PollInserter}), resolving class hierarchies from a loader over the same jars as the
 * agent does from the defining loader. The first pass runs the ClassFile API cold, as at an
 * application's start; the later ones show the steady state. The baseline, in the same run:
 * each pass also loads every class through a new loader over the jars
 * ({@code Class.forName(name, false, loader)}: read, parsed and defined by the JVM; linking and
 * verification, which come at first use, are not in it), so the two columns are this JVM's
 * figures side by side.
 *
 * <p>Rows: system {@code skyloft:agent}, {@code rewrite_first_us_per_class} and
 * {@code rewrite_us_per_class} (median of the later passes), params {@code classes},
 * {@code changed}, {@code redirected} (classes with a thread-factory call redirected) and {@code failed}; system {@code jvm}, {@code load_first_us_per_class} and
 * {@code load_us_per_class}, params {@code loaded} and {@code not_loaded} (classes whose
 * dependencies are not in the jars); {@code rewrite_vs_load}, the ratio of the steady-state
 * figures (per class of each column's own count).
 */
public final class RewriteBench {
    private RewriteBench() {}

    /** The jars whose classes are rewritten and loaded, and how many passes (the first is cold). */
    public record Config(List<Path> jars, int passes) {
        public Config {
            if (jars == null || jars.isEmpty()) throw new IllegalArgumentException("--jars: none given; allowed one or more jar files");
            for (Path j : jars) {
                if (!Files.isRegularFile(j) || !j.toString().endsWith(".jar")) {
                    throw new IllegalArgumentException("--jars: '" + j + "' is not a jar file; allowed existing .jar files");
                }
            }
            jars = List.copyOf(jars);
            if (passes < 2 || passes > 50) throw new IllegalArgumentException("--passes " + passes + " out of range; allowed 2..50 (the first is cold)");
        }
    }

    /** One class file: its binary name and bytes. */
    private record ClassBytes(String name, byte[] bytes) {}

    public static BenchResult run(Config cfg, PrintStream progress) throws IOException {
        List<ClassBytes> classes = read(cfg.jars());
        if (classes.isEmpty()) throw new IllegalArgumentException("--jars: no class files in " + cfg.jars());
        URL[] urls = new URL[cfg.jars().size()];
        for (int i = 0; i < urls.length; i++) urls[i] = cfg.jars().get(i).toUri().toURL();
        progress.printf(Locale.ROOT, "rewrite: %d classes from %d jar(s), %d passes (the first cold)%n", classes.size(), urls.length, cfg.passes());

        AgentConfig agent = AgentConfig.parse(null); // the agent's defaults
        double[] rewriteUs = new double[cfg.passes()], loadUs = new double[cfg.passes()];
        int changed = 0, redirected = 0, failed = 0, loaded = 0;
        try (URLClassLoader resources = new URLClassLoader("rewrite-resources", urls, ClassLoader.getPlatformClassLoader())) {
            for (int pass = 0; pass < cfg.passes(); pass++) {
                changed = redirected = failed = 0;
                long t0 = System.nanoTime();
                for (ClassBytes c : classes) {
                    try {
                        PollTransformer.Rewritten w = PollTransformer.rewrite(c.bytes(), resources, agent.redirect(), agent.options());
                        if (w.changed()) changed++;
                        if (w.redirectedCalls() > 0) redirected++;
                    } catch (RuntimeException e) { // left uninstrumented, as the agent leaves any class it fails on
                        failed++;
                    }
                }
                rewriteUs[pass] = (System.nanoTime() - t0) / 1e3 / classes.size();

                loaded = 0;
                try (URLClassLoader fresh = new URLClassLoader("rewrite-load-" + pass, urls, ClassLoader.getPlatformClassLoader())) {
                    long l0 = System.nanoTime();
                    for (ClassBytes c : classes) {
                        try {
                            Class.forName(c.name(), false, fresh);
                            loaded++;
                        } catch (ClassNotFoundException | LinkageError e) { // a dependency outside the jars
                        }
                    }
                    loadUs[pass] = (System.nanoTime() - l0) / 1e3 / Math.max(1, loaded);
                }
                progress.printf(Locale.ROOT, "rewrite: pass %d of %d: rewrite %.0f us per class, JVM load %.0f us per class%n",
                        pass + 1, cfg.passes(), rewriteUs[pass], loadUs[pass]);
            }
        }

        double rewriteWarm = Harness.median(sorted(Arrays.copyOfRange(rewriteUs, 1, rewriteUs.length)));
        double loadWarm = Harness.median(sorted(Arrays.copyOfRange(loadUs, 1, loadUs.length)));
        BenchResult r = new BenchResult("rewrite")
                .param("jars", cfg.jars().stream().map(p -> p.getFileName().toString()).toList())
                .param("passes", cfg.passes());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("classes", classes.size());
        counts.put("changed", changed);
        counts.put("redirected", redirected);
        counts.put("failed", failed);
        r.add(new BenchResult.Row("skyloft:agent", "rewrite_first_us_per_class", rewriteUs[0], "us", counts));
        r.add(new BenchResult.Row("skyloft:agent", "rewrite_us_per_class", rewriteWarm, "us", counts));
        Map<String, Object> loads = new LinkedHashMap<>(Map.of("loaded", loaded, "not_loaded", classes.size() - loaded));
        r.add(new BenchResult.Row("jvm", "load_first_us_per_class", loadUs[0], "us", loads));
        r.add(new BenchResult.Row("jvm", "load_us_per_class", loadWarm, "us", loads));
        r.add("skyloft:agent", "rewrite_vs_load", rewriteWarm / loadWarm, "x");
        return r;
    }

    private static double[] sorted(double[] v) {
        Arrays.sort(v);
        return v;
    }

    /** Every class file of the jars, in jar order; module descriptors and META-INF entries left out. */
    private static List<ClassBytes> read(List<Path> jars) throws IOException {
        List<ClassBytes> out = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile f = new JarFile(jar.toFile())) {
                for (JarEntry e : Collections.list(f.entries())) {
                    String n = e.getName();
                    if (!n.endsWith(".class") || n.startsWith("META-INF/") || n.endsWith("module-info.class")) continue;
                    try (var in = f.getInputStream(e)) {
                        out.add(new ClassBytes(n.substring(0, n.length() - ".class".length()).replace('/', '.'), in.readAllBytes()));
                    }
                }
            }
        }
        return out;
    }
}
