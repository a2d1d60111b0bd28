package dev.locksmith.ra.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.ResourceInfo;
import dev.locksmith.lock.admin.LockManagerMXBean;
import dev.locksmith.lock.admin.LockManagerMonitor;
import dev.locksmith.ra.AdapterMonitor;
import dev.locksmith.ra.LocksmithConnection;
import dev.locksmith.ra.LocksmithConnectionFactory;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RecordStore;
import jakarta.resource.ResourceException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administration view a connection factory gives: locks with holders and waiters, rates, counts. */
class AdapterMonitorTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;
    private LocksmithConnectionFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        ra = TestAdapters.started();
        factory = (LocksmithConnectionFactory) TestAdapters.factory(ra, store).createConnectionFactory();
    }

    @AfterEach
    void tearDown() {
        ra.stop();
    }

    @Test
    void aRequestWaitingForANameIsListedAsAWaiterBehindItsHolder() throws Exception {
        AdapterMonitor monitor = factory.monitor();
        try (LocksmithConnection holder = factory.getConnection(); LocksmithConnection waiter = factory.getConnection()) {
            assertThat(holder.lock(Duration.ZERO, "^ORDER(42)")).isTrue();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> lock(waiter, "^ORDER(42)"));

            ResourceInfo order = awaitResource(monitor, r -> !r.waiting().isEmpty() || !r.converting().isEmpty());

            assertThat(order.granted()).extracting(LockInfo::grantedMode).isNotEmpty();
            assertThat(monitor.lockStatistics().waits()).isPositive();
            holder.unlock("^ORDER(42)");
            assertThat(waiting.get(60, TimeUnit.SECONDS)).isTrue();
            waiter.unlock("^ORDER(42)");
        }
    }

    @Test
    void ratesAreSampledForRequestsDequeuesWaitsAndDeadlocks() throws Exception {
        assertThat(factory.monitor().lockRates()).extracting(LockManagerMXBean.Rate::counter)
                .containsExactly("requests", "dequeues", "waits", "deadlocks");
    }

    @Test
    void hottestTreesRefusesACountBelowOne() throws Exception {
        assertThatThrownBy(() -> factory.monitor().hottestTrees(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n must be at least 1");
    }

    @Test
    void storeStatisticsCountCommittedTransactionsAndNoneInDoubt() throws Exception {
        AdapterMonitor monitor = factory.monitor();
        long before = monitor.storeStatistics().committed();
        try (LocksmithConnection c = factory.getConnection()) {
            c.createFile("items.rms", FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED)
                    .recordSize(8).key(KeyDefinition.builder(0).segment(0, 8).build()).build());
            c.open("items.rms").put("ITEM0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        RecordStore.Statistics after = monitor.storeStatistics();
        assertThat(after.committed()).isGreaterThan(before);
        assertThat(after.inDoubt()).isZero();
        assertThat(monitor.adapterStatistics().handlesOpened()).isPositive();
    }

    @Test
    void theLockManagerIsVisibleOverJmxWhileTheAdapterRuns() throws Exception {
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(LockManagerMonitor.objectName("locksmith")))
                .isTrue();
        ra.stop();
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(LockManagerMonitor.objectName("locksmith")))
                .isFalse();
    }

    @Test
    void aStoppedAdapterHasNoMonitor() {
        ra.stop();
        assertThatThrownBy(() -> factory.monitor()).isInstanceOf(ResourceException.class);
    }

    private static boolean lock(LocksmithConnection c, String name) {
        try {
            return c.lock(Duration.ofSeconds(60), name);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResourceInfo awaitResource(AdapterMonitor monitor, java.util.function.Predicate<ResourceInfo> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<ResourceInfo> resources = monitor.lockResources();
            Optional<ResourceInfo> found = resources.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no resource as wanted within 60 s: " + monitor.lockResources());
    }
}
