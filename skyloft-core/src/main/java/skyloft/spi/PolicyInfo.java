package skyloft.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a policy class that is not in the registry (a user's own, named by its class's full name,
 * {@code --policy com.acme.Lottery}) says about itself: one line on what it does, and the
 * parameters it takes. {@code skyloft policies} prints both, and the registry refuses a parameter
 * the class does not declare, naming the ones it does, as it does for the registered policies.
 *
 * <p>Optional. Without it, a policy class takes the parameters its constructor reads from its
 * {@code PolicyParams}: one it was given and did not read is refused after the construction.
 *
 * <pre>
 * &#64;PolicyInfo(description = "lottery scheduling: tickets by nice, one global queue",
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
