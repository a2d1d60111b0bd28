package dev.locksmith.ra;

import dev.locksmith.rms.RmsStatus;

/**
 * A record operation of a connection failed with the store's status: {@link RmsStatus#RNF} (no
 * such record), {@link RmsStatus#EOF}, {@link RmsStatus#DUP}, {@link RmsStatus#RLK} or
 * {@link RmsStatus#TMO} (a record held by another transaction), {@link RmsStatus#FNF} (no such
 * file), {@link RmsStatus#IAL} (a bad argument) and so on; an operation that fails this way
 * changed nothing. {@link RmsStatus#DEADLOCK}, {@link RmsStatus#CONFLICT} and
 * {@link RmsStatus#TXTIMEOUT} also mean the transaction was rolled back: its locks are released
 * and the transaction manager hears the matching {@code XA_RB*} code when it ends it.
 */
public final class RecordException extends LocksmithException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rmsStatus the store's status; not null
     * @param message what failed, naming the file or argument
     * @param cause the store's exception, or null
     */
    public RecordException(RmsStatus rmsStatus, String message, Throwable cause) {
        super(rmsStatus, message, cause);
    }

    /**
     * Returns the store's status.
     *
     * @return the status, never null
     */
    public RmsStatus rmsStatus() {
        return statusConstant(RmsStatus.class);
    }
}
