package dev.locksmith.ra;

import dev.locksmith.lock.LockStatus;

/**
 * A lock request of a connection ended without a grant for a reason other than its timeout
 * (a timeout is the {@code false} of {@link LocksmithConnection#lock}, not an exception), or was
 * refused as invalid. The status is the lock manager's: {@link LockStatus#DEADLOCK} when the
 * request was chosen as a deadlock victim (a transaction it belonged to is then rolled back),
 * {@link LockStatus#CANCELLED} when its transaction ended while it waited, {@link LockStatus#IVRESNAM}
 * for a bad name, {@link LockStatus#BADPARAM} for a bad timeout, {@link LockStatus#EXQUOTA} when
 * the names need more lock-space nodes than exist. A refused request changes nothing.
 */
public final class LockFailedException extends LocksmithException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param lockStatus the lock manager's status; not null
     * @param message what failed, naming the argument
     * @param cause the lock manager's exception, or null
     */
    public LockFailedException(LockStatus lockStatus, String message, Throwable cause) {
        super(lockStatus, message, cause);
    }

    /**
     * Returns the lock manager's status.
     *
     * @return the status, never null
     */
    public LockStatus lockStatus() {
        return statusConstant(LockStatus.class);
    }
}
