package dev.locksmith.sample;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Does work through the Locksmith adapter inside a container-managed transaction: each method
 * runs in a transaction of its own ({@code REQUIRES_NEW}), gets a connection from the factory
 * bound at {@value #JNDI_NAME}, uses it, and closes it. Getting the connection inside the
 * transaction is what makes the server enlist the connection's {@code XAResource}.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class LocksmithWorkBean {

    /** Where the Locksmith RAR binds its connection factory (see the RAR's ironjacamar.xml). */
    public static final String JNDI_NAME = "java:/eis/locksmith";

    @Resource(lookup = JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @Resource(lookup = SampleLog.DATASOURCE)
    private DataSource dataSource;

    @Resource
    private SessionContext context;

    /**
     * Pings the store inside a new transaction that commits.
     *
     * @return the XA branch the connection was enlisted in
     * @throws EJBException if the connection is not enlisted in an XA branch, or the adapter fails
     */
    public String pingAndCommit() {
        return ping();
    }

    /**
     * Pings the store inside a new transaction and then marks it rollback-only, so the container
     * rolls it back.
     *
     * @return the XA branch the connection was enlisted in
     * @throws EJBException if the connection is not enlisted in an XA branch, or the adapter fails
     */
    public String pingAndRollback() {
        String xid = ping();
        context.setRollbackOnly();
        return xid;
    }

    /**
     * Pings the store and inserts a row into {@link SampleLog#TABLE} through the server's default
     * (non-XA) H2 datasource, both in one new transaction that commits. The transaction manager
     * prepares the Locksmith branch, commits H2 as the last resource, then commits Locksmith.
     *
     * @return the XA branch the Locksmith connection was enlisted in
     * @throws EJBException if the connection is not enlisted in an XA branch, or either resource fails
     */
    public String pingAndLogAndCommit() {
        String xid = ping();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + SampleLog.TABLE + " (XID) VALUES (?)")) {
            insert.setString(1, xid);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new EJBException("cannot write to " + SampleLog.TABLE + ": " + e.getMessage(), e);
        }
        return xid;
    }

    private String ping() {
        try (LocksmithConnection connection = factory.getConnection()) {
            connection.ping();
            return connection.currentXid().orElseThrow(() -> new EJBException(
                    "the Locksmith connection was not enlisted in the container's XA transaction"));
        } catch (ResourceException e) {
            throw new EJBException("Locksmith connection failed: " + e.getMessage(), e);
        }
    }
}
