package dev.locksmith.ra.spi;

import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.RecordFile;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * The README's standalone example, word for word: the adapter under Narayana with no application
 * server, one transaction over a Locksmith record and an H2 row. {@code StandaloneExampleTest} runs it.
 */
final class StandaloneExample {

    private StandaloneExample() {
    }

    /** What {@link #setUp} made, for the test to take down again. */
    record Standalone(LocksmithResourceAdapter adapter, LocksmithRecoveryHelper recovery,
                      LocksmithConnectionFactory locksmith) {
    }

    static Standalone setUp(Path store, TransactionManager tm, XARecoveryModule xaRecoveryModule) throws Exception {
        // README: standalone-setup
        LocksmithResourceAdapter adapter = new LocksmithResourceAdapter();
        adapter.start(null);                                                 // the lock manager
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        mcf.setStoreLocation(store.toString());
        mcf.setResourceAdapter(adapter);
        LocksmithConnectionFactory locksmith =
                (LocksmithConnectionFactory) mcf.createConnectionFactory(new JtaConnectionManager(tm));
        LocksmithRecoveryHelper recovery = new LocksmithRecoveryHelper(mcf);
        xaRecoveryModule.addXAResourceRecoveryHelper(recovery);             // Narayana asks it for in-doubt branches
        // README: end
        return new Standalone(adapter, recovery, locksmith);
    }

    static void sell(TransactionManager tm, LocksmithConnectionFactory locksmith, XADataSource h2) throws Exception {
        // README: standalone-transaction
        tm.begin();
        try (LocksmithConnection c = locksmith.getConnection()) {           // enlisted in tm's transaction
            if (!c.lock(Duration.ofSeconds(10), "^ORDER(42)")) {
                throw new IllegalStateException("order 42 is being changed"); // $TEST = 0
            }
            RecordFile stock = c.open("stock.rms");
            int left = Stock.quantity(stock.get(Stock.key("BOLT")));
            stock.update(Stock.record("BOLT", left - 1));                    // written when tm commits
        }
        XAConnection row = h2.getXAConnection();                             // the second resource manager
        tm.getTransaction().enlistResource(row.getXAResource());
        Connection sql = row.getConnection();                                // H2 ends its branch if this closes before commit
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO ORDERS (ID, ITEM) VALUES (42, 'BOLT')")) {
            insert.executeUpdate();
        }
        tm.commit();                                                         // two phases: Locksmith prepares durably
        row.close();
        // README: end
    }
}
