package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.CR;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static dev.locksmith.lock.LockMode.PW;
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

    private static void assertConverting(Lock lock) {
        assertThat(lock.queue()).contains(LockQueue.CONVERTING);
    }

    private LockManager fairManager() {
        return track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ZERO).build());
    }

    @Test
    void fairHoldsBackAConversionThatWouldBlockAnyEarlierOverdueWaiterNotOnlyTheFirst() {
        LockManager fair = fairManager();
        LockOwner holder = fair.newOwner("holder");
        LockOwner reader = fair.newOwner("reader");
        LockOwner writer = fair.newOwner("writer");
        LockOwner converter = fair.newOwner("converter");
        Lock held = lock(holder, "R", EX);
        Lock cached = lock(converter, "R", NL);
        Lock firstWaiter = reader.enqueueAsync(LockRequest.of("R", PR));
        Lock secondWaiter = writer.enqueueAsync(LockRequest.of("R", PW));
        // PR is compatible with the first waiter but would block the second, which came before it.
        var up = converter.convertAsync(cached, LockRequest.conversionTo(PR));
        holder.dequeue(held);
        assertThat(await(completion(firstWaiter)).grantedMode()).isEqualTo(PR);
        assertConverting(cached);
        reader.dequeue(firstWaiter);
        assertThat(await(completion(secondWaiter)).grantedMode()).isEqualTo(PW);
        writer.dequeue(secondWaiter);
        assertThat(await(up).grantedMode()).isEqualTo(PR);
    }

    @Test
    void fairQueuesAConversionBehindAnEarlierOverdueConversionItWouldBlock() {
        LockManager fair = fairManager();
        LockOwner reader = fair.newOwner("reader");
        LockOwner writer = fair.newOwner("writer");
        LockOwner lateReader = fair.newOwner("late-reader");
        Lock read = lock(reader, "R", PR);
        Lock writerLock = lock(writer, "R", NL);
        Lock lateLock = lock(lateReader, "R", NL);
        var toEx = writer.convertAsync(writerLock, LockRequest.conversionTo(EX));
        // Compatible with the granted PR, but it would block the writer's earlier conversion.
        var toPr = lateReader.convertAsync(lateLock, LockRequest.conversionTo(PR));
        assertConverting(lateLock);
        reader.dequeue(read);
        assertThat(await(toEx).grantedMode()).isEqualTo(EX);
        assertConverting(lateLock);
        writer.dequeue(writerLock);
        assertThat(await(toPr).grantedMode()).isEqualTo(PR);
    }

    @Test
    void fairLetsConversionsBehindAHeldBackOnePass() {
        LockManager fair = fairManager();
        LockOwner reader = fair.newOwner("reader");
        LockOwner writer = fair.newOwner("writer");
        LockOwner heldBack = fair.newOwner("held-back");
        LockOwner passer = fair.newOwner("passer");
        Lock read = lock(reader, "R", PR);
        Lock blocker = lock(heldBack, "R", NL);
        Lock other = lock(passer, "R", NL);
        Lock waitingWriter = writer.enqueueAsync(LockRequest.of("R", PW));
        // PR would newly block the overdue PW waiter: held back behind it.
        var toPr = heldBack.convertAsync(blocker, LockRequest.conversionTo(PR));
        // CR blocks neither; QUECVT queues it behind the held-back conversion, which it passes.
        var toCr = passer.convertAsync(other, LockRequest.conversionTo(CR).withFlags(LockFlag.QUECVT));
        assertThat(await(toCr).grantedMode()).isEqualTo(CR);
        assertConverting(blocker);
        reader.dequeue(read);
        assertThat(await(completion(waitingWriter)).grantedMode()).isEqualTo(PW);
        assertConverting(blocker);
        writer.dequeue(waitingWriter);
        assertThat(await(toPr).grantedMode()).isEqualTo(PR);
    }

    @Test
    void fairNeverHoldsBackAConversionWhoseGrantedModeBlocksAnotherConversion() {
        // Held back, the CR→PR conversion would wait for the PW waiter, which waits for the
        // PR→EX conversion, which waits for the CR: a cycle that conversions-first never makes.
        LockManager fair = fairManager();
        LockOwner first = fair.newOwner("first");
        LockOwner second = fair.newOwner("second");
        LockOwner waiter = fair.newOwner("waiter");
        Lock cr = lock(first, "R", CR);
        Lock pr = lock(second, "R", PR);
        var prToEx = second.convertAsync(pr, LockRequest.conversionTo(EX));
        Lock pw = waiter.enqueueAsync(LockRequest.of("R", PW));
        var crToPr = first.convertAsync(cr, LockRequest.conversionTo(PR));
        assertThat(await(crToPr).grantedMode()).isEqualTo(PR);
        first.dequeue(cr);
        assertThat(await(prToEx).grantedMode()).isEqualTo(EX);
        second.dequeue(pr);
        assertThat(await(completion(pw)).grantedMode()).isEqualTo(PW);
    }

    @Test
    void fairServesAWaiterWhenItBecomesOverdueEvenIfNothingElseHappens() {
        LockManager fair = track(LockManager.builder().deadlockWait(Duration.ZERO)
                .contentionPolicy(ContentionPolicy.FAIR).starvationBound(Duration.ofMillis(200)).build());
        LockOwner reader = fair.newOwner("reader");
        LockOwner converter = fair.newOwner("converter");
        LockOwner holder = fair.newOwner("holder");
        LockOwner newcomer = fair.newOwner("newcomer");
        lock(reader, "R", CR);
        Lock cached = lock(converter, "R", NL);
        Lock held = lock(holder, "R", PR);
        Lock waiter = newcomer.enqueueAsync(LockRequest.of("R", PW));
        converter.convertAsync(cached, LockRequest.conversionTo(EX));
        // Before the bound the conversion, though blocked by the CR, keeps the PW waiter queued;
        // once the waiter is overdue it passes the later conversion with no further request.
        holder.dequeue(held);
        assertThat(await(completion(waiter)).grantedMode()).isEqualTo(PW);
        assertConverting(cached);
    }

    @Test
    void fairReportsTheWaiterThatHoldsAConversionBackAsItsBlocker() {
        LockManager fair = fairManager();
        LockOwner holder = fair.newOwner("holder");
        LockOwner writer = fair.newOwner("writer");
        LockOwner converter = fair.newOwner("converter");
        Lock read = lock(holder, "R", PR);
        Lock cached = lock(converter, "R", NL);
        Lock waitingWriter = writer.enqueueAsync(LockRequest.of("R", EX));
        converter.convertAsync(cached, LockRequest.conversionTo(PR));
        assertThat(cached.info().blockedBy()).containsExactly(waitingWriter.id());
        assertThat(waitingWriter.info().blockedBy()).containsExactly(read.id());
    }
}
