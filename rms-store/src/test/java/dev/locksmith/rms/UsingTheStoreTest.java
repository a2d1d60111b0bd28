package dev.locksmith.rms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.rms.fdl.FdlParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Using the store" example, verbatim between the markers, so it keeps compiling and working. */
class UsingTheStoreTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCreatesSharesReadsWithALockUpdatesAndReleases() {
        Path path = dir.resolve("stock.rms");
        String fdl = """
                FILE
                    ORGANIZATION indexed
                RECORD
                    FORMAT fixed
                    SIZE 20
                KEY 0
                    SEG0_POSITION 0
                    SEG0_LENGTH 8
                ACCESS
                    GET yes
                    PUT yes
                    UPDATE yes
                SHARING
                    GET yes
                    PUT yes
                    UPDATE yes
                """;
        byte[] key = "ITEM0042".getBytes(StandardCharsets.US_ASCII);
        byte[] record = "ITEM0042qty=00000010".getBytes(StandardCharsets.US_ASCII);
        byte[] changed = "ITEM0042qty=00000009".getBytes(StandardCharsets.US_ASCII);

        // README: using the store
        try (RmsFile created = RmsFile.create(path, FdlParser.parse(fdl))) {   // FILE, RECORD, KEY sections
            created.stream().put(record);
        }
        Sharing shared = FdlParser.parseSharing(fdl).orElseThrow();            // ACCESS + SHARING: write-shared
        try (RmsFile stock = RmsFile.open(path, RmsFile.Options.DEFAULT, shared);
             RecordStream stream = stock.stream()) {                           // its own lock owner
            byte[] item = stream.get(0, key, KeyMatch.EQ,
                    RecordOptions.waitSeconds(5));                             // EX record lock; RLK/TMO if held
            stream.update(changed);                                            // under that lock, then released
            stream.options(RecordOptions.of(RecordOption.ULK));                // manual unlocking from now on
            Rfa rfa = stream.find(0, key, KeyMatch.EQ);                        // locked until released
            stream.release(rfa);                                               // $RELEASE (free() = $FREE)
            // README: end
            assertThat(new String(item, StandardCharsets.US_ASCII)).isEqualTo("ITEM0042qty=00000010");
            assertThat(stream.lastStatus()).isEqualTo(RmsStatus.SUC);
            assertThat(stock.stream().get(0, key)).isEqualTo(changed);
        }
    }
}
