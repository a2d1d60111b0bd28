package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An administrative clear of an owner races that owner's requests on a tree mastered on its own
 * node: a request the clear catches while it is being made on the master leaves no lock behind
 * there (before the fix, its engine lock stayed granted until the owner closed). Not deterministic — the clear must fall between
 * the copy's send and the master's entry, which it does in a large share of the iterations on
 * any machine — but a failure is never spurious.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterClearRaceTest {
    private static final int ITERATIONS = 20_000;
    private static final String NAME = "CLEAR-RACE";
    private ClusterTestSupport cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("clear-race-" + System.nanoTime(), 2, 2);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aClearRacingALocalRequestLeavesNoGrantOnTheMaster() throws Exception {
        ClusterLockManager node = cluster.node(0);
        node.newOwner("pin").enqueue(NAME, LockMode.NL); // node 0 masters the tree, and keeps it
        LockOwner racer = node.newOwner("racer");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread clearer = new Thread(() -> {
            while (running.get()) {
                node.clearOwner(node.adminCapability(), racer.id());
            }
        });
        clearer.start();
        try {
            for (int i = 0; i < ITERATIONS; i++) {
                try {
                    Lock lock = racer.enqueue(LockRequest.of(NAME, LockMode.EX).withFlags(LockFlag.NOQUEUE));
                    racer.dequeue(lock);
                } catch (LockException e) {
                    // cleared before its grant (CANCELLED) or its dequeue (IVLOCKID), or refused
                    // while the clearer still dequeued the lock it cleared (NOTQUEUED)
                    assertThat(e.status()).isIn(LockStatus.CANCELLED, LockStatus.IVLOCKID, LockStatus.NOTQUEUED);
                }
            }
        } finally {
            running.set(false);
            clearer.join();
        }
        racer.dequeueAll();

        List<LockInfo> granted = node.resource(Namespace.group(0), List.of(NAME)).orElseThrow().granted();
        assertThat(granted).extracting(LockInfo::grantedMode).containsExactly(LockMode.NL);
    }
}
