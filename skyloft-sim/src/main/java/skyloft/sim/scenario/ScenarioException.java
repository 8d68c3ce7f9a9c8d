package skyloft.sim.scenario;

/** A scenario file is wrong; the message names the file, the field, the value and what is allowed. */
public final class ScenarioException extends IllegalArgumentException {
    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
