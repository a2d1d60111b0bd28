package dev.locksmith.sample;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The sample's relational side: a table {@value #TABLE} in the server's default H2 datasource
 * ({@value #DATASOURCE}), created at deployment, in which {@link LocksmithWorkBean} records
 * transactions next to its Locksmith work. The datasource is not XA, so in a transaction that
 * also uses Locksmith the transaction manager commits it as the last resource, after preparing
 * Locksmith — a real two-phase commit for the adapter.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SampleLog {

    /** JNDI name of WildFly's default H2 datasource. */
    public static final String DATASOURCE = "java:jboss/datasources/ExampleDS";
    /** The table the sample writes. */
    public static final String TABLE = "LOCKSMITH_SAMPLE_LOG";

    @Resource(lookup = DATASOURCE)
    private DataSource dataSource;

    /** Creates the table if it does not exist yet (outside any transaction: H2 DDL commits). */
    @PostConstruct
    void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (ID BIGINT AUTO_INCREMENT PRIMARY KEY, XID VARCHAR(400) NOT NULL)");
        } catch (SQLException e) {
            throw new EJBException("cannot create table " + TABLE + " in " + DATASOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Counts the committed rows recorded for {@code xid}.
     *
     * @param xid the branch as {@code formatId:gtrid:bqual}; not null
     * @return how many rows carry it
     */
    public int rowsFor(String xid) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + TABLE + " WHERE XID = ?")) {
            s.setString(1, xid);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new EJBException("cannot count rows of " + TABLE + ": " + e.getMessage(), e);
        }
    }
}
