package skyloft.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import skyloft.policy.PolicyContract;
import skyloft.policy.PolicyRegistry;

/** Lists policies with their one-line descriptions and parameters, or runs the policy contract on them. */
@Command(name = "policies", mixinStandardHelpOptions = true,
        description = {"List the scheduling policies and their parameters, or check that policies keep the contract of the policy SPI.",
                "Without POLICY, every registered policy, and every policy class on --policy-path. A POLICY is a registered name "
                + "or a policy class's full or short name (with --policy-path), with parameters in brackets if wanted: rr[slice=20us], "
                + "com.acme.Lottery.",
                "Example: skyloft policies --policy-path lottery.jar --check com.acme.Lottery"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every policy listed, or every check passed or did not apply", "1:a check failed", "2:bad input"})
final class PoliciesCommand implements Callable<Integer> {
    @Mixin
    PolicyPath policyPath;

    @Option(names = "--check", description = "Run the contract checks (the project's PolicyContractTest) on each POLICY, driven by "
            + "a stepping host with a fake clock: ownership, no task lost, every runnable task runs, yields, blocked and exited "
            + "tasks, parameters.")
    boolean check;

    @Option(names = "--deadline-tasks", description = "With --check: a third of the random runs' tasks carry deadline "
            + "parameters (runtime 100us, period 1ms), which the policy may refuse (and nothing else). Always on for deadline "
            + "and rm, whose budgets deadline also has checked.")
    boolean deadlineTasks;

    @Parameters(paramLabel = "POLICY", arity = "0..*", description = "Policies to list or check (default: every registered one, "
            + "and the policy classes on --policy-path).")
    List<String> specs;

    @Override
    public Integer call() throws java.io.IOException {
        if (deadlineTasks && !check) throw new IllegalArgumentException("--deadline-tasks goes with --check");
        List<PolicyRegistry.Spec> given = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            for (String name : PolicyRegistry.names()) given.add(new PolicyRegistry.Spec(name, java.util.Map.of()));
            if (policyPath.path() != null) {
                List<String> found = PolicyPath.policyClasses(PolicyPath.classPath(policyPath.path()), Thread.currentThread().getContextClassLoader());
                if (found.isEmpty()) System.err.println("skyloft: no policy classes on --policy-path " + policyPath.path());
                for (String name : found) given.add(new PolicyRegistry.Spec(name, java.util.Map.of()));
            }
        } else {
            for (String s : specs) {
                PolicyRegistry.Spec spec = PolicyRegistry.Spec.parse(s);
                PolicyRegistry.create(spec.name(), spec.params()); // an unknown name, class or parameter fails here, naming it
                given.add(spec);
            }
        }
        if (!check) {
            Map<String, String> shortNames = new HashMap<>();
            PolicyRegistry.namedClasses().forEach((n, classes) -> classes.forEach(c -> shortNames.put(c, n)));
            for (PolicyRegistry.Spec spec : given) {
                PolicyRegistry.Info info = PolicyRegistry.info(spec.name());
                String className = PolicyRegistry.className(spec.name()), shortName = shortNames.get(className);
                String label = className == null ? info.name() : shortName == null ? className : shortName + " (" + className + ")";
                print(label, info);
            }
            return 0;
        }
        int failed = 0;
        for (PolicyRegistry.Spec spec : given) failed += check(spec);
        return failed == 0 ? 0 : 1;
    }

    private static void print(String label, PolicyRegistry.Info info) {
        System.out.printf("%-10s %s%n", label, info.description());
        for (PolicyRegistry.Param p : info.params()) {
            String dflt = p.defaultValue().isEmpty() ? "" : " (default " + p.defaultValue() + ")";
            System.out.printf("%-10s   %s%s: %s%n", "", p.name(), dflt, p.description());
        }
        if (!info.declared()) System.out.printf("%-10s   (parameters: those its constructor reads)%n", "");
    }

    /** Runs every case on {@code spec}; prints one line per case and a total; returns the failures. */
    private int check(PolicyRegistry.Spec spec) {
        PolicyContract.Subject byName = PolicyContract.Subject.of(spec.toString());
        PolicyContract.Subject subject = deadlineTasks && !byName.deadlineTasks() ? new PolicyContract.Subject(spec, true, false) : byName;
        System.out.println(spec + ":");
        int passed = 0, failed = 0, notApplicable = 0;
        for (PolicyContract.Outcome o : PolicyContract.run(subject)) {
            String mark = switch (o.result()) {
                case PASSED -> { passed++; yield "passed"; }
                case FAILED -> { failed++; yield "FAILED"; }
                case NOT_APPLICABLE -> { notApplicable++; yield "n/a"; }
            };
            System.out.printf("  %-7s %-19s %s%n", mark, o.check().name(),
                    o.result() == PolicyContract.Result.PASSED ? o.check().description() : o.detail());
        }
        System.out.printf("  %d checks: %d passed, %d failed, %d did not apply%n", passed + failed + notApplicable, passed, failed, notApplicable);
        return failed;
    }
}
