package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.transaction.RollbackException;
import jakarta.transaction.UserTransaction;

/** A transaction with a short timeout that outlives it while holding a name lock. */
@Stateless
@TransactionManagement(TransactionManagementType.BEAN)
public class TimeoutWork {

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @Resource
    private UserTransaction transaction;

    @EJB
    private Probe probe;

    /**
     * Begins a transaction with a {@code seconds} timeout, locks {@code name}, sets item LATE to 13, waits (at most a
     * minute) until another caller could take it, then tries to commit.
     *
     * @param name an M lock name
     * @param seconds the transaction timeout
     * @return whether the lock was taken, freed while the transaction was still open, and how the commit ended
     * @throws Exception if the transaction manager fails
     */
    public String lockAndOutlive(String name, int seconds) throws Exception {
        transaction.setTransactionTimeout(seconds);
        transaction.begin();
        boolean locked = Locks.tryLock(factory, name).locked();
        Locks.setQuantity(factory, "LATE", 13);
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean freed = false;
        while (!freed && System.nanoTime() < deadline) {
            freed = probe.free(name);
            if (!freed) {
                Thread.sleep(100);
            }
        }
        String outcome;
        try {
            transaction.commit();
            outcome = "committed";
        } catch (RollbackException e) {
            outcome = "rolled back";
        } catch (IllegalStateException e) {
            outcome = "rolled back";
            transaction.rollback();
        }
        return "locked=" + locked + "\nfreedBeforeCommit=" + freed + "\ncommit=" + outcome + "\n";
    }
}
