package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.ra.TransactionMode;
import dev.locksmith.ra.TransactionRolledBackException;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionLifecycleTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;
    private final List<ConnectionEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ra = new LocksmithResourceAdapter();
        mcf = new LocksmithManagedConnectionFactory();
        mcf.setStoreLocation(store.toString());
        mcf.setResourceAdapter(ra);
        ra.start(null);
    }

    @AfterEach
    void stopAdapter() {
        ra.stop();
    }

    private LocksmithManagedConnection newManagedConnection() throws ResourceException {
        LocksmithManagedConnection mc = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        mc.addConnectionEventListener(new Recorder(events));
        return mc;
    }

    @Test
    void closingAHandleFiresConnectionClosedWithTheHandle() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        handle.ping();
        handle.close();

        assertThat(events).hasSize(1);
        assertThat(events.get(0).getId()).isEqualTo(ConnectionEvent.CONNECTION_CLOSED);
        assertThat(events.get(0).getConnectionHandle()).isSameAs(handle);
        assertThat(events.get(0).getSource()).isSameAs(mc);
        assertThat(handle.isClosed()).isTrue();

        handle.close();
        assertThat(events).as("closing twice fires once").hasSize(1);
        assertThatThrownBy(handle::ping).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        AdapterStatistics s = mcf.resourceManager().statistics();
        assertThat(s.handlesOpened()).isEqualTo(1);
        assertThat(s.handlesClosed()).isEqualTo(1);
        assertThat(s.pings()).isEqualTo(1);
    }

    @Test
    void cleanupInvalidatesHandlesAndDestroyRefusesWork() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        mc.cleanup();
        assertThat(handle.isClosed()).isTrue();
        assertThat(events).as("cleanup is the server's doing: no event").isEmpty();

        LocksmithConnection again = (LocksmithConnection) mc.getConnection(null, null);
        again.ping();
        mc.destroy();
        assertThat(again.isClosed()).isTrue();
        assertThatThrownBy(() -> mc.getConnection(null, null))
                .isInstanceOf(ResourceException.class).hasMessageContaining("destroyed");
        assertThatThrownBy(mc::getXAResource).isInstanceOf(ResourceException.class);
        assertThat(mcf.resourceManager().statistics().managedConnectionsDestroyed()).isEqualTo(1);
    }

    @Test
    void handlesCanMoveBetweenManagedConnections() throws Exception {
        LocksmithManagedConnection first = newManagedConnection();
        LocksmithManagedConnection second = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) first.getConnection(null, null);
        second.associateConnection(handle);

        Xid xid = TestXid.of("moved");
        second.getXAResource().start(xid, XAResource.TMNOFLAGS);
        assertThat(handle.currentXid()).as("the handle now works on the second connection")
                .contains(XidKey.of(xid).toString());
        handle.close();
        assertThat(events.get(0).getSource()).isSameAs(second);

        assertThatThrownBy(() -> first.associateConnection("not a handle"))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void getConnectionRefusesOtherRequestInfo() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        assertThatThrownBy(() -> mc.getConnection(null, new LocksmithConnectionRequestInfo(TransactionMode.OPTIMISTIC)))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void xaBranchIsVisibleThroughTheHandleAndRollbackStopsWork() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        XAResource xa = mc.getXAResource();
        assertThat(handle.currentXid()).isEmpty();

        Xid xid = TestXid.of("visible");
        xa.start(xid, XAResource.TMNOFLAGS);
        assertThat(handle.currentXid()).contains("4711:76697369626c65:01");
        handle.ping();
        xa.end(xid, XAResource.TMFAIL);
        assertThat(handle.currentXid()).isEmpty();

        Xid doomed = TestXid.of("doomed");
        xa.start(doomed, XAResource.TMNOFLAGS);
        xa.end(doomed, XAResource.TMSUSPEND);
        xa.start(doomed, XAResource.TMRESUME);
        xa.rollback(doomed);
        assertThat(handle.currentXid()).as("a rolled back branch is no association").isEmpty();
        assertThatThrownBy(handle::ping).as("the work of a rolled back branch can only end")
                .isInstanceOf(TransactionRolledBackException.class)
                .hasMessageContaining("ROLLEDBACK").hasMessageContaining(XidKey.of(doomed).toString());
        mc.cleanup();
        LocksmithConnection next = (LocksmithConnection) mc.getConnection(null, null);
        next.ping();
        assertThat(next.currentXid()).as("cleanup leaves the pooled connection outside any branch").isEmpty();
    }

    @Test
    void localTransactionsAreCountedAndMisuseIsRefused() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        LocalTransaction local = mc.getLocalTransaction();

        local.begin();
        assertThat(handle.inLocalTransaction()).isTrue();
        assertThatThrownBy(local::begin).isInstanceOf(LocalTransactionException.class).hasMessageContaining("already");
        XAException outside = org.assertj.core.api.Assertions.catchThrowableOfType(XAException.class,
                () -> mc.getXAResource().start(TestXid.of("x"), XAResource.TMNOFLAGS));
        assertThat(outside.errorCode).isEqualTo(XAException.XAER_OUTSIDE);
        local.commit();
        assertThat(handle.inLocalTransaction()).isFalse();
        assertThatThrownBy(local::commit).isInstanceOf(LocalTransactionException.class).hasMessageContaining("no local");
        assertThatThrownBy(local::rollback).isInstanceOf(LocalTransactionException.class);

        local.begin();
        local.rollback();

        Xid xid = TestXid.of("xa-first");
        mc.getXAResource().start(xid, XAResource.TMNOFLAGS);
        assertThatThrownBy(local::begin).isInstanceOf(LocalTransactionException.class).hasMessageContaining("XA branch");

        AdapterStatistics s = mcf.resourceManager().statistics();
        assertThat(s.localBegun()).isEqualTo(2);
        assertThat(s.localCommitted()).isEqualTo(1);
        assertThat(s.localRolledBack()).isEqualTo(1);
    }

    @Test
    void anApplicationsLocalTransactionTellsTheServerAndHoldsItsLocksUntilItEnds() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        jakarta.resource.cci.LocalTransaction local = handle.localTransaction();

        local.begin();
        assertThat(handle.lock(java.time.Duration.ZERO, "^LOCAL(1)")).isTrue();
        LocksmithConnection other = (LocksmithConnection) newManagedConnection().getConnection(null, null);
        assertThat(other.lock(java.time.Duration.ZERO, "^LOCAL(1)")).as("held by the local transaction").isFalse();
        local.commit();
        assertThat(other.lock(java.time.Duration.ZERO, "^LOCAL(1)")).as("released by commit").isTrue();
        other.unlock("^LOCAL(1)");

        local.begin();
        handle.lock(java.time.Duration.ZERO, "^LOCAL(2)");
        local.rollback();
        assertThat(other.lock(java.time.Duration.ZERO, "^LOCAL(2)")).as("released by rollback").isTrue();

        assertThat(events).extracting(ConnectionEvent::getId).containsExactly(
                ConnectionEvent.LOCAL_TRANSACTION_STARTED, ConnectionEvent.LOCAL_TRANSACTION_COMMITTED,
                ConnectionEvent.LOCAL_TRANSACTION_STARTED, ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK);
        assertThat(events).allSatisfy(e -> assertThat(e.getConnectionHandle()).isSameAs(handle));

        mc.getXAResource().start(TestXid.of("xa"), XAResource.TMNOFLAGS);
        assertThatThrownBy(local::begin).isInstanceOf(LocalTransactionException.class).hasMessageContaining("XA branch");
        assertThat(events).as("a refused begin tells nobody").hasSize(4);
    }

    @Test
    void unmanagedFactoryGivesWorkingConnectionsWithTheRequestedMode() throws Exception {
        LocksmithConnectionFactory cf = (LocksmithConnectionFactory) mcf.createConnectionFactory();
        try (LocksmithConnection c = cf.getConnection()) {
            assertThat(c.transactionMode()).isEqualTo(TransactionMode.PESSIMISTIC);
            c.ping();
        }
        try (LocksmithConnection c = cf.getConnection(TransactionMode.OPTIMISTIC)) {
            assertThat(c.transactionMode()).isEqualTo(TransactionMode.OPTIMISTIC);
        }
        AdapterStatistics s = cf.statistics();
        assertThat(s.managedConnectionsCreated()).isEqualTo(2);
        assertThat(s.managedConnectionsDestroyed()).as("closing an unmanaged handle destroys it").isEqualTo(2);
        assertThatThrownBy(() -> cf.getConnection((TransactionMode) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mode");
    }

    @Test
    void factoriesOfOneAdapterOnTheSameStoreShareTheResourceManager() throws Exception {
        LocksmithManagedConnectionFactory sibling = new LocksmithManagedConnectionFactory();
        sibling.setStoreLocation(store.toString());
        sibling.setTransactionMode("OPTIMISTIC");
        sibling.setResourceAdapter(ra);
        assertThat(sibling.resourceManager()).isSameAs(mcf.resourceManager());
        XAResource a = mcf.createManagedConnection(null, null).getXAResource();
        XAResource b = sibling.createManagedConnection(null, null).getXAResource();
        assertThat(a.isSameRM(b)).isTrue();
    }

    @Test
    void stoppingTheAdapterClosesStoresAndRollsBackUnpreparedBranches() throws Exception {
        LocksmithManagedConnection mc = newManagedConnection();
        LocksmithConnection handle = (LocksmithConnection) mc.getConnection(null, null);
        XAResource xa = mc.getXAResource();
        xa.start(TestXid.of("in-flight"), XAResource.TMNOFLAGS);
        ResourceManager rm = mcf.resourceManager();

        ra.stop();
        assertThat(ra.isRunning()).isFalse();
        assertThat(rm.statistics().xaRolledBack()).isEqualTo(1);
        assertThatThrownBy(handle::ping).isInstanceOf(ResourceException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> mcf.createManagedConnection(null, null))
                .isInstanceOf(ResourceException.class).hasMessageContaining("stopped");
        ra.stop();
    }

    @Test
    void adapterHasNoInboundSide() throws Exception {
        assertThatThrownBy(() -> ra.endpointActivation(null, null)).isInstanceOf(NotSupportedException.class);
        assertThat(ra.getXAResources(null)).isEmpty();
        assertThatThrownBy(() -> ra.start(null)).isInstanceOf(ResourceException.class)
                .hasMessageContaining("already started");
        assertThat(ra).isEqualTo(new LocksmithResourceAdapter()).hasSameHashCodeAs(new LocksmithResourceAdapter());
    }

    @Test
    void metaDataDescribesLocksmith() throws Exception {
        ManagedConnectionMetaData md = newManagedConnection().getMetaData();
        assertThat(md.getEISProductName()).isEqualTo("Locksmith");
        assertThat(md.getEISProductVersion()).isNotBlank().doesNotContain("${");
        assertThat(md.getMaxConnections()).isZero();
        assertThat(md.getUserName()).isEmpty();
    }

    private record Recorder(List<ConnectionEvent> events) implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            events.add(event);
        }
    }
}
