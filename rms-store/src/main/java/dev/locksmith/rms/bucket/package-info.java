/**
 * The bucket format: {@link dev.locksmith.rms.bucket.Bucket} images (header, slots, entries, RRVs)
 * as {@link dev.locksmith.rms.bucket.BucketLayout} lays them out, validated by {@link
 * dev.locksmith.rms.bucket.BucketDecoder}.
 *
 * <p>Internal to the record store: applications use {@link dev.locksmith.rms.RmsFile} and
 * {@link dev.locksmith.rms.RecordStream} instead.
 */
package dev.locksmith.rms.bucket;
