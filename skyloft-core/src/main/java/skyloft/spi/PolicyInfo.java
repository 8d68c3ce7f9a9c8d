package skyloft.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a policy class that is not in the registry (a user's own, named by its class's full name,
 * {@code --policy com.acme.Lottery}) says about itself: one line on what it does, the
 * parameters it takes, and optionally a short name. {@code skyloft policies} prints them, and the
 * registry refuses a parameter the class does not declare, naming the ones it does, as it does
 * for the registered policies.
 *
 * <p>A short name ({@code name = "lottery"}) lets {@code --policy lottery} find the class when it
 * is listed in a {@code META-INF/services/skyloft.spi.SchedPolicy} file on the class path (one
 * full class name per line, as for {@link java.util.ServiceLoader}; the constructor rules are
 * the registry's, not ServiceLoader's). The command line's {@code --policy-path} writes that
 * file itself for the policy classes it finds.
 *
 * <p>Optional. Without it, a policy class takes the parameters its constructor reads from its
 * {@code PolicyParams}: one it was given and did not read is refused after the construction.
 *
 * <pre>
 * &#64;PolicyInfo(name = "lottery", description = "lottery scheduling: tickets by nice, one global queue",
 *             params = &#64;PolicyInfo.Param(name = "slice", defaultValue = "100us", description = "time slice"))
 * public final class Lottery extends SchedPolicy { public Lottery(PolicyParams p) { ... } ... }
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PolicyInfo {
    /** One line on what the policy does. */
    String description();

    /** A short name, used like a registered policy's ({@code lottery}): a letter, then letters,
     *  digits, {@code _} or {@code -}, and not a registered policy's name. Empty: none. */
    String name() default "";

    /** Every parameter the policy takes. */
    Param[] params() default {};

    /** One parameter: its name, its default as text, and one line on what it does. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Param {
        String name();

        String defaultValue();

        String description();
    }
}
