package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Owners' rundown, request timeouts, cancel and interruption. */
class RundownTimeoutCancelTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");

    @Test
    void closeReleasesEverythingTheOwnerHolds() {
        Lock root = lock(a, "FILE", NL);
        a.enqueueAsync(LockRequest.of("REC", EX).withParent(root));
        lock(a, "OTHER", PR);
        a.close();
        assertThat(a.isClosed()).isTrue();
        assertThat(a.locks()).isEmpty();
        assertThat(manager.statistics().locks()).isZero();
        assertThat(manager.statistics().resources()).isZero();
    }

    @Test
    void closeGrantsWhatWaitedForTheOwnersLocks() {
        lock(a, "R", EX);
        Lock waiter = b.enqueueAsync(LockRequest.of("R", PR));
        a.close();
        assertThat(await(completion(waiter)).grantedMode()).isEqualTo(PR);
    }

    @Test
    void closeCancelsTheOwnersWaitingRequests() {
        lock(b, "R", EX);
        Lock waiting = a.enqueueAsync(LockRequest.of("R", PR));
        a.close();
        assertThat(failureOf(completion(waiting))).isEqualTo(LockStatus.CANCELLED);
        assertThat(manager.resource(Namespace.group(0), java.util.List.of("R")).orElseThrow().waiting()).isEmpty();
    }

    @Test
    void aClosedOwnerRefusesRequests() {
        Lock l = lock(a, "R", EX);
        a.close();
        assertThatThrownBy(() -> lock(a, "S", EX))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.OWNERCLOSED);
                    assertThat(e.getMessage()).contains("'a'");
                });
        assertThatThrownBy(() -> convert(a, l, NL)).isInstanceOf(LockException.class);
        assertThat(manager.statistics().locks()).isZero();
    }

    @Test
    void closeIsIdempotent() {
        lock(a, "R", EX);
        a.close();
        a.close();
        a.abort();
        assertThat(a.isClosed()).isTrue();
    }

    @Test
    void dequeueAllReleasesEverythingButKeepsTheOwnerOpen() {
        Lock root = lock(a, "FILE", NL);
        a.enqueueAsync(LockRequest.of("REC", EX).withParent(root));
        a.dequeueAll();
        assertThat(a.locks()).isEmpty();
        assertThat(lock(a, "R", EX).grantedMode()).isEqualTo(EX);
    }

    @Test
    void dequeuingTwiceIsRefused() {
        Lock l = lock(a, "R", EX);
        a.dequeue(l);
        assertThatThrownBy(() -> a.dequeue(l))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.IVLOCKID);
                    assertThat(e.getMessage()).contains("already dequeued");
                });
    }

    @Test
    void aTimedOutRequestEndsWithTimeoutAndLeavesTheQueue() {
        lock(b, "R", EX);
        assertThatThrownBy(() -> a.enqueue(LockRequest.of("R", PR).withTimeout(Duration.ofMillis(20))))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(a.locks()).isEmpty();
        assertThat(manager.statistics().timeouts()).isEqualTo(1);
    }

    @Test
    void requestsBehindATimedOutRequestAreReexamined() {
        lock(b, "R", PR);
        Lock writer = a.enqueueAsync(LockRequest.of("R", EX).withTimeout(Duration.ofMillis(20)));
        LockOwner c = owner("c");
        Lock reader = c.enqueueAsync(LockRequest.of("R", PR));
        assertThat(failureOf(completion(writer))).isEqualTo(LockStatus.TIMEOUT);
        assertThat(await(completion(reader)).grantedMode()).isEqualTo(PR);
    }

    @Test
    void aZeroTimeoutMakesOneAttempt() {
        lock(b, "R", EX);
        assertThatThrownBy(() -> a.enqueue(LockRequest.of("R", PR).withTimeout(Duration.ZERO)))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(lock(a, "FREE", EX).status()).isEqualTo(LockStatus.SYNCH);
    }

    @Test
    void aTimedOutConversionKeepsTheOldMode() {
        lock(b, "R", PR);
        Lock l = lock(a, "R", PR);
        assertThatThrownBy(() -> a.convert(l, LockRequest.conversionTo(EX).withTimeout(Duration.ofMillis(20))))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        assertThat(l.grantedMode()).isEqualTo(PR);
        assertThat(l.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void cancellingAWaitingRequestEndsItWithCancelled() {
        lock(b, "R", EX);
        Lock l = a.enqueueAsync(LockRequest.of("R", PR));
        assertThat(a.cancel(l)).isTrue();
        assertThat(failureOf(completion(l))).isEqualTo(LockStatus.CANCELLED);
        assertThat(a.locks()).isEmpty();
    }

    @Test
    void cancellingAConversionKeepsTheOldMode() {
        lock(b, "R", PR);
        Lock l = lock(a, "R", PR);
        var conversion = a.convertAsync(l, LockRequest.conversionTo(EX));
        assertThat(a.cancel(l)).isTrue();
        assertThat(failureOf(conversion)).isEqualTo(LockStatus.CANCELLED);
        assertThat(l.grantedMode()).isEqualTo(PR);
        assertThat(l.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void cancellingAGrantedLockDoesNothing() {
        Lock l = lock(a, "R", EX);
        assertThat(a.cancel(l)).isFalse();
        assertThat(l.grantedMode()).isEqualTo(EX);
    }

    @Test
    void cancellingARequestThatAlreadyFailedReturnsFalse() {
        lock(b, "R", EX);
        Lock l = a.enqueueAsync(LockRequest.of("R", PR).withTimeout(Duration.ofMillis(5)));
        assertThat(failureOf(completion(l))).isEqualTo(LockStatus.TIMEOUT);
        assertThat(a.cancel(l)).isFalse();
    }

    @Test
    void cancellingADequeuedLockIsRefused() {
        Lock l = lock(a, "R", EX);
        a.dequeue(l);
        assertThatThrownBy(() -> a.cancel(l))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.IVLOCKID));
    }

    @Test
    void cancellingLetsRequestsBehindIn() {
        lock(b, "R", PR);
        Lock writer = a.enqueueAsync(LockRequest.of("R", EX));
        LockOwner c = owner("c");
        Lock reader = c.enqueueAsync(LockRequest.of("R", PR));
        a.cancel(writer);
        assertThat(await(completion(reader)).grantedMode()).isEqualTo(PR);
    }

    @Test
    void dequeuingAWaitingRequestCancelsIt() {
        lock(b, "R", EX);
        Lock l = a.enqueueAsync(LockRequest.of("R", PR));
        a.dequeue(l);
        assertThat(failureOf(completion(l))).isEqualTo(LockStatus.CANCELLED);
        assertThat(a.locks()).isEmpty();
    }

    @Test
    void interruptingASynchronousWaitCancelsTheRequest() throws Exception {
        lock(b, "R", EX);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                a.enqueue("R", PR);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        eventually(() -> assertThat(a.locks()).hasSize(1));
        eventually(() -> assertThat(a.locks().get(0).queue()).contains(LockQueue.WAITING));
        t.interrupt();
        t.join(HANG_GUARD.toMillis());
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class).hasMessageContaining("cancelled");
        assertThat(a.locks()).isEmpty();
    }

    @Test
    void aSynchronousWaiterIsWokenByTheGrant() throws Exception {
        Lock held = lock(b, "R", EX);
        CompletableFuture<Lock> got = CompletableFuture.supplyAsync(() -> lock(a, "R", PR));
        eventually(() -> assertThat(a.locks()).hasSize(1));
        b.dequeue(held);
        assertThat(await(got).status()).isEqualTo(LockStatus.NORMAL);
    }

    @Test
    void closingTheManagerFailsPendingRequestsWithShutdown() {
        lock(b, "R", EX);
        Lock l = a.enqueueAsync(LockRequest.of("R", PR));
        manager.close();
        assertThat(failureOf(completion(l))).isEqualTo(LockStatus.SHUTDOWN);
        assertThatThrownBy(() -> lock(a, "S", EX))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.SHUTDOWN));
    }
}
