/**
 * Global buffers: a node-wide bucket cache per file whose read-mode bucket locks stay cached
 * between services and are lowered only by blocking callbacks, with value-block versions that
 * revalidate a copy without I/O (seed 001); under deferred durability they also keep a changed
 * bucket dirty for a while (RMS's deferred write), so that its updates cost one storage write. {@link dev.locksmith.rms.cache.GlobalBuffers} is the
 * cache; {@link dev.locksmith.rms.cache.BufferCounters} counts what it saves. Internal to the record
 * store: applications switch it on with {@code RmsFile.Options#withGlobalBuffers} or the file's FDL
 * {@code GLOBAL_BUFFER_COUNT}.
 */
package dev.locksmith.rms.cache;
