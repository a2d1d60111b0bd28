package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seed 004: under conversions-first a new request can be passed by readers that keep
 * converting; under FAIR, once it has waited the starvation bound, it is served first.
 */
class ContentionPolicyTest extends LockManagerTestSupport {

    /** Reader 1 holds PR; a writer queues; reader 2 converts NL to PR; reader 1 lets go. Who has the resource? */
    private Lock readersOverlapWhileAWriterWaits(LockManager m) {
        LockOwner reader1 = m.newOwner("reader1");
        LockOwner reader2 = m.newOwner("reader2");
        LockOwner writer = m.newOwner("writer");
        Lock r1 = lock(reader1, "BUCKET", PR);
        Lock r2 = lock(reader2, "BUCKET", NL);
        Lock w = writer.enqueueAsync(LockRequest.of("BUCKET", EX));
        reader2.convertAsync(r2, LockRequest.conversionTo(PR));
        convert(reader1, r1, NL);
        return w;
    }

    @Test
    void conversionsFirstLetsConvertingReadersPassAWaitingWriter() {
        Lock writer = readersOverlapWhileAWriterWaits(manager);
        assertWaiting(writer);
    }

    @Test
    void fairServesAnOverdueWriterBeforeLaterConversions() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ZERO).build());
        Lock writer = readersOverlapWhileAWriterWaits(fair);
        assertThat(await(completion(writer)).grantedMode()).isEqualTo(EX);
    }

    @Test
    void fairHoldsBackOnlyConversionsThatWouldNewlyBlockTheWaiter() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ZERO).build());
        LockOwner holder = fair.newOwner("holder");
        LockOwner writer = fair.newOwner("writer");
        Lock held = lock(holder, "R", PR);
        writer.enqueueAsync(LockRequest.of("R", EX));
        // The holder's PR already blocks the writer: its up-conversion must still go first,
        // or holder and writer would wait for each other.
        var up = holder.convertAsync(held, LockRequest.conversionTo(EX));
        assertThat(await(up).grantedMode()).isEqualTo(EX);
    }

    @Test
    void fairStillServesConversionsAskedBeforeTheWaiterFirst() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ZERO).build());
        LockOwner holder = fair.newOwner("holder");
        LockOwner converter = fair.newOwner("converter");
        LockOwner newcomer = fair.newOwner("newcomer");
        Lock held = lock(holder, "R", EX);
        Lock cached = lock(converter, "R", NL);
        var earlier = converter.convertAsync(cached, LockRequest.conversionTo(EX));
        Lock later = newcomer.enqueueAsync(LockRequest.of("R", EX));
        holder.dequeue(held);
        assertThat(await(earlier).grantedMode()).isEqualTo(EX);
        assertWaiting(later);
    }

    @Test
    void fairDoesNotLetAWaiterJumpAConversionAskedBeforeIt() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ZERO).build());
        LockOwner reader = fair.newOwner("reader");
        LockOwner converter = fair.newOwner("converter");
        LockOwner newcomer = fair.newOwner("newcomer");
        Lock read = lock(reader, "R", PR);
        Lock cached = lock(converter, "R", NL);
        var earlier = converter.convertAsync(cached, LockRequest.conversionTo(EX));
        // Compatible with everything granted, but it came after the conversion: it waits.
        Lock later = newcomer.enqueueAsync(LockRequest.of("R", PR));
        assertWaiting(later);
        reader.dequeue(read);
        assertThat(await(earlier).grantedMode()).isEqualTo(EX);
        assertWaiting(later);
    }

    @Test
    void fairBehavesLikeConversionsFirstBeforeTheBound() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ofHours(1)).build());
        Lock writer = readersOverlapWhileAWriterWaits(fair);
        assertWaiting(writer);
    }
}
