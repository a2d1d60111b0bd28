package dev.locksmith.ra.spi;

import static javax.transaction.xa.XAResource.TMENDRSCAN;
import static javax.transaction.xa.XAResource.TMFAIL;
import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMRESUME;
import static javax.transaction.xa.XAResource.TMSTARTRSCAN;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static javax.transaction.xa.XAResource.TMSUSPEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.locksmith.ra.AdapterStatistics;
import java.nio.file.Path;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class XAResourceStateMachineTest {

    @TempDir
    Path store;

    private LocksmithResourceAdapter ra;
    private LocksmithManagedConnectionFactory mcf;
    private LocksmithManagedConnection mc;
    private XAResource xa;

    @BeforeEach
    void setUp() throws Exception {
        ra = TestAdapters.started();
        mcf = TestAdapters.factory(ra, store);
        mc = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        // What the connection managers outside a server do: a connection reported broken is destroyed.
        mc.addConnectionEventListener(new DestroyOnClose(mc));
        xa = mc.getXAResource();
    }

    @AfterEach
    void stopAdapter() {
        ra.stop();
    }

    private AdapterStatistics stats() throws Exception {
        return mcf.resourceManager().statistics();
    }

    private static int xaCode(Executable call) {
        XAException e = catchThrowableOfType(XAException.class, () -> call.execute());
        assertThat(e).as("an XAException").isNotNull();
        return e.errorCode;
    }

    @Test
    void aBranchThatWroteNothingAnswersReadOnlyAtPrepareAndIsFinished() throws Exception {
        Xid xid = TestXid.of("tx-1");
        xa.start(xid, TMNOFLAGS);
        assertThat(mc.xaResourceInternal().currentBranch()).isEqualTo(XidKey.of(xid));
        xa.end(xid, TMSUCCESS);
        assertThat(mc.xaResourceInternal().currentBranch()).isNull();
        assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_RDONLY);

        AdapterStatistics s = stats();
        assertThat(s.xaStarted()).isEqualTo(1);
        assertThat(s.xaReadOnly()).isEqualTo(1);
        assertThat(s.xaPrepared()).isZero();
        assertThat(s.xaCommitted()).isZero();
        assertThat(s.xaRolledBack()).isZero();
        assertThat(xaCode(() -> xa.commit(xid, false))).as("a read-only branch is forgotten at prepare")
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(mc.isDestroyed()).as("a failed commit is no connection error").isFalse();
    }

    @Test
    void onePhaseCommitSkipsPrepare() throws Exception {
        Xid xid = TestXid.of("tx-1pc");
        xa.start(xid, TMNOFLAGS);
        xa.end(xid, TMSUCCESS);
        xa.commit(xid, true);
        assertThat(stats().xaCommitted()).isEqualTo(1);
        assertThat(stats().xaCommittedOnePhase()).isEqualTo(1);
        assertThat(stats().xaPrepared()).isZero();
    }

    @Test
    void unknownXidsGiveXaerNota() throws Exception {
        Xid unknown = TestXid.of("never-started");
        assertThat(xaCode(() -> xa.end(unknown, TMSUCCESS))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.prepare(unknown))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.commit(unknown, true))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.commit(unknown, false))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.rollback(unknown))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.forget(unknown))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.start(unknown, TMJOIN))).isEqualTo(XAException.XAER_NOTA);
        assertThat(xaCode(() -> xa.start(unknown, TMRESUME))).isEqualTo(XAException.XAER_NOTA);
        assertThat(stats().xaStarted()).isZero();
    }

    @Test
    void malformedXidsAndFlagsGiveXaerInval() throws Exception {
        assertThat(xaCode(() -> xa.start(null, TMNOFLAGS))).isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.start(new TestXid(-1, new byte[] {1}, new byte[0]), TMNOFLAGS)))
                .isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.start(new TestXid(1, new byte[0], new byte[0]), TMNOFLAGS)))
                .isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.start(new TestXid(1, new byte[Xid.MAXGTRIDSIZE + 1], new byte[0]), TMNOFLAGS)))
                .isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.start(new TestXid(1, new byte[] {1}, new byte[Xid.MAXBQUALSIZE + 1]), TMNOFLAGS)))
                .isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.start(TestXid.of("bad-flags"), TMSUCCESS))).isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.recover(TMSUCCESS))).isEqualTo(XAException.XAER_INVAL);
        assertThat(xaCode(() -> xa.setTransactionTimeout(-1))).isEqualTo(XAException.XAER_INVAL);

        Xid xid = TestXid.of("end-flags");
        xa.start(xid, TMNOFLAGS);
        assertThat(xaCode(() -> xa.end(xid, TMJOIN))).isEqualTo(XAException.XAER_INVAL);
        assertThat(stats().xaStarted()).as("rejected calls change nothing").isEqualTo(1);
    }

    @Test
    void startingAKnownXidAgainGivesXaerDupid() throws Exception {
        Xid xid = TestXid.of("dup");
        xa.start(xid, TMNOFLAGS);
        xa.end(xid, TMSUCCESS);
        assertThat(xaCode(() -> xa.start(new TestXid(4711, "dup".getBytes(), new byte[] {1}), TMNOFLAGS)))
                .isEqualTo(XAException.XAER_DUPID);
    }

    @Test
    void callsOutOfOrderGiveXaerProto() throws Exception {
        Xid xid = TestXid.of("proto");
        xa.start(xid, TMNOFLAGS);
        assertThat(xaCode(() -> xa.start(TestXid.of("second"), TMNOFLAGS)))
                .as("one association per connection").isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> xa.prepare(xid))).as("prepare before end").isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> xa.commit(xid, true))).as("commit before end").isEqualTo(XAException.XAER_PROTO);
        xa.end(xid, TMSUCCESS);
        assertThat(xaCode(() -> xa.end(xid, TMSUCCESS))).as("end twice").isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> xa.commit(xid, false))).as("two-phase commit without prepare")
                .isEqualTo(XAException.XAER_PROTO);
        assertThat(xaCode(() -> xa.forget(xid))).as("nothing heuristic to forget").isEqualTo(XAException.XAER_PROTO);
        xa.commit(xid, true);
        assertThat(stats().xaCommitted()).isEqualTo(1);
    }

    @Test
    void protocolErrorsInStartOrEndReportTheConnectionBroken() throws Exception {
        xaCode(() -> xa.prepare(TestXid.of("unknown")));
        assertThat(mc.isDestroyed()).as("prepare errors do not break the connection").isFalse();

        Xid xid = TestXid.of("broken");
        xa.start(xid, TMNOFLAGS);
        xa.end(xid, TMSUCCESS);
        assertThat(xaCode(() -> xa.start(xid, TMNOFLAGS))).isEqualTo(XAException.XAER_DUPID);
        assertThat(mc.isDestroyed()).as("the connection error event made the manager destroy it").isTrue();
    }

    @Test
    void endWithTmfailMakesTheBranchRollBack() throws Exception {
        Xid xid = TestXid.of("fail");
        xa.start(xid, TMNOFLAGS);
        xa.end(xid, TMFAIL);
        assertThat(xaCode(() -> xa.prepare(xid))).isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(stats().xaRolledBack()).isEqualTo(1);
        assertThat(xaCode(() -> xa.rollback(xid))).as("already rolled back and forgotten")
                .isEqualTo(XAException.XAER_NOTA);

        Xid onePhase = TestXid.of("fail-1pc");
        xa.start(onePhase, TMNOFLAGS);
        xa.end(onePhase, TMFAIL);
        assertThat(xaCode(() -> xa.commit(onePhase, true))).isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(stats().xaRolledBack()).isEqualTo(2);
        assertThat(stats().xaCommitted()).isZero();
        assertThat(mc.isDestroyed()).as("rollback codes do not break the connection").isFalse();
    }

    @Test
    void rollbackWorksFromIdleSuspendedAndActive() throws Exception {
        Xid idle = TestXid.of("idle");
        xa.start(idle, TMNOFLAGS);
        xa.end(idle, TMSUCCESS);
        xa.rollback(idle);

        Xid suspended = TestXid.of("suspended");
        xa.start(suspended, TMNOFLAGS);
        xa.end(suspended, TMSUSPEND);
        xa.rollback(suspended);

        Xid active = TestXid.of("active");
        xa.start(active, TMNOFLAGS);
        xa.rollback(active);
        assertThat(mc.xaResourceInternal().currentBranch()).as("association dropped with the branch").isNull();
        xa.start(TestXid.of("next"), TMNOFLAGS);

        assertThat(stats().xaRolledBack()).isEqualTo(3);
    }

    @Test
    void suspendAndResume() throws Exception {
        Xid xid = TestXid.of("suspend");
        xa.start(xid, TMNOFLAGS);
        xa.end(xid, TMSUSPEND);
        assertThat(xaCode(() -> xa.prepare(xid))).as("a suspended branch is not ended")
                .isEqualTo(XAException.XAER_PROTO);
        xa.start(xid, TMRESUME);
        assertThat(xaCode(() -> xa.start(xid, TMRESUME))).isEqualTo(XAException.XAER_PROTO);
        xa.end(xid, TMSUCCESS);
        xa.commit(xid, true);
        assertThat(stats().xaCommitted()).isEqualTo(1);
    }

    @Test
    void otherConnectionsOfTheSameStoreAreTheSameResourceManagerAndCanJoin() throws Exception {
        LocksmithManagedConnection other = (LocksmithManagedConnection) mcf.createManagedConnection(null, null);
        XAResource xa2 = other.getXAResource();
        assertThat(xa.isSameRM(xa2)).isTrue();

        Xid xid = TestXid.of("joined");
        xa.start(xid, TMNOFLAGS);
        xa2.start(xid, TMJOIN);
        xa.end(xid, TMSUCCESS);
        assertThat(xaCode(() -> xa2.prepare(xid))).as("still associated with the second connection")
                .isEqualTo(XAException.XAER_PROTO);
        xa2.end(xid, TMSUCCESS);
        xa.commit(xid, true);
        assertThat(stats().xaStarted()).as("a join is not a new branch").isEqualTo(1);
        assertThat(stats().xaCommitted()).isEqualTo(1);

        LocksmithManagedConnectionFactory elsewhere = TestAdapters.factory(ra, store.resolve("other"));
        XAResource foreign = elsewhere.createManagedConnection(null, null).getXAResource();
        assertThat(xa.isSameRM(foreign)).isFalse();
    }

    @Test
    void recoverFindsNothingWhenNoBranchIsPreparedAndCountsScans() throws Exception {
        Xid a = TestXid.of("a");
        xa.start(a, TMNOFLAGS);
        xa.end(a, TMSUCCESS);

        assertThat(xa.recover(TMSTARTRSCAN)).as("an idle branch is not in doubt").isEmpty();
        assertThat(xa.recover(TMNOFLAGS)).as("rest of the scan").isEmpty();
        assertThat(xa.recover(TMENDRSCAN)).isEmpty();
        assertThat(xa.recover(TMSTARTRSCAN | TMENDRSCAN)).isEmpty();
        assertThat(stats().recoveryScans()).as("scans begun").isEqualTo(2);
    }

    @Test
    void transactionTimeoutIsRecorded() throws Exception {
        assertThat(xa.setTransactionTimeout(30)).isTrue();
        assertThat(xa.getTransactionTimeout()).isEqualTo(30);
    }

    @Test
    void xidKeysAreValuesWhateverTheXidImplementation() throws Exception {
        XidKey k1 = XidKey.of(TestXid.of("same"));
        XidKey k2 = XidKey.of(TestXid.of("same"));
        assertThat(k1).isEqualTo(k2).hasSameHashCodeAs(k2);
        assertThat(k1).isNotEqualTo(XidKey.of(new TestXid(4711, "same".getBytes(), new byte[] {2})));
        assertThat(k1.toString()).isEqualTo("4711:73616d65:01");
    }
}
