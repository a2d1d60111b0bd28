/**
 * Where buckets persist: the {@link dev.locksmith.rms.storage.BucketStorage} interface and its H2
 * MVStore implementation, {@link dev.locksmith.rms.storage.MVStoreBucketStorage}.
 *
 * <p>Internal to the record store: applications use {@link dev.locksmith.rms.RmsFile} and
 * {@link dev.locksmith.rms.RecordStream} instead.
 */
package dev.locksmith.rms.storage;
