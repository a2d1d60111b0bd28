package dev.locksmith.cli.rms;

import java.io.Closeable;
import java.io.IOException;

/** Records read from a load's input, in order. Not thread-safe. */
interface RecordSource extends Closeable {

    /** The next record, or null at the end of the input. */
    InputRecord next() throws IOException;

    /** Input bytes consumed so far, for the progress bar. */
    long bytesRead();
}
