package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks a cluster master uses to report outcomes to its own node: the grant of a request
 * granted at once read in one go (or told to its end listener), and the end of a waiting request
 * told on the thread that ends it.
 */
class MasterReportHooksTest {
    private final LocalLockManager manager = (LocalLockManager) LockManager.builder().build();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aRequestGrantedAtOnceShowsItsGrantInOneRead() {
        Lock lock = manager.newOwner("o").enqueueAsync(LockRequest.of("r", LockMode.PW));

        LocalLockManager.Grant grant = manager.grantOf(lock);

        assertThat(grant.mode()).isEqualTo(LockMode.PW);
        assertThat(grant.status().isGranted()).isTrue();
        assertThat(grant.fencingToken()).isEqualTo(lock.fencingToken());
        assertThat(grant.valueBlock()).isEmpty();
    }

    @Test
    void aWaitingRequestHasNoGrantToRead() throws Exception {
        heldElsewhere();

        assertThat(manager.grantOf(manager.newOwner("waiter").enqueueAsync(LockRequest.of("r", LockMode.EX)))).isNull();
    }

    @Test
    void aWaitingRequestsGrantIsToldOnTheThreadThatReleasedItsBlocker() throws Exception {
        Lock held = heldElsewhere();
        Recorder recorder = new Recorder();

        manager.enqueueAsync(manager.newOwner("waiter"), LockRequest.of("r", LockMode.EX), recorder);
        held.owner().dequeue(held);

        assertThat(recorder.toldWaiting).isTrue();
        assertThat(recorder.grantedAtOnce).as("not granted at once").isNull();
        assertThat(recorder.endedOn).isSameAs(Thread.currentThread());
        assertThat(recorder.outcome.getNow(null)).isEqualTo(Optional.empty());
        assertThat(recorder.endedGrant.mode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aWaitingRequestsEndCarriesTheGrantAsTheReleaseMadeIt() throws Exception {
        LockOwner holder = manager.newOwner("holder");
        Lock held = holder.enqueue(LockRequest.of("r", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] written = new byte[16];
        written[0] = 42;
        held.setValueBlock(written);
        Recorder recorder = new Recorder();
        Lock waiting = manager.enqueueAsync(manager.newOwner("waiter"),
                LockRequest.of("r", LockMode.PW).withFlags(LockFlag.VALBLK), recorder);

        holder.dequeue(held, LockFlag.VALBLK);

        LocalLockManager.Grant grant = recorder.endedGrant;
        assertThat(grant.mode()).isEqualTo(LockMode.PW);
        assertThat(grant.status()).isEqualTo(LockStatus.NORMAL);
        assertThat(grant.fencingToken()).isEqualTo(waiting.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(grant.valueBlock()).isEqualTo(written);
    }

    @Test
    void aWaitingRequestThatTimesOutIsToldItsFailure() throws Exception {
        heldElsewhere();
        Recorder recorder = new Recorder();

        manager.enqueueAsync(manager.newOwner("waiter"),
                LockRequest.of("r", LockMode.EX).withTimeout(Duration.ofMillis(10)), recorder);

        assertThat(recorder.outcome.get(30, TimeUnit.SECONDS)).hasValueSatisfying(
                failure -> assertThat(failure.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(recorder.endedGrant).as("no grant with a failure").isNull();
    }

    @Test
    void aRequestGrantedAtOnceTellsItsListenerOnlyTheGrant() {
        Recorder recorder = new Recorder();

        Lock lock = manager.enqueueAsync(manager.newOwner("o"), LockRequest.of("r", LockMode.EX), recorder);

        assertThat(lock.status().isGranted()).isTrue();
        assertThat(recorder.grantedAtOnce.mode()).isEqualTo(LockMode.EX);
        assertThat(recorder.grantedAtOnce.status().isGranted()).isTrue();
        assertThat(recorder.grantedAtOnce.fencingToken()).isEqualTo(lock.fencingToken());
        assertThat(recorder.toldWaiting).isFalse();
        assertThat(recorder.outcome).isNotDone();
    }

    @Test
    void aRequestRefusedAtOnceIsToldNothing() throws Exception {
        heldElsewhere();
        Recorder recorder = new Recorder();

        Lock lock = manager.enqueueAsync(manager.newOwner("o"),
                LockRequest.of("r", LockMode.EX).withFlags(LockFlag.NOQUEUE), recorder);

        assertThat(lock.status()).isEqualTo(LockStatus.NOTQUEUED);
        assertThat(recorder.grantedAtOnce).isNull();
        assertThat(recorder.toldWaiting).isFalse();
        assertThat(recorder.outcome).isNotDone();
    }

    @Test
    void anOwnerOfAnotherManagerIsRefused() {
        try (LockManager other = LockManager.builder().build()) {
            LockOwner stranger = other.newOwner("o");

            assertThatThrownBy(() -> manager.enqueueAsync(stranger, LockRequest.of("r", LockMode.EX), new Recorder()))
                    .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.IVLOCKID));
        }
    }

    @Test
    void aRequestGivenByItsFieldsIsGrantedAtOnceUnderItsParentAndTellsItsListener() throws Exception {
        LockOwner owner = manager.newOwner("o");
        Lock root = owner.enqueue("root", LockMode.CR);
        Recorder recorder = new Recorder();

        Lock lock = manager.enqueueAsync(owner, root, "r", LockMode.EX, 1 << LockFlag.VALBLK.ordinal(), -1, null,
                recorder);

        assertThat(lock.status().isGranted()).isTrue();
        assertThat(lock.parent()).contains(root);
        assertThat(lock.info().resourcePath()).containsExactly("root", "r");
        assertThat(recorder.grantedAtOnce.mode()).isEqualTo(LockMode.EX);
        assertThat(recorder.grantedAtOnce.fencingToken()).isEqualTo(lock.fencingToken());
        assertThat(recorder.grantedAtOnce.valueBlock()).as("VALBLK carried by the flag bits").hasSize(16);
        assertThat(recorder.toldWaiting).isFalse();
    }

    @Test
    void aWaitingRequestGivenByItsFieldsTimesOutAsItsTimeoutSays() throws Exception {
        heldElsewhere();
        Recorder recorder = new Recorder();

        manager.enqueueAsync(manager.newOwner("waiter"), null, "r", LockMode.EX, 0,
                Duration.ofMillis(10).toNanos(), null, recorder);

        assertThat(recorder.toldWaiting).isTrue();
        assertThat(recorder.outcome.get(30, TimeUnit.SECONDS)).hasValueSatisfying(
                failure -> assertThat(failure.status()).isEqualTo(LockStatus.TIMEOUT));
    }

    @Test
    void aRequestGivenByItsFieldsWithoutAListenerEndsThroughItsCompletion() throws Exception {
        Lock held = heldElsewhere();

        Lock waiting = manager.enqueueAsync(manager.newOwner("waiter"), null, "r", LockMode.EX, 0, -1, null, null);
        held.owner().dequeue(held);

        assertThat(waiting.completion().toCompletableFuture().get(30, TimeUnit.SECONDS)).isSameAs(waiting);
        assertThat(waiting.grantedMode()).isEqualTo(LockMode.EX);
    }

    @Test
    void aRequestGivenByItsFieldsWithFlagsALockRequestMayNotHaveIsRefused() {
        LockOwner owner = manager.newOwner("o");

        assertThatThrownBy(() -> manager.enqueueAsync(owner, null, "r", LockMode.EX, 1 << LockFlag.EXPEDITE.ordinal(),
                -1, null, new Recorder()))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.BADPARAM));
        assertThat(manager.locks()).isEmpty();
    }

    @Test
    void aRequestGivenByItsFieldsUnderAnotherOwnersParentIsRefused() throws Exception {
        Lock othersParent = manager.newOwner("other").enqueue("root", LockMode.CR);

        assertThatThrownBy(() -> manager.enqueueAsync(manager.newOwner("o"), othersParent, "r", LockMode.EX, 0, -1, null,
                new Recorder()))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.PARNOTGRANT));
        assertThat(manager.locks()).hasSize(1);
    }

    /** An EX lock on r that another owner holds. */
    private Lock heldElsewhere() throws InterruptedException {
        return manager.newOwner("holder").enqueue("r", LockMode.EX);
    }

    /** What a listener was told: that it waits, then its outcome (empty: granted) and the thread it came on. */
    private static final class Recorder implements LocalLockManager.EndListener {
        final CompletableFuture<Optional<LockException>> outcome = new CompletableFuture<>();
        volatile boolean toldWaiting;
        volatile Thread endedOn;
        volatile LocalLockManager.Grant grantedAtOnce;
        /** The grant the end carried (null when it failed); written before {@link #outcome} completes. */
        volatile LocalLockManager.Grant endedGrant;

        @Override
        public void grantedAtOnce(LockMode mode, LockStatus status, long fencingToken, byte[] valueBlock) {
            grantedAtOnce = new LocalLockManager.Grant(mode, status, fencingToken, valueBlock);
        }

        @Override
        public void waiting() {
            toldWaiting = true;
        }

        @Override
        public void ended(LocalLockManager.Grant grant, LockException failure) {
            endedOn = Thread.currentThread();
            endedGrant = grant;
            outcome.complete(Optional.ofNullable(failure));
        }
    }
}
