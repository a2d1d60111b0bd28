package dev.locksmith.ra;

/**
 * Work was asked of a transaction that Locksmith has already rolled back on its own: status
 * {@code TIMEOUT} when the transaction outlived its timeout, {@code DEADLOCK} when one of its lock
 * requests was chosen as a deadlock victim, {@code ROLLEDBACK} when it ended otherwise (rolled back
 * or marked rollback-only by the transaction manager). Its locks have been released; the
 * transaction can only end now, and the transaction manager hears the matching {@code XA_RB*}
 * code. Immutable.
 */
public final class TransactionRolledBackException extends LocksmithException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param status {@code TIMEOUT}, {@code DEADLOCK} or {@code ROLLEDBACK}
     * @param message which transaction, and what was asked of it
     */
    public TransactionRolledBackException(String status, String message) {
        super(status, message, null);
    }
}
