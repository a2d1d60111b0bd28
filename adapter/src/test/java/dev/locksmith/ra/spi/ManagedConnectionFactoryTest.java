package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.TransactionMode;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.TransactionSupport.TransactionSupportLevel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedConnectionFactoryTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;

    @BeforeEach
    void startAdapter() throws Exception {
        ra = TestAdapters.started();
    }

    @AfterEach
    void stopAdapter() {
        ra.stop();
    }

    private LocksmithManagedConnectionFactory factoryAt(Path dir) throws ResourceException {
        return TestAdapters.factory(ra, dir);
    }

    @Test
    void defaultsArePessimisticWithTheDefaultStore() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        assertThat(mcf.getTransactionMode()).isEqualTo("PESSIMISTIC");
        assertThat(mcf.getStoreLocation()).isEmpty();
        assertThat(mcf.resolvedStoreLocation()).isAbsolute();
        assertThat(mcf.getTransactionSupport()).isEqualTo(TransactionSupportLevel.XATransaction);
    }

    @Test
    void transactionModeIsParsedCaseInsensitively() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        mcf.setTransactionMode(" optimistic ");
        assertThat(mcf.getTransactionMode()).isEqualTo("OPTIMISTIC");
        assertThat(mcf.transactionModeValue()).isEqualTo(TransactionMode.OPTIMISTIC);
    }

    @Test
    void badTransactionModeIsRejectedNamingTheProperty() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        assertThatThrownBy(() -> mcf.setTransactionMode("SERIALIZABLE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TransactionMode")
                .hasMessageContaining("'SERIALIZABLE'")
                .hasMessageContaining("OPTIMISTIC, PESSIMISTIC");
        assertThatThrownBy(() -> mcf.setTransactionMode(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TransactionMode must be one of OPTIMISTIC, PESSIMISTIC but was null");
        assertThatThrownBy(() -> mcf.setTransactionMode("  "))
                .hasMessage("TransactionMode must be one of OPTIMISTIC, PESSIMISTIC but was blank");
        assertThat(mcf.getTransactionMode()).as("bad input leaves the old value").isEqualTo("PESSIMISTIC");
    }

    @Test
    void storeLocationExpandsSystemProperties() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        mcf.setStoreLocation("${java.io.tmpdir}/locksmith-test");
        assertThat(mcf.getStoreLocation()).isEqualTo("${java.io.tmpdir}/locksmith-test");
        assertThat(mcf.resolvedStoreLocation())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "locksmith-test").toAbsolutePath().normalize());
    }

    @Test
    void storeLocationWithAnUnsetSystemPropertyIsRejectedNamingTheProperty() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        assertThatThrownBy(() -> mcf.setStoreLocation("${locksmith.no.such.property}/data"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StoreLocation")
                .hasMessageContaining("'locksmith.no.such.property'")
                .hasMessageContaining("not set");
        assertThat(mcf.getStoreLocation()).isEmpty();
    }

    @Test
    void storeLocationWithAnInvalidPathIsRejectedNamingTheProperty() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        assertThatThrownBy(() -> mcf.setStoreLocation("bad\0path"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StoreLocation")
                .hasMessageContaining("not a valid path");
    }

    @Test
    void storeLocationThatIsAFileFailsWhenConnectingNamingTheProperty() throws Exception {
        Path file = Files.writeString(store.resolve("a-file"), "not a directory");
        LocksmithManagedConnectionFactory mcf = factoryAt(file);

        InvalidPropertyException e = org.assertj.core.api.Assertions
                .catchThrowableOfType(InvalidPropertyException.class, mcf::createConnectionFactory);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("StoreLocation").contains(file.toString()).contains("not a directory");
        assertThat(e.getInvalidPropertyDescriptors()).extracting(d -> d.getName()).containsExactly("storeLocation");
        assertThatThrownBy(() -> mcf.createManagedConnection(null, null))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("StoreLocation");
    }

    @Test
    void missingStoreDirectoryIsCreated() throws Exception {
        Path dir = store.resolve("nested/store");
        factoryAt(dir).createConnectionFactory();
        assertThat(dir).isDirectory();
    }

    @Test
    void equalityFollowsTheConfigProperties() throws Exception {
        LocksmithManagedConnectionFactory a = factoryAt(store);
        LocksmithManagedConnectionFactory b = factoryAt(store);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        b.setTransactionMode("OPTIMISTIC");
        assertThat(a).isNotEqualTo(b);
        b.setTransactionMode("PESSIMISTIC");
        b.setStoreLocation(store.resolve("x").toString());
        assertThat(a).isNotEqualTo(b);
        b.setStoreLocation(store.toString());
        b.setLockWaitMillis(1L);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void lockWaitDefaultsToTenSecondsAndRefusesNegativeValuesNamingTheProperty() {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        assertThat(mcf.getLockWaitMillis()).isEqualTo(10_000L);
        assertThatThrownBy(() -> mcf.setLockWaitMillis(-1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LockWaitMillis").hasMessageContaining("-1");
        assertThatThrownBy(() -> mcf.setLockWaitMillis(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LockWaitMillis");
        assertThat(mcf.getLockWaitMillis()).as("refused values change nothing").isEqualTo(10_000L);
    }

    @Test
    void aFactoryWithoutAStartedAdapterRefusesConnectionsSayingWhy() throws Exception {
        LocksmithManagedConnectionFactory alone = new LocksmithManagedConnectionFactory();
        alone.setStoreLocation(store.toString());
        assertThatThrownBy(() -> alone.createManagedConnection(null, null))
                .isInstanceOf(ResourceException.class).hasMessageContaining("setResourceAdapter");

        LocksmithManagedConnectionFactory early = new LocksmithManagedConnectionFactory();
        early.setStoreLocation(store.toString());
        early.setResourceAdapter(new LocksmithResourceAdapter());
        assertThat(early.createConnectionFactory()).as("a server may create factories before start").isNotNull();
        assertThatThrownBy(() -> early.createManagedConnection(null, null))
                .isInstanceOf(ResourceException.class).hasMessageContaining("not been started");
    }

    @Test
    void validationReportsDestroyedConnectionsAndThoseOfAStoppedAdapter() throws Exception {
        LocksmithManagedConnectionFactory mcf = factoryAt(store);
        ManagedConnection live = mcf.createManagedConnection(null, null);
        ManagedConnection destroyed = mcf.createManagedConnection(null, null);
        destroyed.destroy();
        assertThat(mcf.getInvalidConnections(Set.of(live, destroyed))).containsExactly(destroyed);

        ra.stop();
        assertThat(mcf.getInvalidConnections(Set.of(live, destroyed))).containsExactlyInAnyOrder(live, destroyed);
    }

    @Test
    void factoriesSurviveSerialization() throws Exception {
        LocksmithManagedConnectionFactory mcf = factoryAt(store);
        mcf.setTransactionMode("OPTIMISTIC");
        LocksmithManagedConnectionFactory copy = roundTrip(mcf);
        assertThat(copy).isEqualTo(mcf);
        assertThat(copy.transactionModeValue()).isEqualTo(TransactionMode.OPTIMISTIC);

        LocksmithConnectionFactory cf = (LocksmithConnectionFactory) mcf.createConnectionFactory();
        LocksmithConnectionFactory cfCopy = roundTrip(cf);
        assertThatThrownBy(cfCopy::getConnection)
                .as("the adapter (and its lock manager) does not travel; a copy must be associated again")
                .isInstanceOf(ResourceException.class).hasMessageContaining("setResourceAdapter");
    }

    @Test
    void matchingRequiresEqualRequestInfoAndSubject() throws Exception {
        LocksmithManagedConnectionFactory mcf = factoryAt(store);
        ConnectionRequestInfo pessimistic = new LocksmithConnectionRequestInfo(TransactionMode.PESSIMISTIC);
        ConnectionRequestInfo optimistic = new LocksmithConnectionRequestInfo(TransactionMode.OPTIMISTIC);
        ManagedConnection p = mcf.createManagedConnection(null, pessimistic);
        ManagedConnection o = mcf.createManagedConnection(null, optimistic);
        Set<ManagedConnection> pool = Set.of(p, o);

        assertThat(mcf.matchManagedConnections(pool, null, pessimistic)).isSameAs(p);
        assertThat(mcf.matchManagedConnections(pool, null, optimistic)).isSameAs(o);
        assertThat(mcf.matchManagedConnections(pool, null, null)).as("null means the factory's mode").isSameAs(p);
        assertThat(mcf.matchManagedConnections(pool, new Subject(), pessimistic)).as("other subject").isNull();
        assertThat(mcf.matchManagedConnections(Set.of(), null, pessimistic)).isNull();

        p.destroy();
        assertThat(mcf.matchManagedConnections(pool, null, pessimistic)).as("destroyed").isNull();

        LocksmithManagedConnectionFactory other = factoryAt(store.resolve("other"));
        assertThat(other.matchManagedConnections(pool, null, optimistic)).as("another factory's connection").isNull();

        ConnectionRequestInfo foreign = new ConnectionRequestInfo() {
        };
        assertThatThrownBy(() -> mcf.matchManagedConnections(pool, null, foreign))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("connection request info must be a");
        assertThatThrownBy(() -> mcf.createManagedConnection(null, foreign)).isInstanceOf(ResourceException.class);
    }

    @Test
    void associationWithTheResourceAdapterIsOnceOnly() throws Exception {
        LocksmithManagedConnectionFactory mcf = new LocksmithManagedConnectionFactory();
        // A started adapter opens the store of every factory it is given: never the default, which
        // is relative to the working directory (the source tree in a build).
        mcf.setStoreLocation(store.toString());
        mcf.setResourceAdapter(ra);
        assertThat(mcf.getResourceAdapter()).isSameAs(ra);
        assertThatThrownBy(() -> mcf.setResourceAdapter(new LocksmithResourceAdapter()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new LocksmithManagedConnectionFactory().setResourceAdapter(null))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("ra must be a");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
