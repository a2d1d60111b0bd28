package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A grant a master sent before it was cut off (or paused), delivered only after it merged back,
 * must not take effect: meanwhile the majority rebuilt the tree from the owners' copies, where
 * the request still waited, and may have granted an incompatible lock against it. Node 2 masters
 * H and grants node 1's PR; the GRANTED is held in node 2's stack (as a node paused between its
 * lease check and the send would hold it), node 0's conversion to EX waits behind the PR, and node
 * 2 is cut off. The majority's rebuild grants the conversion (converting locks are installed
 * before waiting ones) and the PR waits; node 2 merges back, and its GRANTED then arrives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterStaleGrantTest {
    @Test
    void aGrantSentBeforeTheMasterWasCutOffAndDeliveredAfterTheMergeGrantsNothing() throws Exception {
        try (ClusterTestSupport cluster = ClusterTestSupport.start("stale-grant-" + System.nanoTime(), 3, 3)) {
            ClusterLockManager master = cluster.node(2);
            DISCARD cut = new DISCARD();
            master.channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
            LockOwner holder = master.newOwner("holder");
            Lock held = holder.enqueue("H", LockMode.EX); // node 2 masters H
            LockOwner writer = cluster.node(0).newOwner("writer");
            Lock written = writer.enqueue("H", LockMode.NL);
            LockOwner reader = cluster.node(1).newOwner("reader");
            Lock read = reader.enqueueAsync(LockRequest.of("H", LockMode.PR));
            ClusterTestSupport.awaitTrue("the PR waits on node 2", () -> onMaster(master).waiting().size() == 1);

            HoldMessages grants = HoldMessages.install(master, Wire.GRANTED);
            holder.dequeue(held);
            ClusterTestSupport.awaitTrue("node 2 granted the PR, its GRANTED held", () -> grants.heldCount() == 1);
            CompletionStage<Lock> converted = writer.convertAsync(written, LockRequest.conversionTo(LockMode.EX));
            ClusterTestSupport.awaitTrue("the EX conversion waits on node 2",
                    () -> onMaster(master).converting().size() == 1);

            cut.discardAll(true);
            converted.toCompletableFuture().get(60, TimeUnit.SECONDS); // granted by the majority's rebuild
            assertThat(read.status()).as("the PR still waits").isEqualTo(LockStatus.PENDING);

            cut.discardAll(false);
            cluster.awaitView(3);
            grants.release();
            // node 2's messages reach node 1 in order: once node 2's request mastered on node 1
            // is granted, the released GRANTED was handled before it
            cluster.node(1).newOwner("sync").enqueue("SYNC", LockMode.NL);
            master.newOwner("sync").enqueue("SYNC", LockMode.NL);

            assertThat(written.grantedMode()).isEqualTo(LockMode.EX);
            assertThat(read.grantedMode()).as("the PR is not granted beside the EX").isNull();
            assertThat(read.status()).isEqualTo(LockStatus.PENDING);
        }
    }

    private static dev.locksmith.lock.ResourceInfo onMaster(ClusterLockManager node) {
        return node.resource(Namespace.group(0), List.of("H")).orElseThrow();
    }
}
