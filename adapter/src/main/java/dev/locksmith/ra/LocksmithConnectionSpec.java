package dev.locksmith.ra;

import jakarta.resource.cci.ConnectionSpec;
import java.util.Objects;

/**
 * What an application may ask of one connection in particular, overriding the connection
 * factory's configuration: today its {@link TransactionMode}. Connections with different specs are
 * never pooled together. Immutable, value equality.
 *
 * @param transactionMode the mode the connection's transactions use; not null
 */
public record LocksmithConnectionSpec(TransactionMode transactionMode) implements ConnectionSpec {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if {@code transactionMode} is null
     */
    public LocksmithConnectionSpec {
        Objects.requireNonNull(transactionMode, "transactionMode must not be null");
    }
}
