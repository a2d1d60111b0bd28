package dev.locksmith.jdbc;

import dev.locksmith.jdbc.sql.ReadCounters;
import dev.locksmith.rms.TransactionMode;
import java.nio.file.Path;

/**
 * What a Locksmith JDBC connection tells beyond JDBC; reach it with
 * {@code connection.unwrap(StoreConnection.class)}. Same threading as the connection.
 */
public interface StoreConnection {

    /** The store directory the connection's tables are files of. */
    Path storeDirectory();

    /** The mode the connection's next store transaction runs in (see the package comment). */
    TransactionMode transactionMode();

    /** How the connection's statements have read the store so far. */
    ReadCounters readCounters();
}
