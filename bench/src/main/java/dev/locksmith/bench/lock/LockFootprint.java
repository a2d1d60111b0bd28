package dev.locksmith.bench.lock;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;

/**
 * Retained heap per granted lock: 1,000,000 EX locks on 1,000,000 resources held by one owner,
 * heap in use after a full collection minus heap in use before, divided by the lock count.
 * Counts everything the lock manager keeps for them: lock, resource, name String, table slots.
 * Run in a JVM of its own with a fixed heap so the collector settles; the result is printed as
 * one line, {@code bytes per lock: N}.
 */
public final class LockFootprint {
    static final int LOCKS = Integer.getInteger("locksmith.bench.locks", 1_000_000);

    private LockFootprint() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.printf(Locale.ROOT, "bytes per lock: %.1f%n", measure());
    }

    static double measure() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (LockManager manager = LockManager.builder().name("footprint").deadlockWait(Duration.ZERO).build()) {
            LockOwner owner = manager.newOwner("holder");
            long before = usedAfterGc(memory);
            for (int i = 0; i < LOCKS; i++) {
                owner.enqueue("RESOURCE-" + i, LockMode.EX);
            }
            long after = usedAfterGc(memory);
            if (manager.statistics().locks() != LOCKS || manager.statistics().resources() != LOCKS) {
                throw new IllegalStateException("expected " + LOCKS + " locks and resources, got " + manager.statistics());
            }
            return (after - before) / (double) LOCKS;
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
