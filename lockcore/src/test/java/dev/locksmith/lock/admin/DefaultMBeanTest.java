package dev.locksmith.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The bean every lock manager gets in the platform MBean server unless it is told not to. */
class DefaultMBeanTest {
    final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aBuiltManagerHasItsBeanInThePlatformServerUntilItCloses() throws Exception {
        ObjectName name = LockManagerMonitor.objectName("default-bean");
        try (LockManager manager = LockManager.builder().name("default-bean").build()) {
            manager.newOwner("a").enqueue("R", LockMode.EX);
            assertThat(platform.getAttribute(name, "Name")).isEqualTo("default-bean");
            assertThat(platform.getAttribute(name, "ClearEnabled")).isEqualTo(false);
            assertThat((String[]) platform.invoke(name, "show", new Object[] {"", 0L, false},
                    new String[] {String.class.getName(), long.class.getName(), boolean.class.getName()}))
                    .anySatisfy(line -> assertThat(line).startsWith("R "));
        }
        assertThat(platform.isRegistered(name)).isFalse();
    }

    @Test
    void registerMBeanFalseRegistersNothing() throws Exception {
        try (LockManager manager = LockManager.builder().name("no-bean").registerMBean(false).build()) {
            assertThat(platform.isRegistered(LockManagerMonitor.objectName(manager.name()))).isFalse();
        }
    }

    @Test
    void aSecondManagerOfTheSameNameIsBuiltWithoutABean() throws Exception {
        ObjectName name = LockManagerMonitor.objectName("twice");
        try (LockManager first = LockManager.builder().name("twice").build();
             LockManager second = LockManager.builder().name("twice").build()) {
            second.close();
            assertThat(platform.isRegistered(name)).as("the first manager's bean stays").isTrue();
        }
        assertThat(platform.isRegistered(name)).isFalse();
    }

    @Test
    void anExplicitRegistrationReplacesTheDefaultBean() throws Exception {
        LockManager manager = LockManager.builder().name("explicit").build();
        LockManagerMonitor monitor = LockManagerMonitor.register(manager, List.of(), true);
        try {
            assertThat(platform.getAttribute(monitor.objectName(), "ClearEnabled")).isEqualTo(true);
            manager.close();
            assertThat(platform.isRegistered(monitor.objectName()))
                    .as("closing the manager closes the bean it made, not its replacement").isTrue();
        } finally {
            monitor.close();
            manager.close();
        }
        assertThat(platform.isRegistered(LockManagerMonitor.objectName("explicit"))).isFalse();
    }
}
