package dev.locksmith.sample.it.crash;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A test resource that votes to commit and halts the JVM inside its own commit. Enlisted first, it
 * is the first resource Narayana commits, so the server dies after every resource of the
 * transaction is prepared and the decision to commit is logged, but before any other resource is
 * committed. It is not serializable: after the restart Narayana cannot find it again and keeps its
 * entry (logging a warning), while recovery commits the other resources.
 *
 * <p>The adapter's standalone crash test has its own {@code HaltingXAResource}, serializable on
 * purpose: there Narayana reads the log back in a JVM that has the class and completes the entry,
 * while here the log is read by Narayana's server module, which cannot load a deployment's classes.
 * This harness depends only on the adapter's main classes, so the two stay separate.
 */
public final class HaltInCommit implements XAResource {

    /** The exit status of a server halted by this resource. */
    public static final int HALT_STATUS = 77;

    @Override
    public void commit(Xid xid, boolean onePhase) {
        System.out.println("HaltInCommit: halting the server inside commit");
        System.out.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void start(Xid xid, int flags) {
        // Nothing to associate.
    }

    @Override
    public void end(Xid xid, int flags) {
        // Nothing to associate.
    }

    @Override
    public void rollback(Xid xid) {
        // Nothing to undo.
    }

    @Override
    public void forget(Xid xid) {
        // Never heuristic.
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
