package dev.locksmith.ra;

import jakarta.resource.ResourceException;

/**
 * A failure of a Locksmith connection, carrying a status in the VMS manner: a short name such as
 * {@code DEADLOCK}, {@code TIMEOUT} or {@code IVRESNAM} that says what happened, next to a message
 * that says which argument or which transaction it concerns. The status is also the exception's
 * {@linkplain #getErrorCode() error code}, so code that only knows {@link ResourceException} can
 * read it. Subclasses say which layer the status comes from. Immutable once thrown.
 */
public abstract class LocksmithException extends ResourceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with {@code status} as its error code.
     *
     * @param status the status name; not null
     * @param message what was wrong, naming the argument or transaction
     * @param cause the underlying failure, or null
     */
    protected LocksmithException(String status, String message, Throwable cause) {
        super(status + ": " + message, status);
        if (cause != null) {
            initCause(cause);
        }
    }

    /**
     * Returns the status of this failure (the same text as {@link #getErrorCode()}).
     *
     * @return the status name, never null
     */
    public String status() {
        return getErrorCode();
    }
}
