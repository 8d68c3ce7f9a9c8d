package skyloft.cli;

import java.util.List;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The rules every comma-separated list option follows ({@code --workers 2,4}, {@code --systems},
 * {@code --policies}...): no empty entry, at either end or between two commas ({@link Entries},
 * before picocli splits and converts the value, which would drop a trailing one and call a middle
 * one "not an int"); and no value given twice, in one list or over repeats of the option
 * ({@link #checkDistinct}), since each entry is a run of its own and a second would only repeat it.
 */
final class ListOptions {
    private ListOptions() {}

    /** Refuses a list with an empty entry, naming the option, the value and the form allowed (what
     *  each entry may be, the option's own checks say). */
    static final class Entries implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            if (args.isEmpty() || !(argSpec instanceof OptionSpec o) || o.splitRegex().isEmpty()) return false;
            String value = args.peek();
            for (String entry : value.split(o.splitRegex(), -1)) {
                if (entry.isBlank()) {
                    throw new CommandLine.ParameterException(commandSpec.commandLine(), o.longestName() + " '" + value
                            + "' has an empty entry; allowed: values separated by single commas, with no comma at either end");
                }
            }
            return false; // picocli goes on to split and convert it
        }
    }

    /** Refuses a value given twice to a list option of the command that will run (the last subcommand parsed). */
    static void checkDistinct(ParseResult parsed) {
        ParseResult pr = parsed;
        while (pr.hasSubcommand()) pr = pr.subcommand();
        for (OptionSpec o : pr.matchedOptions()) {
            if (!o.splitRegex().isEmpty() && o.getValue() instanceof List<?> values) {
                BenchOptions.distinct(o.longestName(), values.stream().map(v -> v instanceof String s ? s.strip() : v).toList());
            }
        }
    }
}
