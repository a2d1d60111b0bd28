/**
 * Atomic services over buckets: {@link dev.locksmith.rms.access.BucketAccess} applies each
 * service's bucket writes and {@link dev.locksmith.rms.access.FileState} changes in one step.
 *
 * <p>Internal to the record store: applications use {@link dev.locksmith.rms.RmsFile} and
 * {@link dev.locksmith.rms.RecordStream} instead.
 */
package dev.locksmith.rms.access;
