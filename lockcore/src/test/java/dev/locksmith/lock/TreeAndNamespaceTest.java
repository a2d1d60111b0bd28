package dev.locksmith.lock;

import static dev.locksmith.lock.LockMode.EX;
import static dev.locksmith.lock.LockMode.NL;
import static dev.locksmith.lock.LockMode.PR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sublocks scope names under their parent's resource; root names are scoped by namespace. */
class TreeAndNamespaceTest extends LockManagerTestSupport {
    final LockOwner a = owner("a");
    final LockOwner b = owner("b");

    static Lock sublock(LockOwner owner, Lock parent, String name, LockMode mode) {
        try {
            return owner.enqueue(LockRequest.of(name, mode).withParent(parent));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static LockStatus statusOf(Runnable r) {
        try {
            r.run();
        } catch (LockException e) {
            return e.status();
        }
        return null;
    }

    @Test
    void sameNameUnderTheSameParentResourceIsOneResource() {
        Lock pa = lock(a, "FILE", NL);
        Lock pb = lock(b, "FILE", NL);
        sublock(a, pa, "REC", EX);
        assertThatThrownBy(() -> b.enqueue(LockRequest.of("REC", EX).withParent(pb).withFlags(LockFlag.NOQUEUE)))
                .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.status()).isEqualTo(LockStatus.NOTQUEUED));
    }

    @Test
    void sameNameUnderDifferentParentsAreDifferentResources() {
        Lock fileA = lock(a, "FILE-A", NL);
        Lock fileB = lock(b, "FILE-B", NL);
        sublock(a, fileA, "REC", EX);
        assertThat(sublock(b, fileB, "REC", EX).grantedMode()).isEqualTo(EX);
    }

    @Test
    void aSublockIsNotTheRootOfTheSameName() {
        Lock file = lock(a, "FILE", NL);
        sublock(a, file, "REC", EX);
        assertThat(lock(b, "REC", EX).grantedMode()).isEqualTo(EX);
    }

    @Test
    void sublockPathIsVisibleInIntrospection() {
        Lock file = lock(a, "FILE", NL);
        Lock bucket = sublock(a, file, "BUCKET-7", NL);
        Lock rec = sublock(a, bucket, "REC-1", PR);
        assertThat(rec.info().resourcePath()).containsExactly("FILE", "BUCKET-7", "REC-1");
        assertThat(rec.info().parentId()).isEqualTo(bucket.id());
        assertThat(manager.resource(Namespace.group(0), List.of("FILE", "BUCKET-7", "REC-1"))).isPresent();
    }

    @Test
    void parentMustBeGranted() {
        lock(b, "FILE", EX);
        Lock waiting = a.enqueueAsync(LockRequest.of("FILE", PR));
        assertThat(statusOf(() -> sublock(a, waiting, "REC", EX))).isEqualTo(LockStatus.PARNOTGRANT);
        assertThat(a.locks()).containsExactly(waiting);
    }

    @Test
    void parentMustBelongToTheSameOwner() {
        Lock file = lock(b, "FILE", NL);
        assertThatThrownBy(() -> sublock(a, file, "REC", EX))
                .isInstanceOfSatisfying(LockException.class, e -> {
                    assertThat(e.status()).isEqualTo(LockStatus.PARNOTGRANT);
                    assertThat(e.getMessage()).contains("belongs to owner 'b'");
                });
        assertThat(a.locks()).isEmpty();
    }

    @Test
    void aLockWithSublocksCannotBeDequeued() {
        Lock file = lock(a, "FILE", NL);
        sublock(a, file, "REC", EX);
        assertThat(statusOf(() -> a.dequeue(file))).isEqualTo(LockStatus.SUBLOCKS);
        assertThat(file.queue()).contains(LockQueue.GRANTED);
    }

    @Test
    void dequeueSublocksReleasesTheWholeSubtreeButNotTheLock() {
        Lock file = lock(a, "FILE", NL);
        Lock bucket = sublock(a, file, "B", NL);
        sublock(a, bucket, "R1", EX);
        sublock(a, bucket, "R2", EX);
        a.dequeueSublocks(file);
        assertThat(a.locks()).containsExactly(file);
        a.dequeue(file);
        assertThat(manager.statistics().resources()).isZero();
    }

    @Test
    void ownersOfOneGroupShareNames() {
        LockOwner g1 = manager.newOwner("g1", 7, 0);
        LockOwner g1b = manager.newOwner("g1b", 7, 0);
        lock(g1, "R", EX);
        assertThat(statusOf(() -> lock(g1b, "R", EX, LockFlag.NOQUEUE))).isEqualTo(LockStatus.NOTQUEUED);
    }

    @Test
    void ownersOfDifferentGroupsDoNotShareNames() {
        LockOwner g1 = manager.newOwner("g1", 7, 0);
        LockOwner g2 = manager.newOwner("g2", 8, 0);
        lock(g1, "R", EX);
        assertThat(lock(g2, "R", EX, LockFlag.NOQUEUE).grantedMode()).isEqualTo(EX);
    }

    @Test
    void systemNamesAreSharedAcrossGroups() {
        LockOwner g1 = manager.newOwner("g1", 7, 0);
        LockOwner g2 = manager.newOwner("g2", 8, 0);
        lock(g1, "R", EX, LockFlag.SYSTEM);
        assertThat(statusOf(() -> lock(g2, "R", EX, LockFlag.SYSTEM, LockFlag.NOQUEUE))).isEqualTo(LockStatus.NOTQUEUED);
        assertThat(lock(g2, "R", EX, LockFlag.NOQUEUE).grantedMode()).isEqualTo(EX);
    }

    @Test
    void localNamesAreSeparateFromSystemAndGroupNames() {
        lock(a, "R", EX, LockFlag.LOCAL);
        assertThat(lock(b, "R", EX, LockFlag.SYSTEM).grantedMode()).isEqualTo(EX);
        assertThat(lock(b, "R", EX).grantedMode()).isEqualTo(EX);
        assertThat(statusOf(() -> lock(b, "R", EX, LockFlag.LOCAL, LockFlag.NOQUEUE))).isEqualTo(LockStatus.NOTQUEUED);
    }

    @Test
    void sublocksLiveInTheirParentsNamespace() {
        Lock root = lock(a, "R", NL, LockFlag.SYSTEM);
        Lock child = sublock(a, root, "C", PR);
        assertThat(child.namespace()).isEqualTo(Namespace.SYSTEM);
        assertThat(child.info().namespace()).isEqualTo(Namespace.SYSTEM);
    }

    @Test
    void namesUpTo255BytesAreAccepted() {
        String name = "N".repeat(255);
        assertThat(lock(a, name, EX).resourceName()).isEqualTo(name);
    }

    @Test
    void nonAsciiNamesAreComparedByTheirBytes() {
        lock(a, "Größe", EX);
        assertThat(statusOf(() -> lock(b, "Größe", EX, LockFlag.NOQUEUE))).isEqualTo(LockStatus.NOTQUEUED);
        assertThat(lock(b, "Grosse", EX).grantedMode()).isEqualTo(EX);
    }
}
