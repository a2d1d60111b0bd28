package dev.locksmith.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.lock.names.NameLocks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeOperationsException;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lock manager's MXBean, used as a JMX client would: attributes and operations by name. */
class LkeJmxTest {
    static final String[] SHOW_SIGNATURE = {String.class.getName(), long.class.getName(), boolean.class.getName()};

    final MBeanServer server = MBeanServerFactory.newMBeanServer();
    final LockManager manager = LockManager.builder().name("jmx-test").deadlockWait(Duration.ZERO).build();
    final LockSpace space = new LockSpace(manager, 0, 50);
    final NameLocks a = space.newProcess("a");
    LockManagerMonitor monitor;
    ObjectName name;

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
        manager.close();
    }

    private void register(boolean enableClear) throws Exception {
        monitor = LockManagerMonitor.register(server, manager, List.of(space), enableClear);
        name = new ObjectName("dev.locksmith:type=LockManager,name=jmx-test");
    }

    @Test
    void beanIsRegisteredUnderTheManagersName() throws Exception {
        register(false);
        assertThat(server.queryNames(new ObjectName("dev.locksmith:type=LockManager,*"), null)).containsExactly(name);
        assertThat(server.getAttribute(name, "Name")).isEqualTo("jmx-test");
    }

    @Test
    void statisticsCountRequestsAndLocks() throws Exception {
        register(false);
        a.lock("^A(1)");
        CompositeData stats = (CompositeData) server.getAttribute(name, "Statistics");
        assertThat((Long) stats.get("newRequests")).isEqualTo(2);
        assertThat((Long) stats.get("locks")).isEqualTo(2);
        assertThat(stats.get("deadlockVictims")).isEqualTo(0L);
    }

    @Test
    void ratesListEveryRatedCounter() throws Exception {
        register(false);
        CompositeData[] rates = (CompositeData[]) server.getAttribute(name, "Rates");
        assertThat(Arrays.stream(rates).map(r -> r.get("counter")))
                .containsExactly("requests", "dequeues", "waits", "deadlocks");
        assertThat(rates[0].getCompositeType().keySet())
                .contains("lastSecond", "perSecondLastMinute", "activity");
    }

    @Test
    void lockSpaceUseIsReported() throws Exception {
        register(false);
        a.lock("^A(1,2)");
        assertThat(server.getAttribute(name, "LockSpaceUsed")).isEqualTo(3);
        assertThat(server.getAttribute(name, "LockSpaceLimit")).isEqualTo(50);
    }

    @Test
    void hottestTreesNameTheRoots() throws Exception {
        register(false);
        a.lock("^A(1)");
        CompositeData[] trees = (CompositeData[]) server.invoke(name, "hottestTrees", new Object[] {5},
                new String[] {int.class.getName()});
        assertThat(Arrays.stream(trees).map(t -> t.get("rootName"))).containsExactly("^A");
    }

    @Test
    void showReturnsTheLinesOfLkeShow() throws Exception {
        register(false);
        a.lock("^A(1)");
        String[] lines = (String[]) server.invoke(name, "show", new Object[] {"^A(", 0L, false}, SHOW_SIGNATURE);
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).startsWith("^A(1)").contains("a #" + a.owner().id()).contains("EX");
    }

    @Test
    void clearOwnerThroughJmxFreesTheLocks() throws Exception {
        register(true);
        a.lock("^A(1)");
        Object cleared = server.invoke(name, "clearOwner", new Object[] {a.owner().id()},
                new String[] {long.class.getName()});
        assertThat(cleared).isEqualTo(2);
        assertThat(a.levels()).isEmpty();
        assertThat(manager.locks()).isEmpty();
    }

    @Test
    void clearNameThroughJmxFreesThatName() throws Exception {
        register(true);
        a.lockIncrement("^A(1)", "^B");
        server.invoke(name, "clearName", new Object[] {"^A(1)"}, new String[] {String.class.getName()});
        assertThat(a.levels()).containsOnlyKeys(dev.locksmith.lock.names.MName.parse("^B"));
    }

    @Test
    void clearLockThroughJmxFreesThatLock() throws Exception {
        register(true);
        LockOwner plain = manager.newOwner("plain");
        long id = plain.enqueue("R", LockMode.EX).id();
        server.invoke(name, "clearLock", new Object[] {id}, new String[] {long.class.getName()});
        assertThat(plain.locks()).isEmpty();
    }

    @Test
    void clearIsRefusedUnlessEnabledAtRegistration() throws Exception {
        register(false);
        a.lock("^A");
        assertThat(server.getAttribute(name, "ClearEnabled")).isEqualTo(false);
        assertThatThrownBy(() -> server.invoke(name, "clearOwner", new Object[] {a.owner().id()},
                new String[] {long.class.getName()}))
                .satisfies(e -> assertThat(rootMessage(e)).startsWith("NOPRIV: clearing locks over JMX is not enabled"));
        assertThat(a.levels()).isNotEmpty();
    }

    @Test
    void clearOfAnUnknownLockReportsTheStatusInTheMessage() throws Exception {
        register(true);
        assertThatThrownBy(() -> server.invoke(name, "clearLock", new Object[] {424242L},
                new String[] {long.class.getName()}))
                .satisfies(e -> assertThat(rootMessage(e)).startsWith("IVLOCKID: lockId: no live lock has id 424242"));
    }

    @Test
    void closeUnregistersTheBean() throws Exception {
        register(false);
        monitor.close();
        assertThat(server.isRegistered(name)).isFalse();
    }

    @Test
    void secondBeanForTheSameManagerNameIsRefused() throws Exception {
        register(false);
        assertThatThrownBy(() -> LockManagerMonitor.register(server, manager, List.of(), false))
                .isInstanceOf(LockException.class)
                .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.BADPARAM);
    }

    @Test
    void managerNameThatNeedsQuotingIsQuotedInTheObjectName() throws Exception {
        try (LockManager odd = LockManager.builder().name("a,b=c").build()) {
            try (LockManagerMonitor quoted = LockManagerMonitor.register(server, odd, List.of(), false)) {
                assertThat(quoted.objectName().getKeyProperty("name")).isEqualTo("\"a,b=c\"");
                assertThat(server.getAttribute(quoted.objectName(), "Name")).isEqualTo("a,b=c");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof MBeanException || t instanceof RuntimeOperationsException
                || t instanceof javax.management.RuntimeMBeanException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
