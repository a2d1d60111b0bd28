package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hooks a cluster master uses to report outcomes to its own node: the grant of a request
 * granted at once read in one go, and the end of a waiting request told on the thread that ends it.
 */
class MasterReportHooksTest {

    @Test
    void aRequestGrantedAtOnceShowsItsGrantInOneRead() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            Lock lock = manager.newOwner("o").enqueueAsync(LockRequest.of("r", LockMode.PW));

            LocalLockManager.Grant grant = manager.grantOf(lock);

            assertThat(grant.mode()).isEqualTo(LockMode.PW);
            assertThat(grant.status().isGranted()).isTrue();
            assertThat(grant.fencingToken()).isEqualTo(lock.fencingToken());
            assertThat(grant.valueBlock()).isEmpty();
        }
    }

    @Test
    void aWaitingRequestHasNoGrantToRead() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            manager.newOwner("holder").enqueue("r", LockMode.EX);
            Lock waiting = manager.newOwner("waiter").enqueueAsync(LockRequest.of("r", LockMode.EX));

            assertThat(manager.grantOf(waiting)).isNull();
        }
    }

    @Test
    void aWaitingRequestsGrantIsToldOnTheThreadThatReleasedItsBlocker() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            LockOwner holder = manager.newOwner("holder");
            Lock held = holder.enqueue("r", LockMode.EX);
            Recorder recorder = new Recorder();

            manager.enqueueAsync(manager.newOwner("waiter"), LockRequest.of("r", LockMode.EX), recorder);
            holder.dequeue(held);

            assertThat(recorder.waiting).isTrue();
            assertThat(recorder.ended.getNow(null)).isSameAs(Thread.currentThread());
            assertThat(recorder.failure).isNull();
        }
    }

    @Test
    void aWaitingRequestThatTimesOutIsToldItsFailure() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            manager.newOwner("holder").enqueue("r", LockMode.EX);
            Recorder recorder = new Recorder();

            manager.enqueueAsync(manager.newOwner("waiter"),
                    LockRequest.of("r", LockMode.EX).withTimeout(Duration.ofMillis(10)), recorder);

            recorder.ended.get(30, TimeUnit.SECONDS);
            assertThat(recorder.failure.status()).isEqualTo(LockStatus.TIMEOUT);
        }
    }

    @Test
    void aRequestGrantedAtOnceTellsItsListenerNothing() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build()) {
            Recorder recorder = new Recorder();

            Lock lock = manager.enqueueAsync(manager.newOwner("o"), LockRequest.of("r", LockMode.EX), recorder);

            assertThat(lock.status().isGranted()).isTrue();
            assertThat(recorder.waiting).isFalse();
            assertThat(recorder.ended).isNotDone();
        }
    }

    @Test
    void anOwnerOfAnotherManagerIsRefused() throws Exception {
        try (LocalLockManager manager = (LocalLockManager) LockManager.builder().build();
             LockManager other = LockManager.builder().build()) {
            LockOwner stranger = other.newOwner("o");

            assertThatThrownBy(() -> manager.enqueueAsync(stranger, LockRequest.of("r", LockMode.EX), new Recorder()))
                    .isInstanceOf(LockException.class)
                    .satisfies(e -> assertThat(((LockException) e).status()).isEqualTo(LockStatus.IVLOCKID));
        }
    }

    /** Records what a listener was told and on which thread the end came. */
    private static final class Recorder implements LocalLockManager.EndListener {
        final CompletableFuture<Thread> ended = new CompletableFuture<>();
        volatile boolean waiting;
        volatile LockException failure;

        @Override
        public void waiting() {
            waiting = true;
        }

        @Override
        public void ended(LockException outcome) {
            failure = outcome;
            ended.complete(Thread.currentThread());
        }
    }
}
