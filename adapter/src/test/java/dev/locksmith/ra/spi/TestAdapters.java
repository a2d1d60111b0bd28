package dev.locksmith.ra.spi;

import jakarta.resource.ResourceException;
import java.nio.file.Path;

/** Started adapters and factories for tests, wired as a server wires them. */
final class TestAdapters {

    private TestAdapters() {
    }

    /** A resource adapter with default configuration, started (an embedded lock manager). */
    static LocksmithResourceAdapter started() throws ResourceException {
        LocksmithResourceAdapter ra = new LocksmithResourceAdapter();
        ra.start(null);
        return ra;
    }

    /** A managed connection factory on {@code store}, associated with {@code ra}. */
    static LocksmithManagedConnectionFactory factory(LocksmithResourceAdapter ra, Path store) throws ResourceException {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        mcf.setStoreLocation(store.toString());
        mcf.setResourceAdapter(ra);
        return mcf;
    }
}
