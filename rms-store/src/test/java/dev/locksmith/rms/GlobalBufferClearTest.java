package dev.locksmith.rms;

import static dev.locksmith.rms.GlobalBufferWriteBehindTest.load;
import static dev.locksmith.rms.GlobalBufferWriteBehindTest.storageHolds;
import static dev.locksmith.rms.GlobalBufferWriteBehindTest.update;
import static dev.locksmith.rms.Records.*;
import static dev.locksmith.rms.SharedFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.rms.lock.FileLocks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An administrator clears locks of the global buffers' system owner (LKE CLEAR) while a bucket
 * changed on the node is still dirty: the change is never written after its lock went (another
 * node may have changed the bucket since), storage keeps the prefix of services it had, and the
 * openers that were told the change was done fail with LOCKLOST until they are closed.
 */
class GlobalBufferClearTest extends BufferFixture {
    /** No write-behind timer within a test: a dirty bucket stays dirty until the test acts. */
    private static final RmsFile.Options NO_TIMER = new RmsFile.Options(64, 3_600_000).withGlobalBuffers(16);


    private static RmsFile create(Path path, LockManager manager) {
        RmsFile created = RmsFile.create(path, indexed(30), NO_TIMER, writeShared(manager));
        load(created, 10);
        created.flush();
        return created;
    }


    private static String read(RmsFile file, int i) {
        try (RecordStream reader = file.stream(StreamOptions.DEFAULT.withRecordOptions(RecordOptions.of(RecordOption.NQL)))) {
            return text(reader.get(0, ascii(GlobalBuffersTest.key(i))));
        }
    }

    private static LockOwner buffersOwner(LockManager manager) {
        return manager.owners().stream().filter(o -> o.name().startsWith("rms global buffers")).findFirst().orElseThrow();
    }

    private static void assertLockLost(Runnable operation) {
        assertThatThrownBy(operation::run).isInstanceOfSatisfying(RmsException.class,
                e -> assertThat(e.status()).isEqualTo(RmsStatus.LOCKLOST));
    }

    @Test
    void aDirtyBucketWhoseLockWasClearedIsNeverWrittenToStorage() {
        file = create(dir.resolve("cleared.rms"), manager);
        update(file, 3, "lost");
        assertThat(file.buffers().dirtyBuckets()).isEqualTo(1);

        manager.clearOwner(manager.adminCapability(), buffersOwner(manager).id());

        assertLockLost(() -> file.buffers().writeBack());
        assertLockLost(file::flush);
        assertThat(storageHolds(file, "lost")).isFalse();
    }

    @Test
    void theOpenerThatWasToldOfTheDroppedChangeFailsWithLocklostUntilItIsClosed() {
        file = create(dir.resolve("cleared.rms"), manager);
        update(file, 3, "lost");
        manager.clearOwner(manager.adminCapability(), buffersOwner(manager).id());

        assertLockLost(() -> read(file, 3));
        assertLockLost(() -> update(file, 4, "after"));
        assertLockLost(file::flush);
        assertThat(file.buffers().dirtyBuckets()).as("dropped").isZero();
    }

    @Test
    void aNewOpenerReadsWhatStorageKeptAndTheFileIsSound() {
        file = create(dir.resolve("cleared.rms"), manager);
        update(file, 3, "lost");
        manager.clearOwner(manager.adminCapability(), buffersOwner(manager).id());
        assertLockLost(() -> read(file, 3));

        try (RmsFile reopened = RmsFile.open(file.path(), NO_TIMER, writeShared(manager))) {
            assertThat(read(reopened, 3)).startsWith(GlobalBuffersTest.key(3) + "v0");
            update(reopened, 5, "v1");
            assertThat(read(reopened, 5)).startsWith(GlobalBuffersTest.key(5) + "v1");
            assertThat(FileAnalyzer.analyze(reopened).problems()).isEmpty();
        }
    }

    @Test
    void clearingOnlyLocksThatGuardNoDirtyBucketLosesNothing() {
        file = create(dir.resolve("cleared.rms"), manager);
        update(file, 3, "kept");
        LockInfo writers = manager.locks().stream()
                .filter(l -> l.owner().startsWith("rms global buffers") && l.resourceName().equals(FileLocks.WRITERS))
                .findFirst().orElseThrow();

        manager.clearLock(manager.adminCapability(), writers.id());

        assertThat(read(file, 3)).startsWith(GlobalBuffersTest.key(3) + "kept");
        file.flush();
        assertThat(storageHolds(file, "kept")).isTrue();
    }

    @Test
    void aChangeAnotherNodeMakesAfterTheClearIsNotOverwrittenByTheDroppedCopy() {
        try (TwoNodes nodes = new TwoNodes()) {
            Path path = dir.resolve("two.rms");
            RmsFile on0 = create(path, nodes.node0);
            RmsFile on1 = null;
            try {
                on1 = RmsFile.open(path, NO_TIMER, writeShared(nodes.node1));
                update(on0, 2, "node0");
                assertThat(on0.buffers().dirtyBuckets()).isEqualTo(1);

                nodes.node0.clearOwner(nodes.node0.adminCapability(), buffersOwner(nodes.node0).id());
                update(on1, 2, "node1");
                on1.flush();
                on0.close();

                assertThat(storageHolds(on1, "node0")).isFalse();
                assertThat(read(on1, 2)).startsWith(GlobalBuffersTest.key(2) + "node1");
                assertThat(FileAnalyzer.analyze(on1).problems()).isEmpty();
            } finally {
                TwoNodes.closeAll(on1, on0);
            }
        }
    }
}
