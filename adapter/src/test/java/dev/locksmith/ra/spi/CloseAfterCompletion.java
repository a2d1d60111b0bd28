package dev.locksmith.ra.spi;

import javax.sql.XAConnection;

/** Closes an XA connection once its transaction has completed (H2 still needs it to commit). */
record CloseAfterCompletion(XAConnection connection) implements jakarta.transaction.Synchronization {
    @Override
    public void beforeCompletion() {
        // H2 still needs the connection to commit.
    }

    @Override
    public void afterCompletion(int status) {
        try {
            connection.close();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
