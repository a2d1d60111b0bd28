package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/** The called side of the propagation tests: the same lock call under REQUIRED and REQUIRES_NEW. */
@Stateless
public class InnerWork {

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    /**
     * Tries {@code name} in the caller's transaction.
     *
     * @param name an M lock name
     * @return whether it was taken, and the branch
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public Locks.Result tryLockInCallersTransaction(String name) {
        return Locks.tryLock(factory, name);
    }

    /**
     * Reads {@code item} in the caller's transaction.
     *
     * @param item an item code
     * @return the quantity the caller's transaction sees
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public int quantityInCallersTransaction(String item) {
        return Locks.quantity(factory, item);
    }

    /**
     * Sets {@code item}'s quantity in a transaction of its own, which commits when this method returns.
     *
     * @param item an item code
     * @param quantity the new quantity
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void setQuantityInNewTransaction(String item, int quantity) {
        Locks.setQuantity(factory, item, quantity);
    }

    /**
     * Tries {@code name} in a transaction of its own, which commits when this method returns.
     *
     * @param name an M lock name
     * @return whether it was taken, and the branch
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Locks.Result tryLockInNewTransaction(String name) {
        return Locks.tryLock(factory, name);
    }
}
