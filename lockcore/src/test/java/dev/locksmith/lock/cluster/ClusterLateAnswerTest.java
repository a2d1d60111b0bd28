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
 * A master's answer names the request it answers (0 for a lock's new request, else its
 * conversion's number), and so does an owner's CANCEL: a late answer for an earlier request,
 * arriving while the next conversion waits, must neither end nor grant that conversion, and a
 * late CANCEL of an earlier conversion must not cancel it. Node 1's lock converts NL to EX
 * behind node 0's EX; node 0, its master, then sends a late answer for the lock's new request,
 * and after it the conversion's real outcome (JGroups delivers one sender's messages in order);
 * or node 1 sends its master a second CANCEL of a conversion it cancelled already.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterLateAnswerTest {
    private ClusterTestSupport cluster;
    private LockOwner holder;
    private Lock held;
    private LockOwner converter;
    private Lock lock;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = ClusterTestSupport.startUnhurried("late-" + System.nanoTime(), 2, 2);
        holder = cluster.node(0).newOwner("holder");
        held = holder.enqueue("late", LockMode.EX);
        converter = cluster.node(1).newOwner("converter");
        lock = converter.enqueue("late", LockMode.NL);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aLateFailureOfTheNewRequestDoesNotEndTheConversionUnderWay() throws Exception {
        CompletableFuture<Lock> conversion = convertToExAtTheMaster();

        fromTheMaster(Wire.failed(viewId(), lock.id(), 0, LockStatus.TIMEOUT, "late", null));
        holder.dequeue(held);

        assertThat(conversion.get(30, TimeUnit.SECONDS).grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aLateGrantOfTheNewRequestDoesNotGrantTheConversionUnderWay() throws Exception {
        convertToExAtTheMaster();

        fromTheMaster(Wire.granted(viewId(), lock.id(), 0, LockMode.EX, LockStatus.NORMAL, 1, new byte[0]));
        boolean cancelled = converter.cancel(lock);

        assertThat(cancelled).as("the conversion was still pending when cancelled").isTrue();
        assertThat(lock.grantedMode()).isEqualTo(LockMode.NL);
    }

    @Test
    void aLateCancelOfAnEarlierConversionDoesNotCancelTheNextOne() throws Exception {
        convertToExAtTheMaster();
        assertThat(converter.cancel(lock)).as("conversion 1 cancelled").isTrue();
        CompletableFuture<Lock> next = convertToExAtTheMaster(); // conversion 2

        toTheMaster(Wire.message(Wire.CANCEL, viewId()).putLong(converter.id()).putLong(lock.id()).putInt(1));
        // node 1's next message to node 0 comes after that CANCEL: once it is answered, the CANCEL was handled
        Lock probe = converter.enqueue(LockRequest.of("probe", LockMode.NL).withParent(lock));
        converter.dequeue(probe);
        holder.dequeue(held);

        assertThat(next.get(30, TimeUnit.SECONDS).grantedMode()).isEqualTo(LockMode.EX);
    }

    /** Starts a conversion of node 1's lock to EX and waits until its master has it. */
    private CompletableFuture<Lock> convertToExAtTheMaster() {
        CompletableFuture<Lock> conversion = converter.convertAsync(lock, LockRequest.conversionTo(LockMode.EX))
                .toCompletableFuture();
        ClusterTestSupport.awaitTrue("the master has the conversion", () -> cluster.node(0)
                .resource(Namespace.group(0), List.of("late")).map(r -> !r.converting().isEmpty()).orElse(false));
        return conversion;
    }

    private long viewId() {
        return cluster.node(0).channel().getView().getViewId().getId();
    }

    /** Sends {@code message} to node 1 as its master, node 0, would. */
    private void fromTheMaster(Wire message) throws Exception {
        send(0, 1, message);
    }

    /** Sends {@code message} to node 0, the master, as node 1 would. */
    private void toTheMaster(Wire message) throws Exception {
        send(1, 0, message);
    }

    private void send(int from, int to, Wire message) throws Exception {
        cluster.node(from).channel().send(new BytesMessage(cluster.node(to).channel().getAddress(), message.toBytes()));
    }
}
