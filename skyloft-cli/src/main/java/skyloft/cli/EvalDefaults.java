package skyloft.cli;

import java.util.List;

/**
 * A benchmark command's own defaults for the options it shares through {@link EvalOptions}
 * ({@code --duration}, {@code --systems}, {@code --idle-spin}), so that its {@code --help} shows
 * them: {@link EvalOptions#showDefaults} writes them into the options' descriptions. The command
 * runs with the same values, so the help cannot drift from what it does.
 */
interface EvalDefaults {
    /** {@code --duration} when not given, as the help shows it: "5s". */
    String durationDefault();

    /** The Skyloft policies of the default {@code --systems} (jdk-default and platform follow), or
     *  null for a command that takes no {@code --systems}. */
    default List<String> defaultPolicies() {
        return null;
    }

    /** {@code --idle-spin} when not given, as the help shows it. */
    default String idleSpinDefault() {
        return "the runtime's adaptive 20us..5ms";
    }
}
