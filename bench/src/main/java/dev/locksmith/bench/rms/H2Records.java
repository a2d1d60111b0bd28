package dev.locksmith.bench.rms;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One benchmark thread's H2 connection to {@link BenchData}'s table, with the keyed read and the
 * keyed update the RMS benchmarks compare against. Confined to its thread.
 */
final class H2Records implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement select;
    private final PreparedStatement update;

    H2Records() throws SQLException {
        connection = DriverManager.getConnection(BenchData.h2Url());
        select = connection.prepareStatement("SELECT R FROM RECORDS WHERE K = ?");
        update = connection.prepareStatement("UPDATE RECORDS SET R = ? WHERE K = ?");
    }

    /** The record of {@code index}, read by key. */
    byte[] read(int index) throws SQLException {
        select.setBytes(1, BenchData.key(index));
        try (ResultSet result = select.executeQuery()) {
            result.next();
            return result.getBytes(1);
        }
    }

    /** Reads the record of {@code index}, then replaces it with {@code record}, as a read-for-update would. */
    void readAndUpdate(int index, byte[] record) throws SQLException {
        read(index);
        update.setBytes(1, record);
        update.setBytes(2, BenchData.key(index));
        update.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
