package dev.locksmith.jdbc;

import dev.locksmith.ra.spi.LocksmithManagedConnectionFactory;
import jakarta.resource.spi.ConnectionManager;

/**
 * The resource adapter's second connection definition: the same managed connections, config
 * properties ({@code TransactionMode}, {@code StoreLocation}, {@code LockWaitMillis}) and store as
 * {@link LocksmithManagedConnectionFactory}, with a {@link javax.sql.DataSource} as the connection
 * factory. An application server binds that data source as it binds the JCA connection factory (the
 * RAR's ironjacamar.xml binds it at {@code java:/eis/locksmith-sql}) and enlists its connections, so
 * an EJB's SQL and JCA work on one store in one container transaction is one store transaction under
 * the same record locks: a factory of one adapter with the same {@code StoreLocation} as a JCA
 * factory shares that factory's store and resource manager. Thread-safe once configured, as its
 * superclass.
 */
public final class SqlManagedConnectionFactory extends LocksmithManagedConnectionFactory {

    private static final long serialVersionUID = 1L;

    /** Creates a factory with the default configuration; the deployer sets the config properties. */
    public SqlManagedConnectionFactory() {
    }

    /** A {@link ManagedDataSource} allocating its connections through {@code cxManager}. */
    @Override
    protected Object connectionFactory(ConnectionManager cxManager) {
        return new ManagedDataSource(this, cxManager);
    }
}
