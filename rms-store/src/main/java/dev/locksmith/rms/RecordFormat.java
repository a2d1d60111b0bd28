package dev.locksmith.rms;

/** Record format, as in FDL {@code RECORD FORMAT}. */
public enum RecordFormat {
    /** Every record is exactly the file's record size. */
    FIXED,
    /** Records are 0 to the file's maximum record size bytes long. */
    VARIABLE
}
