package skyloft.spi;

/**
 * A policy or the host refused a task or a change of its attributes. The message names the
 * value that was refused and what would have been allowed; a refusal that building the policy
 * differently avoids ends with how ({@link #bypass()}), which a caller that builds the policy
 * its own way (a command line) may say in its own words instead.
 */
public class AdmissionException extends IllegalArgumentException {
    private final String refusal;
    private final String bypass;

    public AdmissionException(String message) {
        super(message);
        this.refusal = message;
        this.bypass = null;
    }

    /** A refusal, and how to build the policy so that it admits such tasks, e.g.
     *  {@code "create the policy with admission=off"}; the message is both. */
    public AdmissionException(String refusal, String bypass) {
        super(refusal + " (or " + bypass + ")");
        this.refusal = refusal;
        this.bypass = bypass;
    }

    /** The message without the bypass. */
    public String refusal() {
        return refusal;
    }

    /** How to build the policy so that it admits such tasks, or null. */
    public String bypass() {
        return bypass;
    }
}
