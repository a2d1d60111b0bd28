package dev.locksmith.sample.it.tx;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import dev.locksmith.ra.LocksmithConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A container transaction ({@code REQUIRED}) that writes an item through the JCA connection factory
 * and then reads and changes it with SQL through the RAR's {@code DataSource}, answering what SQL saw.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class SqlWork {

    /** Where the RAR binds its SQL connection definition's DataSource. */
    public static final String SQL_JNDI_NAME = "java:/eis/locksmith-sql";

    @Resource(lookup = Locks.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @Resource(lookup = SQL_JNDI_NAME)
    private DataSource sql;

    /**
     * Sets {@code item} to 5 through JCA, then reads it and adds one with SQL, in one container
     * transaction; throws {@link OrderRejected} (rolling it back) if {@code reject}.
     *
     * @param item an item code of at most 8 characters
     * @param reject whether to end with an application exception that rolls the transaction back
     * @return what the SQL SELECT saw, and the quantity SQL read after its UPDATE
     * @throws OrderRejected if {@code reject}
     */
    public String jcaThenSql(String item, boolean reject) throws OrderRejected {
        Locks.setQuantity(factory, item, 5);
        String seen;
        try (Connection c = sql.getConnection()) {
            int before = quantity(c, item);
            try (PreparedStatement update = c.prepareStatement("UPDATE \"IT-STOCK\" SET quantity = quantity + 1 WHERE item = ?")) {
                update.setString(1, item);
                update.executeUpdate();
            }
            seen = "sqlSaw=" + before + "\nsqlAutoCommit=" + c.getAutoCommit() + "\nsqlAfterUpdate=" + quantity(c, item)
                    + "\njcaAfterSql=" + Locks.quantity(factory, item) + "\n";
        } catch (SQLException e) {
            throw new EJBException("SQL: " + e.getSQLState() + " " + e.getMessage(), e);
        }
        if (reject) {
            throw new OrderRejected(seen);
        }
        return seen;
    }

    private static int quantity(Connection c, String item) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT quantity FROM \"IT-STOCK\" WHERE item = ?")) {
            select.setString(1, item);
            try (ResultSet r = select.executeQuery()) {
                return r.next() ? r.getInt(1) : -1;
            }
        }
    }
}
