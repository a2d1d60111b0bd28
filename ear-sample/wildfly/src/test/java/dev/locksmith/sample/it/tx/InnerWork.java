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
