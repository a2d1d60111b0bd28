package dev.locksmith.rms.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;

/**
 * Fuzzes the bucket decoder: any bytes are either rejected with status BUG, or decode to a bucket
 * on which every read works and whose changes decode again — never another exception, never a
 * hang. {@code mvn test} replays the seeds in {@code BucketDecoderFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration}.
 */
class BucketDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] image) {
        Bucket bucket;
        try {
            bucket = BucketDecoder.decode(image, 7);
        } catch (RmsException e) {
            assertThat(e.status()).isEqualTo(RmsStatus.BUG);
            return;
        }
        readEverything(bucket);
        if (bucket.entryCount() > 0) {
            BucketDecoder.decode(bucket.withRemoved(0).image(), 7);
            Bucket replaced = bucket.withPayload(0, bucket.payload(0));
            if (replaced != null) {
                BucketDecoder.decode(replaced.image(), 7);
            }
        }
        byte[] lowest = new byte[bucket.keyLength()];
        boolean lowestTaken = bucket.entryCount() > 0 && bucket.compareKey(0, lowest, lowest.length) == 0;
        if (!lowestTaken && bucket.kind() != BucketLayout.KIND_RRV) {
            int payloadLength = bucket.kind() == BucketLayout.KIND_INDEX ? BucketLayout.CHILD_SIZE : BucketLayout.RFA_SIZE;
            Bucket inserted = bucket.withInserted(0, lowest, new byte[payloadLength]);
            if (inserted != null) {
                readEverything(BucketDecoder.decode(inserted.image(), 7));
            }
        }
    }

    private static void readEverything(Bucket bucket) {
        for (int i = 0; i < bucket.entryCount(); i++) {
            assertThat(bucket.key(i)).hasSize(bucket.keyLength());
            assertThat(bucket.payload(i)).hasSize(bucket.payloadLength(i));
        }
        for (int i = 0; i < bucket.rrvCount(); i++) {
            assertThat(bucket.findRrv(bucket.rrvRecordId(i))).isBetween(0, i);
            assertThat(bucket.rrvTarget(i)).isNotNegative();
        }
        assertThat(bucket.lowerBound(new byte[bucket.keyLength()], bucket.keyLength())).isBetween(0, bucket.entryCount());
        assertThat(bucket.freeSpace()).isBetween(0, BucketLayout.capacity(bucket.size()));
    }
}
