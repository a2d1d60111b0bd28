package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/**
 * Container-managed transactions ({@code REQUIRED}) that take name locks and call
 * {@link InnerWork}, answering what each side saw as {@code key=value} lines.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class OuterWork {

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @EJB
    private InnerWork inner;

    @EJB
    private Probe probe;

    /**
     * Locks {@code name}, then has a REQUIRED method lock it again on another connection.
     *
     * @param name an M lock name
     * @return outer and inner results and branches
     */
    public String lockThenJoin(String name) {
        Locks.Result outer = Locks.tryLock(factory, name);
        Locks.Result joined = inner.tryLockInCallersTransaction(name);
        return "outerLocked=" + outer.locked() + "\nouterXid=" + outer.xid()
                + "\ninnerLocked=" + joined.locked() + "\ninnerXid=" + joined.xid()
                + "\nfreeInside=" + probe.free(name) + "\n";
    }

    /**
     * Locks {@code name}, then has a REQUIRES_NEW method try it and lock {@code other}; then looks
     * whether {@code other} was released by the inner transaction's commit.
     *
     * @param name an M lock name the outer transaction holds
     * @param other an M lock name only the inner transaction takes
     * @return what each side saw
     */
    public String lockThenNew(String name, String other) {
        Locks.Result outer = Locks.tryLock(factory, name);
        Locks.Result blocked = inner.tryLockInNewTransaction(name);
        Locks.Result own = inner.tryLockInNewTransaction(other);
        return "outerLocked=" + outer.locked() + "\nouterXid=" + outer.xid()
                + "\nnewLockedOuters=" + blocked.locked() + "\nnewXid=" + blocked.xid()
                + "\nnewLockedOther=" + own.locked()
                + "\notherFreeAfterNewCommitted=" + probe.free(other) + "\n";
    }

    /**
     * Locks {@code name} and rejects the order: the application exception rolls the transaction back.
     *
     * @param name an M lock name
     * @throws OrderRejected always, after locking
     */
    public void lockThenReject(String name) throws OrderRejected {
        if (!Locks.tryLock(factory, name).locked()) {
            throw new IllegalStateException(name + " was not free");
        }
        throw new OrderRejected("rejected after locking " + name);
    }
}
