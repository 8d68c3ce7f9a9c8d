package skyloft.spi;

/**
 * A policy or the host refused a task or a change of its attributes. The message names the
 * value that was refused and what would have been allowed.
 */
public class AdmissionException extends IllegalArgumentException {
    public AdmissionException(String message) {
        super(message);
    }
}
