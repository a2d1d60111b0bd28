package dev.locksmith.lock.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Emptied resources are cached per stripe, but boundedly: the table never keeps more than that. */
class UnusedResourceCacheTest {
    private final LockManager manager = LockManager.builder().deadlockWait(Duration.ZERO).build();
    private final LockOwner owner = manager.newOwner("o");

    @AfterEach
    void close() {
        manager.close();
    }

    private Engine engine() {
        return ((Owner) owner).engine;
    }

    private long tableEntries() {
        return Arrays.stream(engine().stripes()).mapToLong(s -> {
            s.lock();
            try {
                return s.entries();
            } finally {
                s.unlock();
            }
        }).sum();
    }

    @Test
    void resourcesWithoutLocksNeverExceedTheCacheBound() throws InterruptedException {
        for (int i = 0; i < 100_000; i++) {
            owner.dequeue(owner.enqueue("NAME-" + i, LockMode.EX));
        }
        assertThat(manager.statistics().resources()).isZero();
        assertThat(tableEntries()).isLessThanOrEqualTo((long) Stripe.UNUSED_CAPACITY * engine().stripes().length);
    }

    @Test
    void aRevivedResourceStartsWithAFreshValueBlock() throws InterruptedException {
        Lock writer = owner.enqueue(LockRequest.of("R", LockMode.EX).withFlags(LockFlag.VALBLK));
        byte[] value = new byte[16];
        value[0] = 9;
        writer.setValueBlock(value);
        owner.dequeue(writer, LockFlag.VALBLK);
        Lock reader = owner.enqueue(LockRequest.of("R", LockMode.PR).withFlags(LockFlag.VALBLK));
        assertThat(reader.valueBlock()).isEqualTo(new byte[16]);
    }

    @Test
    void aCachedResourceIsInvisible() throws InterruptedException {
        owner.dequeue(owner.enqueue("R", LockMode.EX));
        assertThat(manager.resources()).isEmpty();
        assertThat(manager.locks()).isEmpty();
    }
}
