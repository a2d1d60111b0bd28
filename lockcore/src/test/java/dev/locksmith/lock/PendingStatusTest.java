package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request that waits has no outcome yet: as a VMS lock status block holds no condition value
 * until the request completes, {@link Lock#status()} says {@link LockStatus#PENDING}, which is
 * not a granted status, until the request is granted or ends otherwise.
 */
class PendingStatusTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");

    @Test
    void aWaitingNewRequestIsPendingNotGranted() {
        lock(a, "R", EX);
        Lock waiting = b.enqueueAsync(LockRequest.of("R", PR));
        assertThat(waiting.status()).isEqualTo(LockStatus.PENDING);
        assertThat(waiting.status().isGranted()).isFalse();
        assertThat(waiting.info().status()).isEqualTo(LockStatus.PENDING);
    }

    @Test
    void aWaitingConversionIsPendingNotThePreviousRequestsStatus() {
        lock(a, "R", PR);
        Lock mine = lock(b, "R", NL);
        b.convertAsync(mine, LockRequest.conversionTo(EX));
        assertThat(mine.status()).isEqualTo(LockStatus.PENDING);
        assertThat(mine.grantedMode()).isEqualTo(NL);
    }

    @Test
    void aPendingRequestGrantedAfterWaitingSaysNormal() {
        Lock held = lock(a, "R", EX);
        Lock waiting = b.enqueueAsync(LockRequest.of("R", PR));
        a.dequeue(held);
        await(completion(waiting));
        assertThat(waiting.status()).isEqualTo(LockStatus.NORMAL);
    }

    @Test
    void aPendingConversionThatTimesOutSaysTimeoutAndKeepsItsGrantedMode() {
        lock(a, "R", PR);
        Lock mine = lock(b, "R", NL);
        var conversion = b.convertAsync(mine, LockRequest.conversionTo(EX).withTimeout(Duration.ofMillis(50)));
        assertThat(failureOf(conversion)).isEqualTo(LockStatus.TIMEOUT);
        assertThat(mine.status()).isEqualTo(LockStatus.TIMEOUT);
        assertThat(mine.grantedMode()).isEqualTo(NL);
    }

    @Test
    void aPendingRequestThatIsCancelledSaysCancelled() {
        lock(a, "R", EX);
        Lock waiting = b.enqueueAsync(LockRequest.of("R", PR));
        assertThat(b.cancel(waiting)).isTrue();
        assertThat(waiting.status()).isEqualTo(LockStatus.CANCELLED);
    }
}
