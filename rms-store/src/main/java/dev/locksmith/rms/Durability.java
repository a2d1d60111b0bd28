package dev.locksmith.rms;

/**
 * When a completed service of an {@link RmsFile} becomes durable, chosen per open file in
 * {@link RmsFile.Options}. Whatever the choice, every service is atomic: after a crash each one is
 * in the file entirely or not at all, and those present are a prefix of the services in the order
 * they completed.
 */
public enum Durability {
    /**
     * The default, and the fastest: a completed service is written to the store file by the store's
     * background commit within {@link RmsFile.Options#commitIntervalMillis()} (sooner when much is
     * unsaved), or by {@link RmsFile#flush()} or {@link RmsFile#close()}. A process killed before
     * then loses the services of that interval.
     */
    DEFERRED,
    /**
     * Each service is committed to the store file before it returns: it survives the death of the
     * process (kill -9, a JVM crash), not that of the operating system or the machine, since the
     * file is not forced to the disk. Costs a store commit (a file write) per service.
     */
    COMMIT,
    /**
     * Each service is committed and the file forced to the disk (fsync) before it returns: it
     * survives a power failure too. The slowest: a disk sync per service.
     */
    SYNC
}
