package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Blocking and completion callbacks: delivered on the executor, outside the engine's locks. */
class CallbackTest extends LockManagerTestSupport {
    final LockOwner holder = owner("holder");
    final LockOwner other = owner("other");
    final List<String> seen = new CopyOnWriteArrayList<>();

    BlockingHandler recorder() {
        return (lock, mode) -> seen.add(lock.resourceName() + " blocks " + mode);
    }

    Lock lockWithHandler(LockOwner owner, String name, LockMode mode, BlockingHandler handler) {
        try {
            return owner.enqueue(LockRequest.of(name, mode).withBlockingHandler(handler));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aGrantedLockInTheWayGetsABlockingCallbackWithTheBlockedMode() {
        lockWithHandler(holder, "R", PR, recorder());
        other.enqueueAsync(LockRequest.of("R", EX));
        eventually(() -> assertThat(seen).containsExactly("R blocks EX"));
        assertThat(manager.statistics().blockingCallbacks()).isEqualTo(1);
    }

    @Test
    void aCompatibleRequestCausesNoBlockingCallback() {
        lockWithHandler(holder, "R", PR, recorder());
        lock(other, "R", PR);
        other.enqueueAsync(LockRequest.of("OTHER", EX));
        assertThat(manager.statistics().blockingCallbacks()).isZero();
    }

    @Test
    void aConvertingLockGetsNoBlockingCallback() {
        lock(owner("third"), "R", PR);
        Lock converting = lockWithHandler(holder, "R", PR, recorder());
        holder.convertAsync(converting, LockRequest.conversionTo(EX));
        other.enqueueAsync(LockRequest.of("R", EX));
        assertThat(manager.statistics().blockingCallbacks()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void theBlockingCallbackIsSentOncePerModeUntilTheLockIsGrantedAgain() {
        lockWithHandler(holder, "R", EX, recorder());
        other.enqueueAsync(LockRequest.of("R", PR));
        owner("third").enqueueAsync(LockRequest.of("R", PR));
        eventually(() -> assertThat(seen).containsExactly("R blocks PR"));
        assertThat(manager.statistics().blockingCallbacks()).isEqualTo(1);
    }

    @Test
    void callbacksRunOnTheCallbackExecutorAndMayMakeRequests() {
        AtomicReference<String> thread = new AtomicReference<>();
        // The cached-read pattern of seed 001: a reader keeps PR until a writer wants the resource.
        Lock[] cached = new Lock[1];
        cached[0] = lockWithHandler(holder, "BUCKET", PR, (lock, mode) -> {
            thread.set(Thread.currentThread().getName());
            convert(holder, lock, NL);
        });
        Lock writer = other.enqueueAsync(LockRequest.of("BUCKET", EX));
        assertThat(await(completion(writer)).grantedMode()).isEqualTo(EX);
        assertThat(thread.get()).startsWith("locksmith-callbacks-");
        assertThat(cached[0].grantedMode()).isEqualTo(NL);
    }

    @Test
    void asynchronousCompletionRunsOnTheCallbackExecutor() {
        Lock held = lock(holder, "R", EX);
        Lock l = other.enqueueAsync(LockRequest.of("R", PR));
        AtomicReference<String> thread = new AtomicReference<>();
        var done = l.completion().thenApply(x -> {
            thread.set(Thread.currentThread().getName());
            return x;
        });
        holder.dequeue(held);
        await(done);
        assertThat(thread.get()).startsWith("locksmith-callbacks-");
    }

    @Test
    void aRequestGrantedAtOnceHasACompletedStage() {
        Lock l = other.enqueueAsync(LockRequest.of("R", PR));
        assertThat(isDone(l.completion())).isTrue();
        assertThat(await(l.completion())).isSameAs(l);
    }

    @Test
    void aFailingCallbackDoesNotStopLaterCallbacks() {
        lockWithHandler(holder, "A", PR, (lock, mode) -> {
            throw new IllegalStateException("handler bug");
        });
        lockWithHandler(holder, "B", PR, recorder());
        other.enqueueAsync(LockRequest.of("A", EX));
        other.enqueueAsync(LockRequest.of("B", EX));
        eventually(() -> assertThat(seen).containsExactly("B blocks EX"));
    }
}
