package dev.locksmith.rms.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BucketTest {
    private static byte[] key(int n) {
        return new byte[] {(byte) (n >>> 8), (byte) n};
    }

    @Test
    void insertedEntriesAreKeptInKeyOrder() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_SIDR, 0, 2, 512);
        for (int n : new int[] {5, 1, 3}) {
            bucket = bucket.withInserted(bucket.lowerBound(key(n), 2), key(n), new byte[8]);
        }
        assertThat(bucket.entryCount()).isEqualTo(3);
        assertThat(bucket.key(0)).isEqualTo(key(1));
        assertThat(bucket.key(2)).isEqualTo(key(5));
        BucketDecoder.decode(bucket.image(), 1);
    }

    @Test
    void insertThatDoesNotFitReturnsNull() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_DATA, 0, 2, 512);
        assertThat(bucket.withInserted(0, key(1), new byte[600])).isNull();
    }

    @Test
    void removedSpaceIsReusedByCompaction() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_DATA, 0, 2, 512);
        int n = 0;
        Bucket next;
        while ((next = bucket.withInserted(bucket.entryCount(), key(n), new byte[50])) != null) {
            bucket = next;
            n++;
        }
        bucket = bucket.withRemoved(0).withRemoved(0);
        Bucket reused = bucket.withInserted(0, key(0), new byte[50]);
        assertThat(reused).isNotNull();
        assertThat(BucketDecoder.decode(reused.image(), 1).entryCount()).isEqualTo(n - 1);
    }

    @Test
    void rrvsAreAddedChangedAndRemoved() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_DATA, 0, 2, 512).withInserted(0, key(1), new byte[8]);
        bucket = bucket.withRrv(7, 100).withRrv(8, 200).withRrv(7, 300);
        assertThat(bucket.rrvCount()).isEqualTo(2);
        assertThat(bucket.rrvTarget(bucket.findRrv(7))).isEqualTo(300);
        bucket = bucket.withoutRrv(7);
        assertThat(bucket.findRrv(7)).isEqualTo(-1);
        assertThat(bucket.rrvTarget(bucket.findRrv(8))).isEqualTo(200);
        BucketDecoder.decode(bucket.image(), 1);
    }

    @Test
    void changesLeaveTheOriginalImageUntouched() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_SIDR, 0, 2, 512).withInserted(0, key(1), new byte[8]);
        byte[] before = bucket.image().clone();
        bucket.withInserted(1, key(2), new byte[8]);
        bucket.withRemoved(0);
        assertThat(bucket.image()).isEqualTo(before);
    }

    @Test
    void decoderRejectsAnUnknownKind() {
        byte[] image = Bucket.empty(BucketLayout.KIND_DATA, 0, 2, 512).image().clone();
        image[BucketLayout.KIND_OFFSET] = 9;
        assertThatThrownBy(() -> BucketDecoder.decode(image, 12))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.BUG);
                    assertThat(e.getMessage()).contains("bucket 12").contains("kind 9");
                });
    }

    @Test
    void decoderAcceptsARetiredBucketHoldingOnlyRrvs() {
        Bucket retired = new Bucket.Builder(BucketLayout.KIND_RRV, 0, 2, 512).addRrv(3, 40).addRrv(4, 41).build();
        Bucket decoded = BucketDecoder.decode(retired.image(), 12);
        assertThat(decoded.rrvTarget(decoded.findRrv(4))).isEqualTo(41);
    }

    @Test
    void decoderRejectsARetiredBucketWithAnEntry() {
        Bucket damaged = new Bucket.Builder(BucketLayout.KIND_RRV, 0, 2, 512).addEntry(key(1), new byte[8]).build();
        assertThatThrownBy(() -> BucketDecoder.decode(damaged.image(), 12))
                .isInstanceOfSatisfying(RmsException.class, e -> {
                    assertThat(e.status()).isEqualTo(RmsStatus.BUG);
                    assertThat(e.getMessage()).contains("bucket 12").contains("retired");
                });
    }

    @Test
    void decoderRejectsASlotOutsideTheHeap() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_SIDR, 0, 2, 512).withInserted(0, key(1), new byte[8]);
        byte[] image = bucket.image().clone();
        image[BucketLayout.HEADER_SIZE] = 0;
        image[BucketLayout.HEADER_SIZE + 1] = 30;
        assertThatThrownBy(() -> BucketDecoder.decode(image, 1)).isInstanceOf(RmsException.class).hasMessageContaining("heap");
    }

    @Test
    void decoderRejectsEntriesOutOfOrder() {
        Bucket bucket = Bucket.empty(BucketLayout.KIND_SIDR, 0, 2, 512)
                .withInserted(0, key(1), new byte[8]).withInserted(1, key(2), new byte[8]);
        byte[] image = bucket.image().clone();
        byte[] first = Arrays.copyOfRange(image, BucketLayout.HEADER_SIZE, BucketLayout.HEADER_SIZE + 2);
        System.arraycopy(image, BucketLayout.HEADER_SIZE + 2, image, BucketLayout.HEADER_SIZE, 2);
        System.arraycopy(first, 0, image, BucketLayout.HEADER_SIZE + 2, 2);
        assertThatThrownBy(() -> BucketDecoder.decode(image, 1)).hasMessageContaining("order");
    }

    @Test
    void decoderRejectsAnImageThatIsNotWholeBlocks() {
        assertThatThrownBy(() -> BucketDecoder.decode(new byte[100], 1)).hasMessageContaining("blocks");
    }

    @Test
    void lowerAndUpperBoundAreTheFirstEntriesAtLeastAndAboveTheKeyForEveryCountAndPrefixLength() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int count = 0; count <= 60; count++) {
            // Few distinct first bytes, so that prefixes repeat and whole runs of entries compare equal.
            byte[][] keys = new byte[count][];
            for (int i = 0; i < count; i++) {
                keys[i] = new byte[] {(byte) random.nextInt(6), (byte) random.nextInt(256)};
            }
            Arrays.sort(keys, Arrays::compareUnsigned);
            Bucket bucket = Bucket.empty(BucketLayout.KIND_SIDR, 0, 2, 4096);
            for (int i = 0; i < count; i++) {
                bucket = bucket.withInserted(i, keys[i], new byte[4]);
            }
            for (int probe = 0; probe < 200; probe++) {
                byte[] target = {(byte) random.nextInt(7), (byte) random.nextInt(256)};
                for (int length = 0; length <= 2; length++) {
                    assertThat(bucket.lowerBound(target, length)).as("lowerBound, %d entries, length %d", count, length)
                            .isEqualTo(firstIndex(keys, target, length, false));
                    assertThat(bucket.upperBound(target, length)).as("upperBound, %d entries, length %d", count, length)
                            .isEqualTo(firstIndex(keys, target, length, true));
                }
            }
        }
    }

    /** The first index whose key prefix is at least (or above) the target's, found by looking at every key. */
    private static int firstIndex(byte[][] keys, byte[] target, int length, boolean above) {
        for (int i = 0; i < keys.length; i++) {
            int c = Arrays.compareUnsigned(keys[i], 0, length, target, 0, length);
            if (above ? c > 0 : c >= 0) {
                return i;
            }
        }
        return keys.length;
    }
}
