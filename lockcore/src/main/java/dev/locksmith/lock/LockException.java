package dev.locksmith.lock;

/**
 * A request that failed, with its {@link LockStatus} and a message that says which argument was
 * wrong and how. Outcomes that are part of normal operation (NOTQUEUED, TIMEOUT, DEADLOCK,
 * CANCELLED) carry no stack trace: they are cheap to throw and carry nothing a trace would add.
 */
public final class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final LockStatus status;
    /** Not serialized: a report is for the process that was the victim (its text is in the message). */
    private final transient DeadlockReport deadlock;

    /** An exception for {@code status}; the message should name the argument at fault. */
    public LockException(LockStatus status, String message) {
        this(status, message, null);
    }

    /**
     * A {@link LockStatus#DEADLOCK} victim's exception: {@code report}'s text follows {@code message}.
     */
    public LockException(LockStatus status, String message, DeadlockReport report) {
        super(status + ": " + message + (report == null ? "" : ": " + report.describe()), null, true, !isOutcome(status));
        this.status = status;
        this.deadlock = report;
    }

    /** For a deadlock victim, the cycle its request was failed to break; empty otherwise (and after deserialization). */
    public java.util.Optional<DeadlockReport> deadlock() {
        return java.util.Optional.ofNullable(deadlock);
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
