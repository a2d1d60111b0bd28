package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's standalone example works as the README says. */
class StandaloneExampleTest {

    @TempDir
    Path work;

    @Test
    void theReadmesStandaloneExampleSellsABoltInOneTwoPhaseTransaction() throws Exception {
        TransactionManager tm = Narayana.transactionManager();
        StandaloneExample.Standalone standalone = StandaloneExample.setUp(work.resolve("store"), tm, Narayana.xaRecovery());
        try {
            sellsABolt(tm, standalone.locksmith());
        } finally {
            Narayana.xaRecovery().removeXAResourceRecoveryHelper(standalone.recovery());
            standalone.adapter().stop();
        }
    }

    private void sellsABolt(TransactionManager tm, LocksmithConnectionFactory locksmith) throws Exception {
        try (LocksmithConnection c = locksmith.getConnection()) {
            c.createFile(Stock.FILE, Stock.DEFINITION);
            c.open(Stock.FILE).put(Stock.record("BOLT", 10));
        }
        H2Xa h2 = new H2Xa(work);
        h2.createTable();
        JdbcDataSource h2Source = new JdbcDataSource();
        h2Source.setURL(H2Xa.url(work));

        StandaloneExample.sell(tm, locksmith, h2Source);

        try (LocksmithConnection c = locksmith.getConnection()) {
            assertThat(Stock.quantity(c.open(Stock.FILE).get(Stock.key("BOLT")))).isEqualTo(9);
            assertThat(c.lock(java.time.Duration.ZERO, "^ORDER(42)")).as("released at commit").isTrue();
        }
        assertThat(h2.item(42)).isEqualTo("BOLT");
    }
}
