package dev.locksmith.lock;

/**
 * Request flags, as in {@code $ENQ}'s {@code LCK$M_} flags. Combinations that make no sense
 * are refused with {@link LockStatus#BADPARAM}: EXPEDITE with a mode other than NL, with
 * NOQUEUE or on a conversion; QUECVT on a new request; SYSTEM together with LOCAL, or either on
 * a conversion or a sublock (sublocks inherit their parent's namespace).
 */
public enum LockFlag {
    /** Fail at once with {@link LockStatus#NOTQUEUED} instead of waiting. */
    NOQUEUE,
    /** Read (on grant) or write (on a down-conversion or dequeue from PW/EX) a 16-byte value block. */
    VALBLK,
    /** As {@link #VALBLK} with a 64-byte value block. */
    XVALBLK,
    /** Conversion only: queue behind conversions already waiting even if grantable now. */
    QUECVT,
    /** New NL requests only: grant at once, skipping the queues. */
    EXPEDITE,
    /** New root locks only: the resource is in the system-wide namespace, not the owner's group. */
    SYSTEM,
    /** New root locks only: the resource is node-local and never leaves this node. */
    LOCAL,
    /** Deadlock search ignores this lock as a waiter. */
    NODLCKWT,
    /** Deadlock search ignores this lock as a blocker. */
    NODLCKBLK,
    /**
     * Grant as soon as the mode is compatible with every granted mode, disregarding the order of
     * the queues (Linux DLM {@code NOORDER}): such a request passes the requests waiting before
     * it, but never starves one for good. Each waiting request counts the NOORDER grants that
     * passed it in a mode that newly blocks it (one its holder's present mode did not); after
     * {@value dev.locksmith.lock.LockFlag#NOORDER_PASS_LIMIT} of them it holds back every later
     * NOORDER request that would newly block it, until it is granted or ends. Passing means a
     * new request granted while others wait, a conversion granted in place, or a queued request
     * granted out of its turn; a queued conversion granted in its turn (conversions first) does
     * not pass. Not with QUECVT or EXPEDITE. Used by name locks (GT.M LOCK semantics).
     */
    NOORDER;

    /** How many NOORDER grants may pass one waiting request in a mode it conflicts with; see {@link #NOORDER}. */
    public static final int NOORDER_PASS_LIMIT = 16;
}
