/**
 * The record store's API: sequential, relative and indexed files of records, as RMS keeps them,
 * in buckets on an H2 MVStore file.
 *
 * <p><b>Start here.</b> Describe a file with {@link dev.locksmith.rms.FileDefinition#builder(dev.locksmith.rms.Organization)}
 * (and {@link dev.locksmith.rms.KeyDefinition#builder(int)} for the keys of an indexed file) or in
 * FDL text with {@link dev.locksmith.rms.fdl.FdlParser#parse(String)}; make it with
 * {@link dev.locksmith.rms.RmsFile#create(java.nio.file.Path, dev.locksmith.rms.FileDefinition)} or
 * open it with {@link dev.locksmith.rms.RmsFile#open(java.nio.file.Path)}; read and write records
 * through a {@link dev.locksmith.rms.RecordStream} from {@link dev.locksmith.rms.RmsFile#stream()}
 * ({@code put}, {@code get} by key, record number or {@link dev.locksmith.rms.Rfa}, {@code next},
 * {@code update}, {@code delete}). {@link dev.locksmith.rms.FileAnalyzer} checks a whole file and
 * {@link dev.locksmith.rms.FileDumper} prints its buckets.
 *
 * <p><b>Errors.</b> Every failure is an {@link dev.locksmith.rms.RmsException} carrying an
 * {@link dev.locksmith.rms.RmsStatus} named after the VMS condition ({@code RNF}, {@code DUP},
 * {@code FNF}, {@code FDL}, …) and a message naming the argument; a service that fails changes
 * nothing.
 *
 * <p>The subpackages are the implementation: {@code org} (the three organizations),
 * {@code index} (B-trees), {@code bucket} (the bucket format), {@code access} (atomic services over
 * buckets) and {@code storage} (MVStore). Applications use only this package and {@code fdl}.
 */
package dev.locksmith.rms;
