package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockOwner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing an owner whose node has shut down (a worker finishing as its node stops). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterOwnerCloseTest {
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("owner-close-" + System.nanoTime(), 1, 1);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void anOwnerClosedAfterItsNodeShutDownIsClosedWithoutAnError() {
        LockOwner owner = cluster.node(0).newOwner("late");
        cluster.node(0).close();

        owner.close();

        assertThat(owner.isClosed()).isTrue();
    }
}
