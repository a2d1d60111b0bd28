package dev.locksmith.ra;

import jakarta.resource.ResourceException;

/**
 * A failure of a Locksmith connection, carrying a status in the VMS manner: a short name such as
 * {@code DEADLOCK}, {@code TIMEOUT} or {@code IVRESNAM} that says what happened, next to a message
 * that says which argument or which transaction it concerns. The status is also the exception's
 * {@linkplain #getErrorCode() error code}, so code that only knows {@link ResourceException} can
 * read it. Subclasses say which layer the status comes from; one whose statuses are a layer's
 * enum (the lock manager's, the store's) keeps the constant here and hands it out typed
 * ({@link #statusConstant(Class)}). Immutable once thrown.
 */
public abstract class LocksmithException extends ResourceException {

    private static final long serialVersionUID = 1L;

    /** The layer's status constant, or null when the status is only a name. */
    private final Enum<?> constant;

    /**
     * Creates an exception with {@code status} as its error code.
     *
     * @param status the status name; not null
     * @param message what was wrong, naming the argument or transaction
     * @param cause the underlying failure, or null
     */
    protected LocksmithException(String status, String message, Throwable cause) {
        this(status, null, message, cause);
    }

    /**
     * Creates an exception whose status is a layer's status constant; its name is the error code.
     *
     * @param status the status constant; not null
     * @param message what was wrong, naming the argument or transaction
     * @param cause the underlying failure, or null
     */
    protected LocksmithException(Enum<?> status, String message, Throwable cause) {
        this(status.name(), status, message, cause);
    }

    private LocksmithException(String status, Enum<?> constant, String message, Throwable cause) {
        super(status + ": " + message, status);
        this.constant = constant;
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

    /**
     * The status constant this exception was created with, as the subclass's status type.
     *
     * @throws ClassCastException if it was created with a constant of another type
     * @throws IllegalStateException if it was created with a status name only
     */
    protected final <S extends Enum<S>> S statusConstant(Class<S> type) {
        if (constant == null) {
            throw new IllegalStateException(getClass().getName() + " was created with the status name "
                    + status() + " only");
        }
        return type.cast(constant);
    }
}
