package dev.locksmith.rms.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MVStoreBucketStorageTest {
    @TempDir
    Path dir;

    @Test
    void appliedBucketsReadBackAfterReopen() {
        Path path = dir.resolve("store.mv");
        try (MVStoreBucketStorage storage = MVStoreBucketStorage.open(path, 4, 1000)) {
            Map<Long, byte[]> changes = new LinkedHashMap<>();
            changes.put(2L, new byte[] {1});
            changes.put(3L, new byte[] {2});
            storage.apply(changes);
            storage.apply(Map.of(2L, new byte[] {9}));
        }
        try (MVStoreBucketStorage storage = MVStoreBucketStorage.open(path, 4, 1000)) {
            assertThat(storage.read(2)).containsExactly(9);
            assertThat(storage.read(3)).containsExactly(2);
            assertThat(storage.read(4)).isNull();
        }
    }

    @Test
    void aRedoRecordLeftByACrashIsAppliedOnOpen() {
        Path path = dir.resolve("crashed.mv");
        Map<Long, byte[]> interrupted = new LinkedHashMap<>();
        interrupted.put(5L, new byte[] {5, 5});
        interrupted.put(6L, null);
        try (MVStore store = new MVStore.Builder().fileName(path.toString()).open()) {
            MVMap<Long, byte[]> buckets = store.openMap("buckets", new MVMap.Builder<Long, byte[]>()
                    .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            buckets.put(6L, new byte[] {6});
            // the state a crash leaves after the redo record and before any bucket of the change set
            buckets.put(-1L, ChangeJournal.encode(interrupted));
            store.commit();
        }
        try (MVStoreBucketStorage storage = MVStoreBucketStorage.open(path, 4, 1000)) {
            assertThat(storage.read(5)).containsExactly(5, 5);
            assertThat(storage.read(6)).isNull();
            assertThat(storage.read(-1)).isNull();
        }
    }
}
