package dev.locksmith.lock;

/**
 * A request that failed, with its {@link LockStatus} and a message that says which argument was
 * wrong and how. Outcomes that are part of normal operation (NOTQUEUED, TIMEOUT, DEADLOCK,
 * CANCELLED) carry no stack trace: they are cheap to throw and carry nothing a trace would add.
 */
public final class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final LockStatus status;

    /** An exception for {@code status}; the message should name the argument at fault. */
    public LockException(LockStatus status, String message) {
        super(status + ": " + message, null, true, !isOutcome(status));
        this.status = status;
    }

    /** The condition value. */
    public LockStatus status() {
        return status;
    }

    private static boolean isOutcome(LockStatus status) {
        return switch (status) {
            case NOTQUEUED, TIMEOUT, DEADLOCK, CANCELLED -> true;
            default -> false;
        };
    }
}
