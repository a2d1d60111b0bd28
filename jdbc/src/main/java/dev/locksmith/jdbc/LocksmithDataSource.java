package dev.locksmith.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A {@link DataSource} of connections to one store directory, as {@link LocksmithDriver} makes them
 * (the store opened by the first connection in this JVM, with its own lock manager). User and
 * password are ignored: the store has no accounts. Thread-safe once configured.
 */
public final class LocksmithDataSource extends DataSourceSettings implements DataSource {

    @Override
    public Connection getConnection() throws SQLException {
        String directory = requireStoreDirectory();
        StoreAccess access;
        try {
            access = OpenStores.acquire(Path.of(directory), Duration.ofSeconds(1));
        } catch (dev.locksmith.rms.RmsException e) {
            throw new SQLException("cannot open store " + directory + ": " + e.getMessage(), "08001", e);
        }
        return SqlConnection.open(access, lockWait(), LocksmithDriver.PREFIX + directory);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }
}
