package dev.locksmith.rms;

/**
 * The one exception type of the record store: an {@link RmsStatus} and a message naming the
 * argument and what was wrong with it.
 *
 * <p>An operation that throws this has had no effect on the file (see {@link RecordStream}).
 * Immutable.
 */
public final class RmsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RmsStatus status;

    public RmsException(RmsStatus status, String message) {
        super(status.name() + ": " + message);
        this.status = status;
    }

    public RmsException(RmsStatus status, String message, Throwable cause) {
        super(status.name() + ": " + message, cause);
        this.status = status;
    }

    /** The RMS status of this failure. */
    public RmsStatus status() {
        return status;
    }
}
