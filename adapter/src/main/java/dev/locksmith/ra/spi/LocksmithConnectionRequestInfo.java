package dev.locksmith.ra.spi;

import dev.locksmith.ra.TransactionMode;
import jakarta.resource.spi.ConnectionRequestInfo;
import java.util.Objects;

/**
 * What an application asks for when it gets a connection: today, the transaction mode. The
 * application server's pool only hands out a physical connection whose request info is equal to
 * the one asked for, so connections of different modes are never mixed. Immutable, value equality.
 */
public final class LocksmithConnectionRequestInfo implements ConnectionRequestInfo {

    private final TransactionMode transactionMode;

    /**
     * Creates request info for connections using {@code transactionMode}.
     *
     * @param transactionMode the mode; not null
     * @throws NullPointerException if {@code transactionMode} is null
     */
    public LocksmithConnectionRequestInfo(TransactionMode transactionMode) {
        this.transactionMode = Objects.requireNonNull(transactionMode, "transactionMode must not be null");
    }

    /**
     * Returns the transaction mode asked for.
     *
     * @return the mode, never null
     */
    public TransactionMode transactionMode() {
        return transactionMode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocksmithConnectionRequestInfo other && other.transactionMode == transactionMode;
    }

    @Override
    public int hashCode() {
        return transactionMode.hashCode();
    }

    @Override
    public String toString() {
        return "LocksmithConnectionRequestInfo[transactionMode=" + transactionMode + "]";
    }
}
