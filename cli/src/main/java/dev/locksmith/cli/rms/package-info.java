/**
 * {@code locksmith rms create|load|dump|analyze}: CREATE/FDL, CONVERT, a record dump and
 * ANALYZE/RMS_FILE/CHECK for record files. Errors print as one line
 * {@code %RMS-E-STATUS, message} naming the file, with exit code 2.
 */
package dev.locksmith.cli.rms;
