package dev.locksmith.lock.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lock copy's pending request goes to a master exactly once: by its own message, or inside a
 * rebuild's RESEND of the copy. A conversion the rebuild carried must not also be sent on its
 * own (the new master would find the lock converting already and refuse the second one with
 * CVTUNGRANT), and one started after the rebuild took its snapshot must still go.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterLockSendingTest {
    private ClusterTestSupport cluster;
    private ClusterLock lock;
    private Address master;

    @BeforeEach
    void grantALock() throws Exception {
        cluster = ClusterTestSupport.start("sending-" + System.nanoTime(), 1, 1);
        lock = (ClusterLock) cluster.node(0).newOwner("owner").enqueue("T", LockMode.NL);
        master = cluster.node(0).address();
        // The grant wakes this thread before the protocol thread that sent the request has
        // finished sending it; members() runs on that thread after it.
        cluster.node(0).members();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aConversionCarriedByARebuildIsNotSentAgain() {
        lock.startConversion(LockMode.EX, 0, 0, null);

        ClusterLock.Snapshot resent = lock.resendTo(master);

        assertThat(resent.queue()).isEqualTo(LockQueue.CONVERTING);
        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SKIP);
    }

    @Test
    void aConversionStartedAfterTheRebuildsSnapshotIsSent() {
        ClusterLock.Snapshot resent = lock.resendTo(master);
        lock.startConversion(LockMode.EX, 0, 0, null);

        assertThat(resent.queue()).isEqualTo(LockQueue.GRANTED);
        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SEND);
    }

    @Test
    void aConversionIsSentOnceByItsOwnMessage() {
        lock.startConversion(LockMode.EX, 0, 0, null);

        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SEND);
        lock.endSend();
        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SKIP);
    }

    @Test
    void aRequestWhoseMasterForgotItIsSentAgain() {
        lock.startConversion(LockMode.EX, 0, 0, null);
        lock.beginSend(master);
        lock.endSend();

        lock.markUnsent();

        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SEND);
    }

    @Test
    void aCancelledConversionCarriedByARebuildIsCancelledAtItsNewMaster() {
        lock.startConversion(LockMode.EX, 0, 0, null);
        lock.resendTo(master);
        lock.requestCancel();

        assertThat(lock.beginSend(master)).isEqualTo(ClusterLock.Send.SKIP);
        assertThat(lock.cancelTarget(master)).isEqualTo(master);
    }

    @Test
    void aCancelledConversionThatNeverWentEndsWithoutAMaster() {
        lock.startConversion(LockMode.EX, 0, 0, null);
        lock.requestCancel();

        assertThat(lock.cancelTarget(master)).isSameAs(ClusterLock.NOT_SENT);
    }

    @Test
    void aCancelledConversionThatWentIsCancelledAtItsMaster() {
        lock.startConversion(LockMode.EX, 0, 0, null);
        lock.beginSend(master);
        lock.endSend();
        lock.requestCancel();

        assertThat(lock.cancelTarget(master)).isEqualTo(master);
    }
}
