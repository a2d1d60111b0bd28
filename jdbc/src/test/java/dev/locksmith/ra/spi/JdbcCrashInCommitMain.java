package dev.locksmith.ra.spi;

import dev.locksmith.jdbc.LocksmithXADataSource;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import javax.sql.XAConnection;

/**
 * The child JVM of {@link JdbcXaRecoveryTest}: one Narayana transaction that takes one from stock
 * through JCA, one through SQL on the XADataSource, and inserts an H2 row, with a
 * {@link HaltingXAResource} that halts this JVM inside commit after every resource prepared.
 * Arguments: Narayana object store, Locksmith store directory, H2 URL. Exits with
 * {@link HaltingXAResource#HALT_STATUS}, or 1 if it got past commit.
 */
public final class JdbcCrashInCommitMain {

    private JdbcCrashInCommitMain() {
    }

    public static void main(String[] args) throws Exception {
        Narayana.configure(Path.of(args[0]));
        TransactionManager tm = Narayana.transactionManager();
        LocksmithResourceAdapter adapter = TestAdapters.started();
        LocksmithManagedConnectionFactory mcf = TestAdapters.factory(adapter, Path.of(args[1]));
        LocksmithConnectionFactory locksmith = (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
        LocksmithXADataSource sql = new LocksmithXADataSource(mcf);
        H2Xa h2 = H2Xa.at(args[2]);

        tm.begin();
        // Enlisted first, it is committed first: it halts the JVM before any other resource commits.
        tm.getTransaction().enlistResource(new HaltingXAResource());
        try (LocksmithConnection c = locksmith.getConnection()) {
            RecordFile stock = c.open(Stock.FILE);
            stock.update(Stock.record(JdbcXaRecoveryTest.ITEM, Stock.quantity(stock.get(Stock.key(JdbcXaRecoveryTest.ITEM))) - 1));
        }
        XAConnection jdbc = sql.getXAConnection();
        tm.getTransaction().enlistResource(jdbc.getXAResource());
        jdbc.getConnection().createStatement().executeUpdate("UPDATE stock SET quantity = quantity - 1 WHERE item = 'BOLT'");
        XAConnection row = h2.xaConnection();
        tm.getTransaction().enlistResource(row.getXAResource());
        H2Xa.insert(row.getConnection(), JdbcXaRecoveryTest.ORDER_ID, "crash");
        System.out.println("JdbcCrashInCommitMain: committing");
        tm.commit();
        System.out.println("JdbcCrashInCommitMain: commit returned; the halt did not happen");
        System.exit(1);
    }
}
