package dev.locksmith.sample.orders;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The stock file through SQL: the RAR's second connection definition is a {@link DataSource} on the
 * same store, and the stock file, which has a record definition ({@link StockItem#RECORD_FIELDS}), is
 * its table {@code STOCK}. The SQL runs in the container's transaction like any JCA work: a restock
 * that would leave an item below zero is refused and rolled back, the SQL {@code UPDATE} with it.
 * Stateless and thread-safe.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class StockReport {

    /** Where the Locksmith RAR binds its DataSource (see the RAR's ironjacamar.xml). */
    public static final String SQL_JNDI_NAME = "java:/eis/locksmith-sql";

    private static final String SERIALIZATION_FAILURE = "40001";
    private static final int ATTEMPTS = 5;

    @Resource(lookup = SQL_JNDI_NAME)
    private DataSource sql;

    /**
     * Sums the stock up per category with one SQL aggregate, outside every container transaction
     * ({@code NOT_SUPPORTED}: the statement commits on its own). It runs {@code SERIALIZABLE}, which
     * the store runs optimistically: it locks no record, so it never waits for an order that holds
     * one; if an order changed a record it read before it committed (SQLState 40001), it reads again.
     *
     * @return a total per category, in category order
     * @throws EJBException if the store cannot be read, or changed under every one of the attempts
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<CategoryTotal> categories() {
        String query = "SELECT category, COUNT(*), SUM(quantity), SUM(quantity * price_cents) FROM stock"
                + " GROUP BY category ORDER BY category";
        for (int attempt = 1; ; attempt++) {
            try (Connection c = sql.getConnection()) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                try (PreparedStatement s = c.prepareStatement(query); ResultSet r = s.executeQuery()) {
                    List<CategoryTotal> totals = new ArrayList<>();
                    while (r.next()) {
                        totals.add(new CategoryTotal(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
                    }
                    return totals;
                }
            } catch (SQLException e) {
                if (!SERIALIZATION_FAILURE.equals(e.getSQLState()) || attempt == ATTEMPTS) {
                    throw new EJBException("SQL " + e.getSQLState() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Adds {@code units} (negative: writes them off) to every item of {@code category} with one SQL
     * {@code UPDATE}, in the caller's transaction or a new one.
     *
     * @param category the category
     * @param units units to add to each of its items
     * @return how many items changed
     * @throws OrderRejected UNKNOWN_ITEM if the category has no items; INSUFFICIENT_STOCK (and the
     *     transaction is rolled back) if an item would be left below zero
     * @throws EJBException if the store cannot be written
     */
    public int restock(String category, long units) throws OrderRejected {
        try (Connection c = sql.getConnection()) {
            int changed;
            try (PreparedStatement update = c.prepareStatement("UPDATE stock SET quantity = quantity + ? WHERE category = ?")) {
                update.setLong(1, units);
                update.setString(2, category);
                changed = update.executeUpdate();
            }
            if (changed == 0) {
                throw new OrderRejected(OrderRejected.Reason.UNKNOWN_ITEM, "category " + category + " has no items");
            }
            try (PreparedStatement lowest = c.prepareStatement("SELECT MIN(quantity) FROM stock WHERE category = ?")) {
                lowest.setString(1, category);
                try (ResultSet r = lowest.executeQuery()) {
                    r.next();
                    if (r.getLong(1) < 0) {
                        throw new OrderRejected(OrderRejected.Reason.INSUFFICIENT_STOCK, "writing off " + -units
                                + " units would leave an item of " + category + " at " + r.getLong(1));
                    }
                }
            }
            return changed;
        } catch (SQLException e) {
            throw new EJBException("SQL " + e.getSQLState() + ": " + e.getMessage(), e);
        }
    }
}
