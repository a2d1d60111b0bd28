package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.CR;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static dev.locksmith.lock.LockMode.PW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The VMS grant rules, one per test. */
class GrantRulesTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");
    final LockOwner c = owner("c");

    @Test
    void compatibleNewRequestIsGrantedAtOnceWithSynch() {
        lock(a, "R", PR);
        Lock l = lock(b, "R", PR);
        assertThat(l.status()).isEqualTo(LockStatus.SYNCH);
        assertThat(l.grantedMode()).isEqualTo(PR);
        assertThat(l.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void incompatibleNewRequestWaits() {
        lock(a, "R", EX);
        Lock l = b.enqueueAsync(LockRequest.of("R", PR));
        assertWaiting(l);
        assertThat(l.grantedMode()).isNull();
        assertThat(l.requestedMode()).isEqualTo(PR);
    }

    @Test
    void compatibleNewRequestWaitsBehindAWaitingRequest() {
        Lock held = lock(a, "R", PR);
        Lock writer = b.enqueueAsync(LockRequest.of("R", EX));
        Lock reader = c.enqueueAsync(LockRequest.of("R", PR));
        assertWaiting(reader);
        a.dequeue(held);
        assertThat(await(completion(writer)).grantedMode()).isEqualTo(EX);
        assertWaiting(reader);
    }

    @Test
    void newRequestWaitsWhileAConversionIsPending() {
        Lock ar = lock(a, "R", PR);
        lock(b, "R", PR);
        var conversion = a.convertAsync(ar, LockRequest.conversionTo(EX));
        Lock cr = c.enqueueAsync(LockRequest.of("R", CR));
        assertThat(isDone(conversion)).isFalse();
        assertWaiting(cr);
    }

    @Test
    void compatibleConversionIsGrantedInPlaceAheadOfWaitingRequests() {
        Lock ar = lock(a, "R", CR);
        lock(b, "R", PR);
        Lock waiter = c.enqueueAsync(LockRequest.of("R", EX));
        Lock converted = convert(a, ar, PR);
        assertThat(converted.grantedMode()).isEqualTo(PR);
        assertThat(converted.status()).isEqualTo(LockStatus.SYNCH);
        assertWaiting(waiter);
    }

    @Test
    void waitingConversionsAreServedBeforeWaitingNewRequests() {
        Lock ar = lock(a, "R", PR);
        Lock br = lock(b, "R", CR);
        var conversion = b.convertAsync(br, LockRequest.conversionTo(EX));
        Lock newRequest = c.enqueueAsync(LockRequest.of("R", EX));
        a.dequeue(ar);
        assertThat(await(conversion).grantedMode()).isEqualTo(EX);
        assertWaiting(newRequest);
    }

    @Test
    void waitingConversionsAreServedFirstInFirstOut() {
        Lock ex = lock(a, "R", EX);
        Lock bl = lock(b, "R", NL);
        Lock cl = lock(c, "R", NL);
        var first = b.convertAsync(bl, LockRequest.conversionTo(PW));
        var second = c.convertAsync(cl, LockRequest.conversionTo(PW));
        a.dequeue(ex);
        assertThat(await(first).grantedMode()).isEqualTo(PW);
        assertThat(isDone(second)).isFalse();
        b.dequeue(bl);
        assertThat(await(second).grantedMode()).isEqualTo(PW);
    }

    @Test
    void aConversionBehindAnIncompatibleOneWaitsEvenIfItCouldBeGranted() {
        Lock pr = lock(a, "R", PR);
        Lock bl = lock(b, "R", NL);
        Lock cl = lock(c, "R", NL);
        var first = b.convertAsync(bl, LockRequest.conversionTo(EX));
        // In place this is compatible with PR; QUECVT makes it queue behind the pending EX.
        var second = c.convertAsync(cl, LockRequest.conversionTo(PR).withFlags(LockFlag.QUECVT));
        assertThat(isDone(second)).isFalse();
        a.dequeue(pr);
        await(first);
        assertThat(isDone(second)).isFalse();
        b.dequeue(bl);
        assertThat(await(second).grantedMode()).isEqualTo(PR);
    }

    @Test
    void withoutQuecvtACompatibleConversionJumpsPendingConversions() {
        lock(a, "R", PR);
        Lock bl = lock(b, "R", NL);
        Lock cl = lock(c, "R", NL);
        b.convertAsync(bl, LockRequest.conversionTo(EX));
        assertThat(convert(c, cl, PR).grantedMode()).isEqualTo(PR);
    }

    @Test
    void expeditedNlRequestSkipsTheQueues() {
        lock(a, "R", EX);
        Lock waiter = b.enqueueAsync(LockRequest.of("R", PR));
        Lock nl = lock(c, "R", NL, LockFlag.EXPEDITE);
        assertThat(nl.grantedMode()).isEqualTo(NL);
        assertWaiting(waiter);
    }

    @Test
    void plainNlRequestWaitsBehindTheQueue() {
        lock(a, "R", EX);
        b.enqueueAsync(LockRequest.of("R", PR));
        Lock nl = c.enqueueAsync(LockRequest.of("R", NL));
        assertWaiting(nl);
    }

    @Test
    void noqueueRequestIsRefusedAtOnceWithNotQueued() {
        lock(a, "R", EX);
        assertThatThrownBy(() -> lock(b, "R", PR, LockFlag.NOQUEUE))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
        assertThat(b.locks()).isEmpty();
        assertThat(manager.statistics().notQueued()).isEqualTo(1);
    }

    @Test
    void noqueueConversionIsRefusedAndTheLockKeepsItsMode() {
        lock(a, "R", PR);
        Lock bl = lock(b, "R", PR);
        assertThatThrownBy(() -> convert(b, bl, EX, LockFlag.NOQUEUE))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
        assertThat(bl.grantedMode()).isEqualTo(PR);
        assertThat(bl.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void releaseGrantsWaitersInOrderWhileCompatible() {
        Lock ex = lock(a, "R", EX);
        Lock r1 = b.enqueueAsync(LockRequest.of("R", PR));
        Lock r2 = c.enqueueAsync(LockRequest.of("R", PR));
        LockOwner d = owner("d");
        Lock w = d.enqueueAsync(LockRequest.of("R", EX));
        a.dequeue(ex);
        await(completion(r1));
        await(completion(r2));
        assertWaiting(w);
    }

    @Test
    void downConversionLetsWaitersIn() {
        Lock ex = lock(a, "R", EX);
        Lock reader = b.enqueueAsync(LockRequest.of("R", PR));
        convert(a, ex, PR);
        assertThat(await(completion(reader)).grantedMode()).isEqualTo(PR);
    }

    @Test
    void everyGrantCarriesAGrowingFencingToken() {
        Lock first = lock(a, "R", EX);
        long t1 = first.fencingToken();
        a.dequeue(first);
        Lock second = lock(b, "R", EX);
        long t2 = second.fencingToken();
        convert(b, second, PR);
        long t3 = second.fencingToken();
        assertThat(List.of(t1, t2, t3)).isSorted().doesNotHaveDuplicates();
        assertThat(t1).isPositive();
    }

    @Test
    void resourceDisappearsWithItsLastLock() {
        Lock l1 = lock(a, "R", PR);
        Lock l2 = lock(b, "R", PR);
        a.dequeue(l1);
        assertThat(manager.resource(Namespace.group(0), List.of("R"))).isPresent();
        b.dequeue(l2);
        assertThat(manager.resource(Namespace.group(0), List.of("R"))).isEmpty();
        assertThat(manager.statistics().resources()).isZero();
        assertThat(manager.statistics().locks()).isZero();
    }

    @Test
    void refusedAndTimedOutRequestsLeaveNothingBehind() {
        Lock ex = lock(a, "R", EX);
        assertThatThrownBy(() -> lock(b, "R", EX, LockFlag.NOQUEUE)).isInstanceOf(LockException.class);
        assertThatThrownBy(() -> b.enqueue(LockRequest.of("R", EX).withTimeout(java.time.Duration.ofMillis(5))))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.TIMEOUT));
        a.dequeue(ex);
        assertThat(manager.statistics().resources()).isZero();
        assertThat(manager.statistics().locks()).isZero();
        assertThat(b.locks()).isEmpty();
    }
}
