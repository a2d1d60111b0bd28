package dev.locksmith.sample.it.tx;

import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.ejb.EJBException;
import jakarta.resource.ResourceException;
import java.time.Duration;

/** Name-lock calls of the test beans: one connection per call, as an EJB would use it. Stateless. */
public final class Locks {

    /** Where the Locksmith RAR binds its connection factory. */
    public static final String JNDI_NAME = "java:/eis/locksmith";

    private Locks() {
    }

    /**
     * Locks {@code name} (one attempt) on a new connection.
     *
     * @param factory the adapter's connection factory
     * @param name an M lock name
     * @return {@code $TEST} and the branch the connection worked in
     */
    public static Result tryLock(LocksmithConnectionFactory factory, String name) {
        try (LocksmithConnection c = factory.getConnection()) {
            return new Result(c.lock(Duration.ZERO, name), c.currentXid().orElse("none"));
        } catch (ResourceException e) {
            throw new EJBException("Locksmith: " + e.getMessage(), e);
        }
    }

    /**
     * What one lock call answered and in which XA branch the connection was.
     *
     * @param locked whether the name was taken
     * @param xid the branch, or {@code none}
     */
    public record Result(boolean locked, String xid) {
    }
}
