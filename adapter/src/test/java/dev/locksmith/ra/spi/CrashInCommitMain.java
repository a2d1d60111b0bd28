package dev.locksmith.ra.spi;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.XAConnection;

/**
 * The child JVM of the crash test: one Narayana transaction that updates a Locksmith record (and
 * takes a name lock) and inserts an H2 row, with a {@link HaltingXAResource} that halts this JVM
 * inside commit, after every resource voted at prepare and before any committed. Arguments:
 * Narayana object store, Locksmith store directory (holding {@link Stock#FILE}), H2 URL. Exits with
 * {@link HaltingXAResource#HALT_STATUS}, or 1 if it got past commit.
 */
public final class CrashInCommitMain {

    private CrashInCommitMain() {
    }

    public static void main(String[] args) throws Exception {
        Narayana.configure(Path.of(args[0]));
        TransactionManager tm = Narayana.transactionManager();
        LocksmithResourceAdapter adapter = TestAdapters.started();
        LocksmithConnectionFactory locksmith = (LocksmithConnectionFactory) TestAdapters.factory(adapter, Path.of(args[1]))
                .createConnectionFactory(new JtaConnectionManager(tm));
        H2Xa h2 = H2Xa.at(args[2]);

        tm.begin();
        // Narayana prepares and commits its resources in the order they were enlisted: enlisted
        // first, this one halts the JVM before any other resource is committed.
        tm.getTransaction().enlistResource(new HaltingXAResource());
        try (LocksmithConnection c = locksmith.getConnection()) {
            if (!c.lock(Duration.ofSeconds(10), NarayanaRecoveryTest.ORDER_LOCK)) {
                throw new IllegalStateException("could not lock " + NarayanaRecoveryTest.ORDER_LOCK);
            }
            RecordFile stock = c.open(Stock.FILE);
            stock.get(Stock.key(NarayanaRecoveryTest.ITEM));
            stock.update(Stock.record(NarayanaRecoveryTest.ITEM, NarayanaRecoveryTest.CRASH_QUANTITY));
        }
        XAConnection row = h2.xaConnection();
        tm.getTransaction().enlistResource(row.getXAResource());
        H2Xa.insert(row.getConnection(), NarayanaRecoveryTest.ORDER_ID, "crash");
        System.out.println("CrashInCommitMain: committing");
        tm.commit();
        System.out.println("CrashInCommitMain: commit returned; the halt did not happen");
        System.exit(1);
    }
}
