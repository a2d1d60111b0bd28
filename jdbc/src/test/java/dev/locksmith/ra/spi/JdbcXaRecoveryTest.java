package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.jdbc.LocksmithXADataSource;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction manager killed between prepare and commit of a transaction that worked through
 * both faces of the store and H2 (a child JVM halted inside commit): after a restart the store
 * branch is in doubt with its locks, and Narayana's recovery — asking the XAResource of the JDBC
 * face — commits it, together with H2's.
 */
class JdbcXaRecoveryTest {
    static final String ITEM = SqlStock.ITEM;
    static final int ORDER_ID = 42;

    @TempDir
    Path work;

    private LocksmithResourceAdapter adapter;
    private LocksmithManagedConnectionFactory mcf;
    private H2Xa h2;
    private final List<com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper> helpers = new ArrayList<>();
    private final List<XAConnection> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Narayana.transactionManager();
        start();
        SqlStock.create(mcf, 50);
        h2 = new H2Xa(work);
        h2.createTable();
    }

    private void start() throws Exception {
        adapter = TestAdapters.started();
        mcf = TestAdapters.factory(adapter, work.resolve("store"));
        mcf.setLockWaitMillis(0L);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var helper : helpers) {
            Narayana.xaRecovery().removeXAResourceRecoveryHelper(helper);
            if (helper instanceof H2Xa.RecoveryHelper h) {
                h.close();
            }
        }
        for (XAConnection c : opened) {
            c.close();
        }
        adapter.stop();
    }

    private int committedQuantity() throws Exception {
        return SqlStock.committedQuantity(mcf);
    }

    private XAConnection sqlConnection() throws Exception {
        XAConnection xa = new LocksmithXADataSource(mcf).getXAConnection();
        opened.add(xa);
        return xa;
    }

    @Test
    void aTransactionOfBothFacesInDoubtAfterACrashIsCommittedByRecoveryThroughTheJdbcXaResource() throws Exception {
        adapter.stop(); // the child JVM opens the store itself
        HaltingXAResource.runChildUntilHalted(work.resolve("child.log"), JdbcCrashInCommitMain.class,
                Narayana.objectStore().toString(), work.resolve("store").toString(), H2Xa.url(work));
        assertThat(h2.inDoubt()).isEqualTo(1);

        start();
        assertThat(committedQuantity()).as("prepared, not committed").isEqualTo(50);
        assertThat(mcf.resourceManager().store().inDoubt()).hasSize(1);

        XAResource sqlFace = sqlConnection().getXAResource();
        register(new com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper() {
            @Override
            public boolean initialise(String p) {
                return true;
            }

            @Override
            public XAResource[] getXAResources() {
                return new XAResource[] {sqlFace};
            }
        });
        register(h2.recoveryHelper());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((h2.item(ORDER_ID) == null || !mcf.resourceManager().store().inDoubt().isEmpty()) && System.nanoTime() < deadline) {
            Narayana.scan();
        }
        assertThat(h2.item(ORDER_ID)).as("committed by recovery").isEqualTo("crash");
        assertThat(mcf.resourceManager().store().inDoubt()).isEmpty();
        assertThat(committedQuantity()).as("both faces' work committed by recovery").isEqualTo(48);
        try (ResultSet r = sqlConnection().getConnection().createStatement()
                .executeQuery("SELECT quantity FROM stock WHERE item = 'BOLT' FOR UPDATE NOWAIT")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).as("readable for update: the branch's locks are gone").isEqualTo(48);
        }
    }

    private void register(com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper helper) {
        helpers.add(helper);
        Narayana.xaRecovery().addXAResourceRecoveryHelper(helper);
    }
}
