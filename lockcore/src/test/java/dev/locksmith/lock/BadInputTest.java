package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request is refused with a status and a message naming what was wrong, and the
 * engine is exactly as it was before.
 */
class BadInputTest extends LockManagerTestSupport {

    /** The world each case runs against. */
    static final class World {
        final LockManager manager;
        final LockOwner me;
        final LockOwner other;
        final Lock mine;
        final Lock othersLock;
        final Lock waiting;
        final Lock dequeued;
        final Lock withSublock;

        World(LockManager manager) {
            this.manager = manager;
            me = manager.newOwner("me");
            other = manager.newOwner("other");
            mine = lock(me, "MINE", EX);
            othersLock = lock(other, "THEIRS", EX);
            waiting = me.enqueueAsync(LockRequest.of("THEIRS", PR));
            dequeued = lock(me, "GONE", EX);
            me.dequeue(dequeued);
            withSublock = lock(me, "PARENT", NL);
            try {
                me.enqueue(LockRequest.of("CHILD", EX).withParent(withSublock));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static Arguments refused(String what, LockStatus status, String messagePart, Consumer<World> action) {
        return Arguments.of(what, status, messagePart, action);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
            refused("null request", LockStatus.BADPARAM, "request must not be null", w -> lockQuietly(w.me, null)),
            refused("null name", LockStatus.IVRESNAM, "name must not be null", w -> lockQuietly(w.me, LockRequest.of(null, EX))),
            refused("empty name", LockStatus.IVRESNAM, "name must not be empty", w -> lockQuietly(w.me, LockRequest.of("", EX))),
            refused("name of 256 bytes", LockStatus.IVRESNAM, "256 bytes long", w -> lockQuietly(w.me, LockRequest.of("N".repeat(256), EX))),
            refused("name of 128 two-byte chars", LockStatus.IVRESNAM, "256 bytes long", w -> lockQuietly(w.me, LockRequest.of("é".repeat(128), EX))),
            refused("null mode", LockStatus.IVMODE, "mode must not be null", w -> lockQuietly(w.me, LockRequest.of("R", null))),
            refused("EXPEDITE with EX", LockStatus.BADPARAM, "EXPEDITE applies only to NL", w -> lockQuietly(w.me, LockRequest.of("R", EX).withFlags(LockFlag.EXPEDITE))),
            refused("EXPEDITE with NOQUEUE", LockStatus.BADPARAM, "EXPEDITE with NOQUEUE", w -> lockQuietly(w.me, LockRequest.of("R", NL).withFlags(LockFlag.EXPEDITE, LockFlag.NOQUEUE))),
            refused("QUECVT on a new request", LockStatus.BADPARAM, "QUECVT applies only to conversions", w -> lockQuietly(w.me, LockRequest.of("R", EX).withFlags(LockFlag.QUECVT))),
            refused("SYSTEM with LOCAL", LockStatus.BADPARAM, "SYSTEM and LOCAL", w -> lockQuietly(w.me, LockRequest.of("R", EX).withFlags(LockFlag.SYSTEM, LockFlag.LOCAL))),
            refused("SYSTEM on a sublock", LockStatus.BADPARAM, "parent's namespace", w -> lockQuietly(w.me, LockRequest.of("R", EX).withParent(w.mine).withFlags(LockFlag.SYSTEM))),
            refused("negative timeout", LockStatus.BADPARAM, "timeout must not be negative", w -> lockQuietly(w.me, LockRequest.of("R", EX).withTimeout(Duration.ofMillis(-1)))),
            refused("null timeout", LockStatus.BADPARAM, "timeout must not be null", w -> lockQuietly(w.me, LockRequest.of("R", EX).withTimeout(null))),
            refused("conversion given to enqueue", LockStatus.IVRESNAM, "conversion request was given to enqueue", w -> lockQuietly(w.me, LockRequest.conversionTo(EX))),
            refused("parent of another owner", LockStatus.PARNOTGRANT, "belongs to owner 'other'", w -> lockQuietly(w.me, LockRequest.of("R", EX).withParent(w.othersLock))),
            refused("parent not granted", LockStatus.PARNOTGRANT, "not granted", w -> lockQuietly(w.me, LockRequest.of("R", EX).withParent(w.waiting))),
            refused("parent dequeued", LockStatus.PARNOTGRANT, "dequeued", w -> lockQuietly(w.me, LockRequest.of("R", EX).withParent(w.dequeued))),
            refused("convert with a name", LockStatus.BADPARAM, "a conversion takes no name", w -> convertQuietly(w.me, w.mine, LockRequest.of("R", NL))),
            refused("convert with EXPEDITE", LockStatus.BADPARAM, "EXPEDITE applies only to new requests", w -> convertQuietly(w.me, w.mine, LockRequest.conversionTo(NL).withFlags(LockFlag.EXPEDITE))),
            refused("convert with NOQUEUE and QUECVT", LockStatus.BADPARAM, "NOQUEUE with QUECVT", w -> convertQuietly(w.me, w.mine, LockRequest.conversionTo(NL).withFlags(LockFlag.NOQUEUE, LockFlag.QUECVT))),
            refused("convert a waiting lock", LockStatus.CVTUNGRANT, "still waiting for its first grant", w -> convertQuietly(w.me, w.waiting, LockRequest.conversionTo(NL))),
            refused("convert another owner's lock", LockStatus.IVLOCKID, "belongs to owner 'other'", w -> convertQuietly(w.me, w.othersLock, LockRequest.conversionTo(NL))),
            refused("convert a dequeued lock", LockStatus.IVLOCKID, "already dequeued", w -> convertQuietly(w.me, w.dequeued, LockRequest.conversionTo(NL))),
            refused("convert null", LockStatus.IVLOCKID, "lock must not be null", w -> convertQuietly(w.me, null, LockRequest.conversionTo(NL))),
            refused("dequeue another owner's lock", LockStatus.IVLOCKID, "belongs to owner 'other'", w -> w.me.dequeue(w.othersLock)),
            refused("dequeue twice", LockStatus.IVLOCKID, "already dequeued", w -> w.me.dequeue(w.dequeued)),
            refused("dequeue with sublocks", LockStatus.SUBLOCKS, "sublock", w -> w.me.dequeue(w.withSublock)),
            refused("dequeue with a bad flag", LockStatus.BADPARAM, "a dequeue takes only VALBLK or XVALBLK", w -> w.me.dequeue(w.mine, LockFlag.NOQUEUE)),
            refused("dequeue writing an unstaged value", LockStatus.IVBUFLEN, "valueBlock", w -> w.me.dequeue(w.mine, LockFlag.VALBLK)),
            refused("cancel another owner's lock", LockStatus.IVLOCKID, "belongs to owner 'other'", w -> w.me.cancel(w.othersLock)),
            refused("foreign lock", LockStatus.IVLOCKID, "not a lock of this lock manager", w -> w.me.dequeue(foreignLock())),
            refused("value block of 3 bytes", LockStatus.IVBUFLEN, "16 or 64 bytes", w -> w.mine.setValueBlock(new byte[3]))
        );
    }

    private static Lock foreignLock() {
        LockManager elsewhere = LockManager.builder().deadlockWait(Duration.ZERO).build();
        Lock l = lock(elsewhere.newOwner("x"), "R", EX);
        elsewhere.close();
        return l;
    }

    static void lockQuietly(LockOwner owner, LockRequest request) {
        try {
            owner.enqueue(request);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void convertQuietly(LockOwner owner, Lock lock, LockRequest request) {
        try {
            owner.convert(lock, request);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The observable state of the engine, without clocks. */
    static List<String> state(LockManager m) {
        return m.locks().stream()
                .map(i -> i.id() + " " + i.resourcePath() + " " + i.namespace() + " " + i.owner() + " " + i.grantedMode()
                        + " " + i.requestedMode() + " " + i.queue() + " " + i.status() + " " + i.fencingToken()
                        + " " + Arrays.toString(i.valueBlock()) + " " + i.blockedBy() + " " + i.blocking())
                .sorted()
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithAClearErrorAndChangesNothing(String what, LockStatus status, String messagePart, Consumer<World> action) {
        World world = new World(manager);
        List<String> before = state(manager);
        LockStatistics statsBefore = manager.statistics();

        assertThatThrownBy(() -> action.accept(world))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(messagePart);
                });

        assertThat(state(manager)).isEqualTo(before);
        assertThat(manager.statistics()).isEqualTo(statsBefore);
        assertThat(world.me.locks()).hasSize(4);
    }
}
