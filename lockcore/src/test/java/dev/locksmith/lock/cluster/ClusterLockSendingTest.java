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
 * How a lock copy's pending request reaches a master: by its own message, and perhaps also
 * inside a rebuild's RESEND of the copy (its master takes each conversion number once, see
 * {@link MasterTableConversionTest}); a cancel ends it here only if it reached no master,
 * otherwise the CANCEL follows the request there.
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

    /** Starts a conversion of the lock to EX on the copy, as the owner does before sending it. */
    private void convertToEx() {
        lock.startConversion(LockMode.EX, 0, 0, null);
    }

    /** Starts a conversion to EX and sends it by its own message. */
    private void convertToExAndSend() {
        convertToEx();
        lock.beginSend(master);
        lock.endSend();
    }

    @Test
    void aRequestToSendComesWithItsStateAsItGoes() {
        convertToEx();

        ClusterLock.Sending sending = lock.beginSend(master);

        assertThat(sending.verdict()).isEqualTo(ClusterLock.Send.SEND);
        assertThat(sending.request().queue()).isEqualTo(LockQueue.CONVERTING);
        assertThat(sending.request().requested()).isEqualTo(LockMode.EX);
    }

    @Test
    void aConversionCarriedByARebuildIsStillSentOnItsOwn() {
        convertToEx();

        ClusterLock.Snapshot resent = lock.resendTo(master);

        assertThat(resent.queue()).isEqualTo(LockQueue.CONVERTING);
        assertThat(lock.beginSend(master).verdict()).isEqualTo(ClusterLock.Send.SEND);
    }

    @Test
    void eachConversionCarriesTheNextNumber() {
        int before = lock.snapshot().conversion();

        convertToEx();

        assertThat(lock.snapshot().conversion()).isEqualTo(before + 1);
    }

    @Test
    void aConversionStartedAfterTheRebuildsSnapshotIsSent() {
        ClusterLock.Snapshot resent = lock.resendTo(master);
        convertToEx();

        assertThat(resent.queue()).isEqualTo(LockQueue.GRANTED);
        assertThat(lock.beginSend(master).verdict()).isEqualTo(ClusterLock.Send.SEND);
    }

    @Test
    void aRequestWhoseMasterForgotItIsSentAgain() {
        convertToExAndSend();

        lock.markUnsent();

        assertThat(lock.beginSend(master).verdict()).isEqualTo(ClusterLock.Send.SEND);
    }

    @Test
    void aCancelledConversionCarriedByARebuildIsSentAndTheCancelFollowsIt() {
        convertToEx();
        lock.resendTo(master);
        lock.requestCancel();

        assertThat(lock.beginSend(master).verdict()).isEqualTo(ClusterLock.Send.SEND);
        assertThat(lock.endSend()).as("the sender sends the CANCEL after it").isTrue();
    }

    @Test
    void aCancelledConversionThatNeverWentEndsWithoutAMaster() {
        convertToEx();
        lock.requestCancel();

        assertThat(lock.cancelTarget(master)).isSameAs(ClusterLock.NOT_SENT);
        assertThat(lock.beginSend(master).verdict()).isEqualTo(ClusterLock.Send.CANCEL);
    }

    @Test
    void aCancelledConversionThatWentIsCancelledAtItsMasterByItsNumber() {
        convertToExAndSend();
        lock.requestCancel();

        assertThat(lock.cancelTarget(master)).isEqualTo(new ClusterLock.Cancel(master, 1));
    }
}
