/**
 * {@code locksmith rms create|load|define|dump|analyze}: CREATE/FDL, CONVERT, record definitions
 * (named, typed fields), a record dump and
 * ANALYZE/RMS_FILE/CHECK for record files. Errors print as one line
 * {@code %RMS-E-STATUS, message} naming the file, with exit code 2.
 */
package dev.locksmith.cli.rms;
