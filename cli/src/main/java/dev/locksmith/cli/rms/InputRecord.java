package dev.locksmith.cli.rms;

/**
 * One record read from a load's input, or why it could not be made into one.
 *
 * @param number  1-based line (CSV) or record (fixed) number in the input
 * @param record  the record bytes, null if {@code error} is set
 * @param error   what was wrong with the input, null if the record was read
 */
record InputRecord(long number, byte[] record, String error) {
}
