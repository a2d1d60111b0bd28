package dev.locksmith.cli.rms;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Binary input of consecutive records of one size, as CONVERT reads a fixed-length file. */
final class FixedRecordSource implements RecordSource {
    private final InputStream in;
    private final int recordSize;
    private long bytesRead;
    private long number;

    FixedRecordSource(Path input, int recordSize) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
        this.recordSize = recordSize;
    }

    @Override
    public InputRecord next() throws IOException {
        byte[] record = in.readNBytes(recordSize);
        if (record.length == 0) {
            return null;
        }
        bytesRead += record.length;
        number++;
        if (record.length < recordSize) {
            return new InputRecord(number, null, "the input ends with a partial record of " + record.length
                    + " bytes (records are " + recordSize + ")");
        }
        return new InputRecord(number, record, null);
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
