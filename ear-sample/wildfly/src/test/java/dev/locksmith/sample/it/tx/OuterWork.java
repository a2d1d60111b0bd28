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
     * Locks {@code name} and writes item JOIN, then has REQUIRED methods lock the name again and read
     * the item on other connections.
     *
     * @param name an M lock name
     * @return outer and inner results and branches
     */
    public String lockThenJoin(String name) {
        Locks.Result outer = Locks.tryLock(factory, name);
        Locks.Result joined = inner.tryLockInCallersTransaction(name);
        Locks.setQuantity(factory, "JOIN", 5);
        return "innerSawQuantity=" + inner.quantityInCallersTransaction("JOIN")
                + "\nouterLocked=" + outer.locked() + "\nouterXid=" + outer.xid()
                + "\ninnerLocked=" + joined.locked() + "\ninnerXid=" + joined.xid()
                + "\nfreeInside=" + probe.free(name) + "\n";
    }

    /**
     * Locks {@code name}, then has a REQUIRES_NEW method try it and lock {@code other}; then looks
     * whether {@code other} was released by the inner transaction's commit; writes item OUTER, has a
     * REQUIRES_NEW method write item NEW and reads NEW's committed quantity before committing.
     *
     * @param name an M lock name the outer transaction holds
     * @param other an M lock name only the inner transaction takes
     * @return what each side saw
     */
    public String lockThenNew(String name, String other) {
        Locks.Result outer = Locks.tryLock(factory, name);
        Locks.Result blocked = inner.tryLockInNewTransaction(name);
        Locks.Result own = inner.tryLockInNewTransaction(other);
        Locks.setQuantity(factory, "OUTER", 1);
        inner.setQuantityInNewTransaction("NEW", 2);
        return "newCommittedBeforeOuter=" + probe.quantity("NEW")
                + "\nouterLocked=" + outer.locked() + "\nouterXid=" + outer.xid()
                + "\nnewLockedOuters=" + blocked.locked() + "\nnewXid=" + blocked.xid()
                + "\nnewLockedOther=" + own.locked()
                + "\notherFreeAfterNewCommitted=" + probe.free(other) + "\n";
    }

    /**
     * Locks {@code name}, sets item REJECT to 999 and rejects the order: the application exception
     * rolls the transaction back.
     *
     * @param name an M lock name
     * @throws OrderRejected always, after locking
     */
    public void lockThenReject(String name) throws OrderRejected {
        if (!Locks.tryLock(factory, name).locked()) {
            throw new IllegalStateException(name + " was not free");
        }
        Locks.setQuantity(factory, "REJECT", 999);
        throw new OrderRejected("rejected after locking " + name);
    }
}
