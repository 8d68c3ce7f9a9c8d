package skyloft.cli;

import picocli.CommandLine.Command;
import skyloft.policy.PolicyRegistry;

/** Lists every policy with its one-line description and parameters. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "List the scheduling policies and their parameters.")
final class PoliciesCommand implements Runnable {
    @Override
    public void run() {
        for (PolicyRegistry.Info info : PolicyRegistry.all()) {
            System.out.printf("%-10s %s%n", info.name(), info.description());
            for (PolicyRegistry.Param p : info.params()) {
                String dflt = p.defaultValue().isEmpty() ? "" : " (default " + p.defaultValue() + ")";
                System.out.printf("%-10s   %s%s: %s%n", "", p.name(), dflt, p.description());
            }
        }
    }
}
