package dev.locksmith.lock.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.AdminCapability;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.lock.names.MName;
import dev.locksmith.lock.names.NameLocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LKE SHOW and CLEAR through the Java API. */
class LkeTest {
    final LockManager manager = LockManager.builder().name("lke-test").deadlockWait(Duration.ZERO).build();
    final LockSpace space = new LockSpace(manager, 0, 100);
    final LockAdmin lke = new LockAdmin(manager, List.of(space));
    final AdminCapability capability = manager.adminCapability();
    final NameLocks a = space.newProcess("a");
    final NameLocks b = space.newProcess("b");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void showListsNameLocksWithOwnerModeAndLevel() throws Exception {
        a.lockIncrement("^D(1)");
        a.lockIncrement("^D(1)");
        LockEntry d1 = only(lke.show(new ShowFilter("^D(1)", 0, false)));
        assertThat(d1.owner()).isEqualTo("a");
        assertThat(d1.ownerId()).isEqualTo(a.owner().id());
        assertThat(d1.grantedMode()).isEqualTo(LockMode.EX);
        assertThat(d1.level()).isEqualTo(2);
    }

    @Test
    void showListsIntentNodesWithLevelZero() throws Exception {
        a.lock("^D(1)");
        assertThat(lke.show(ShowFilter.ALL)).extracting(LockEntry::name, LockEntry::grantedMode, LockEntry::level)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("^D", LockMode.CW, 0),
                        org.assertj.core.groups.Tuple.tuple("^D(1)", LockMode.EX, 1));
    }

    @Test
    void showListsEngineLocksToo() throws Exception {
        LockOwner plain = manager.newOwner("plain");
        Lock root = plain.enqueue("FILE", LockMode.PR);
        plain.enqueue(LockRequest.of("BUCKET7", LockMode.EX).withParent(root));
        assertThat(lke.show(ShowFilter.ALL)).extracting(LockEntry::name).containsExactly("FILE", "FILE(BUCKET7)");
    }

    @Test
    void showFiltersByNamePrefix() throws Exception {
        a.lockIncrement("^A", "^B(1)");
        assertThat(lke.show(new ShowFilter("^B", 0, false))).extracting(LockEntry::name)
                .containsExactly("^B", "^B(1)");
    }

    @Test
    void showFiltersByOwner() throws Exception {
        a.lock("^A");
        b.lock("^B");
        assertThat(lke.show(new ShowFilter("", b.owner().id(), false))).extracting(LockEntry::name)
                .containsExactly("^B");
    }

    @Test
    void showWaitingOnlyListsTheWaiterWithItsBlocker() throws Exception {
        a.lock("^A");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> lockQuietly(b, "^A"));
        List<LockEntry> waiters = eventuallyWaiting();
        LockEntry waiter = only(waiters);
        assertThat(waiter.owner()).isEqualTo("b");
        assertThat(waiter.queue()).isEqualTo(LockQueue.WAITING);
        assertThat(waiter.blockedBy()).extracting(LockEntry.Blocker::owner).containsExactly("a");
        assertThat(waiter.waitedMillis()).isNotNegative();
        a.lock();
        assertThat(await(waiting)).isTrue();
    }

    @Test
    void formatShowsWaiterBlockedByHolder() throws Exception {
        a.lock("^A");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> lockQuietly(b, "^A"));
        eventuallyWaiting();
        List<String> lines = LockAdmin.format(lke.show(ShowFilter.ALL));
        assertThat(lines.get(0)).startsWith("NAME");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("^A").contains("a #" + a.owner().id())
                .contains("granted").contains("EX"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("b #" + b.owner().id()).contains("waiting")
                .contains("blocked by lock").contains("(a #" + a.owner().id() + ")"));
        a.lock();
        await(waiting);
    }

    @Test
    void formatOfNothingSaysSo() {
        assertThat(LockAdmin.format(List.of())).containsExactly("%LKE-I-NOLOCKS, no locks match");
    }

    @Test
    void clearNameFreesItForOthersAndDropsItFromTheProcess() throws Exception {
        a.lockIncrement("^D(1)", "^E");
        assertThat(lke.clearName(capability, "^D(1)")).isEqualTo(1);
        assertThat(b.lock(Duration.ZERO, "^D")).isTrue();
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^E"));
    }

    @Test
    void clearOwnerClearsNameAndEngineLocks() throws Exception {
        a.lock("^D(1)");
        Lock engineLock = a.owner().enqueue("PLAIN", LockMode.EX);
        assertThat(lke.clearOwner(capability, a.owner().id())).isEqualTo(3);
        assertThat(engineLock.queue()).isEmpty();
        assertThat(lke.show(ShowFilter.ALL)).isEmpty();
        assertThat(a.levels()).isEmpty();
        assertThat(space.used()).isZero();
    }

    @Test
    void clearOfAnIntentNodeClearsTheNamesBelowIt() throws Exception {
        a.lockIncrement("^D(1)", "^D(2,3)", "^E");
        LockEntry intent = only(lke.show(new ShowFilter("^D", a.owner().id(), false)).stream()
                .filter(e -> e.name().equals("^D")).toList());
        assertThat(lke.clearLock(capability, intent.lockId())).isEqualTo(4);
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^E"));
        assertThat(b.lock(Duration.ZERO, "^D")).isTrue();
        assertThat(space.used()).isEqualTo(2);
    }

    @Test
    void clearedOwnerStaysOpenAndCanLockAgain() throws Exception {
        a.lock("^A");
        lke.clearOwner(capability, a.owner().id());
        a.lock("^A");
        assertThat(a.levels()).containsOnlyKeys(MName.parse("^A"));
    }

    @Test
    void clearOfAWaitingRequestFailsItWithCancelled() throws Exception {
        a.lock("^A");
        CompletableFuture<LockStatus> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                b.lock("^A");
                return LockStatus.NORMAL;
            } catch (LockException e) {
                return e.status();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        eventuallyWaiting();
        lke.clearOwner(capability, b.owner().id());
        assertThat(await(waiting)).isEqualTo(LockStatus.CANCELLED);
        assertThat(b.levels()).isEmpty();
    }

    @Test
    void clearedOwnerIsNotified() throws Exception {
        LockOwner plain = manager.newOwner("plain");
        List<Long> told = new ArrayList<>();
        plain.addClearListener((owner, locks) -> locks.forEach(l -> told.add(l.id())));
        Lock lock = plain.enqueue("R", LockMode.PW);
        lke.clearLock(capability, lock.id());
        assertThat(told).containsExactly(lock.id());
    }

    @Test
    void clearOfAPwLockMarksTheValueBlockNotValid() throws Exception {
        LockOwner plain = manager.newOwner("plain");
        Lock lock = plain.enqueue("R", LockMode.PW);
        LockOwner keeper = manager.newOwner("keeper");
        keeper.enqueue("R", LockMode.NL);
        lke.clearLock(capability, lock.id());
        assertThat(manager.resource(lock.namespace(), List.of("R")).orElseThrow().valueValid()).isFalse();
    }

    @Test
    void clearWithoutTheCapabilityIsRefused() throws Exception {
        a.lock("^A");
        try (LockManager other = LockManager.builder().name("other").build()) {
            assertThatThrownBy(() -> lke.clearOwner(other.adminCapability(), a.owner().id()))
                    .isInstanceOf(LockException.class)
                    .extracting(e -> ((LockException) e).status()).isEqualTo(LockStatus.NOPRIV);
        }
        assertThatThrownBy(() -> lke.clearName(null, "^A")).isInstanceOf(LockException.class)
                .hasMessageContaining("capability");
        assertThat(a.levels()).isNotEmpty();
    }

    @Test
    void clearOfAnUnknownLockIdIsRefused() {
        assertThatThrownBy(() -> lke.clearLock(capability, 987654))
                .isInstanceOf(LockException.class).hasMessageContaining("lockId: no live lock has id 987654");
    }

    @Test
    void clearOfAnUnknownOwnerIsRefused() {
        assertThatThrownBy(() -> lke.clearOwner(capability, 987654))
                .isInstanceOf(LockException.class).hasMessageContaining("ownerId: no open owner has id 987654");
    }

    @Test
    void closedOwnersAreNotListed() {
        LockOwner gone = manager.newOwner("gone");
        gone.close();
        assertThat(manager.owners()).doesNotContain(gone).contains(a.owner(), b.owner());
    }

    private static boolean lockQuietly(NameLocks process, String name) {
        try {
            process.lock(name);
            return true;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<LockEntry> eventuallyWaiting() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<LockEntry> waiting = lke.show(new ShowFilter("", 0, true));
            if (!waiting.isEmpty()) {
                return waiting;
            }
            assertThat(System.nanoTime()).as("a request should wait").isLessThan(end);
            Thread.sleep(2);
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static LockEntry only(List<LockEntry> entries) {
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }
}
