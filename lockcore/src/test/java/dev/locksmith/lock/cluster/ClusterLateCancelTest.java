package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jgroups.BytesMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CANCEL names the request it cancels, as GRANTED and FAILED name the request they answer: a
 * late CANCEL of an earlier request, arriving at the master while the lock's next conversion
 * waits there, must leave that conversion alone. Node 1's lock is granted NL, converts to CR
 * (conversion 1, granted at once beside node 0's PR), then to EX (conversion 2, waiting behind
 * the PR); node 0, the master, then gets a CANCEL of conversion 1 from node 1.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterLateCancelTest {
    private ClusterTestSupport cluster;
    private LockOwner holder;
    private Lock held;
    private LockOwner converter;
    private Lock lock;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.start("late-cancel-" + System.nanoTime(), 2, 2);
        holder = cluster.node(0).newOwner("holder");
        held = holder.enqueue("late", LockMode.PR); // node 0 masters "late"
        converter = cluster.node(1).newOwner("converter");
        lock = converter.enqueue("late", LockMode.NL);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aLateCancelOfAnEarlierConversionLeavesTheNextConversionPending() throws Exception {
        converter.convert(lock, LockRequest.conversionTo(LockMode.CR)); // conversion 1, granted
        CompletableFuture<Lock> second = converter.convertAsync(lock, LockRequest.conversionTo(LockMode.EX))
                .toCompletableFuture(); // conversion 2, waits behind the PR
        ClusterTestSupport.awaitTrue("the master has conversion 2", () -> cluster.node(0)
                .resource(Namespace.group(0), List.of("late")).map(r -> !r.converting().isEmpty()).orElse(false));

        toTheMaster(Wire.message(Wire.CANCEL, viewId()).putLong(converter.id()).putLong(lock.id()).putInt(1));
        // node 1's next request to node 0 arrives after that CANCEL (one sender's messages in order)
        Lock probe = converter.enqueue(LockRequest.of("probe", LockMode.NL).withParent(lock));

        assertThat(lock.status()).as("conversion 2 still pending after the late cancel").isEqualTo(LockStatus.PENDING);
        converter.dequeue(probe);
        holder.dequeue(held);
        assertThat(second.get(30, TimeUnit.SECONDS).grantedMode()).isEqualTo(LockMode.EX);
    }

    private long viewId() {
        return cluster.node(1).channel().getView().getViewId().getId();
    }

    /** Sends {@code message} to node 0, the master, as node 1 would. */
    private void toTheMaster(Wire message) throws Exception {
        cluster.node(1).channel().send(new BytesMessage(cluster.node(0).channel().getAddress(), message.toBytes()));
    }
}
