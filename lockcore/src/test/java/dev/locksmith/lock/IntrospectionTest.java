package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.CR;
import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** $GETLKI-style snapshots, counters and tree activity. */
class IntrospectionTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");
    final LockOwner c = owner("c");

    @Test
    void lockInfoShowsWhoBlocksWhom() {
        Lock holder = lock(a, "R", PR);
        Lock cr = lock(b, "R", CR);
        Lock waiter = c.enqueueAsync(LockRequest.of("R", EX));
        LockInfo w = waiter.info();
        assertThat(w.queue()).isEqualTo(LockQueue.WAITING);
        assertThat(w.grantedMode()).isNull();
        assertThat(w.requestedMode()).isEqualTo(EX);
        assertThat(w.blockedBy()).containsExactlyInAnyOrder(holder.id(), cr.id());
        assertThat(holder.info().blocking()).containsExactly(waiter.id());
        assertThat(w.owner()).isEqualTo("c");
        assertThat(w.waitingNanos()).isPositive();
    }

    @Test
    void aConversionIsBlockedByConversionsAheadOfIt() {
        lock(a, "R", PR);
        Lock first = lock(b, "R", NL);
        Lock second = lock(c, "R", NL);
        b.convertAsync(first, LockRequest.conversionTo(EX));
        c.convertAsync(second, LockRequest.conversionTo(EX).withFlags(LockFlag.QUECVT));
        assertThat(second.info().blockedBy()).contains(first.id());
        assertThat(second.info().queue()).isEqualTo(LockQueue.CONVERTING);
        assertThat(second.info().grantedMode()).isEqualTo(NL);
    }

    @Test
    void resourceInfoListsTheThreeQueuesInOrder() {
        lock(a, "R", PR);
        Lock conv = lock(b, "R", PR);
        b.convertAsync(conv, LockRequest.conversionTo(EX));
        c.enqueueAsync(LockRequest.of("R", CR));
        ResourceInfo r = manager.resource(Namespace.group(0), List.of("R")).orElseThrow();
        assertThat(r.name()).isEqualTo("R");
        assertThat(r.granted()).extracting(LockInfo::owner).containsExactly("a");
        assertThat(r.converting()).extracting(LockInfo::owner).containsExactly("b");
        assertThat(r.waiting()).extracting(LockInfo::owner).containsExactly("c");
        assertThat(manager.resources()).hasSize(1);
        assertThat(manager.locks()).hasSize(3);
    }

    @Test
    void lockIdsAreUnique() {
        Lock l1 = lock(a, "R", PR);
        Lock l2 = lock(b, "R", PR);
        Lock l3 = lock(a, "S", PR);
        assertThat(List.of(l1.id(), l2.id(), l3.id())).doesNotHaveDuplicates().allMatch(id -> id > 0);
        assertThat(l1.id()).isEqualTo(l1.id());
    }

    @Test
    void countersCountEachKindOfRequest() {
        Lock l = lock(a, "R", PR);
        convert(a, l, EX);
        Lock w = b.enqueueAsync(LockRequest.of("R", PR));
        assertThatThrownBy(() -> lock(c, "R", PR, LockFlag.NOQUEUE)).isInstanceOf(LockException.class);
        b.cancel(w);
        a.dequeue(l);
        LockStatistics s = manager.statistics();
        assertThat(s.newRequests()).isEqualTo(3);
        assertThat(s.conversions()).isEqualTo(1);
        assertThat(s.waits()).isEqualTo(1);
        assertThat(s.notQueued()).isEqualTo(1);
        assertThat(s.cancels()).isEqualTo(1);
        assertThat(s.dequeues()).isEqualTo(1);
        assertThat(s.locks()).isZero();
        assertThat(s.resources()).isZero();
    }

    @Test
    void liveLocksAreTheGrantedConvertingAndWaitingOnes() {
        Lock held = lock(a, "R", PR);
        Lock converting = lock(b, "R", PR);
        b.convertAsync(converting, LockRequest.conversionTo(EX));
        Lock waiting = c.enqueueAsync(LockRequest.of("R", EX));
        assertThatThrownBy(() -> lock(c, "R", EX, LockFlag.NOQUEUE)).isInstanceOf(LockException.class);
        assertThat(manager.statistics().locks()).isEqualTo(3);
        c.cancel(waiting);
        assertThat(manager.statistics().locks()).isEqualTo(2);
        a.dequeue(held);
        b.dequeue(converting);
        assertThat(manager.statistics().locks()).isZero();
    }

    @Test
    void hottestTreesRanksTreesByActivityIncludingTheirSublocks() throws Exception {
        Lock busy = lock(a, "BUSY", NL);
        lock(a, "QUIET", NL);
        for (int i = 0; i < 200; i++) {
            Lock rec = a.enqueue(LockRequest.of("REC" + i, EX).withParent(busy));
            a.dequeue(rec);
        }
        // Activity is folded once a second has passed (seed 002's per-second smoothing).
        eventually(() -> assertThat(manager.hottestTrees(2).get(0).perSecond()).isPositive());
        List<TreeActivity> top = manager.hottestTrees(2);
        assertThat(top).extracting(TreeActivity::rootName).containsExactly("BUSY", "QUIET");
        assertThat(top.get(0).perSecond()).isGreaterThan(top.get(1).perSecond());
        assertThat(top.get(0).namespace()).isEqualTo(Namespace.group(0));
    }

    @Test
    void hottestTreesCountTreesMadeAndRemovedByEachRequest() throws Exception {
        lock(a, "QUIET", NL);
        // Every request makes the tree and its dequeue removes it: nothing holds HOT in between.
        eventually(() -> {
            for (int i = 0; i < 50; i++) {
                a.dequeue(lock(a, "HOT", EX));
            }
            assertThat(manager.hottestTrees(1)).extracting(TreeActivity::rootName).containsExactly("HOT");
        });
        assertThat(manager.resources()).extracting(ResourceInfo::name).containsExactly("QUIET");
    }

    @Test
    void hottestTreesRefusesANegativeCount() {
        assertThatThrownBy(() -> manager.hottestTrees(-1))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.getMessage()).contains("n must not be negative"));
    }
}
