package dev.locksmith.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.DeadlockReport;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlock reports over JMX: the RecentDeadlocks attribute and a notification per deadlock. */
class DeadlockJmxTest {
    final MBeanServer server = MBeanServerFactory.newMBeanServer();
    final LockManager manager = LockManager.builder().name("jmx-deadlocks").deadlockWait(Duration.ofMillis(20)).build();
    final LockManagerMonitor monitor = LockManagerMonitor.register(server, manager, List.of(), false);
    final ObjectName name = monitor.objectName();

    @AfterEach
    void close() {
        monitor.close();
        manager.close();
    }

    @Test
    void aBrokenDeadlockIsAnAttributeLineAndANotification() throws Exception {
        List<Notification> heard = new CopyOnWriteArrayList<>();
        server.addNotificationListener(name, (n, handback) -> heard.add(n), null, null);
        DeadlockReport report = deadlock();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (heard.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(heard).singleElement().satisfies(n -> {
            assertThat(n.getType()).isEqualTo(LockManagerMonitor.DEADLOCK_NOTIFICATION);
            assertThat(n.getMessage()).isEqualTo(report.describe());
        });
        assertThat((String[]) server.getAttribute(name, "RecentDeadlocks")).containsExactly(report.describe());
    }

    @Test
    void noDeadlockMeansNoRecentDeadlocks() throws Exception {
        assertThat((String[]) server.getAttribute(name, "RecentDeadlocks")).isEmpty();
    }

    /** Makes a two-owner deadlock and returns the victim's report. */
    private DeadlockReport deadlock() throws Exception {
        LockOwner a = manager.newOwner("a");
        LockOwner b = manager.newOwner("b");
        a.enqueue("X", LockMode.EX);
        b.enqueue("Y", LockMode.EX);
        a.enqueueAsync(LockRequest.of("Y", LockMode.EX));
        Lock victim = b.enqueueAsync(LockRequest.of("X", LockMode.EX));
        try {
            victim.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ((LockException) e.getCause()).deadlock().orElseThrow();
        }
        throw new AssertionError("b's request was granted, not a deadlock victim");
    }
}
