/**
 * B-trees of buckets for the keys of indexed files ({@link dev.locksmith.rms.index.BTree}) and the
 * byte encoding of key values ({@link dev.locksmith.rms.index.KeyCodec}).
 *
 * <p>Internal to the record store: applications use {@link dev.locksmith.rms.RmsFile} and
 * {@link dev.locksmith.rms.RecordStream} instead.
 */
package dev.locksmith.rms.index;
