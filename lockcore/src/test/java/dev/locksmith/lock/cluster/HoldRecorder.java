package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workers of the multi-process history test: random requests, conversions and dequeues on a
 * few roots, recording every interval in which an owner certainly held a mode (from just after
 * the grant returned to just before the call that could lower it, or to the moment its node
 * cleared the lock) with the fencing token of the grant. Times are {@link System#nanoTime()},
 * one clock for every process of a Linux machine, so holds of several JVMs can be compared.
 * Thread-safe: one recorder serves all the workers of a JVM.
 */
final class HoldRecorder {
    static final String[] RESOURCES = {"H0", "H1", "H2", "H3"};

    /**
     * {@code owner} held {@code mode} on {@code resource} from {@code from} to {@code to} under
     * the grant that gave it {@code fence}, made between {@code asked} (before the request was
     * made) and {@code seen} (when the worker saw it granted; for a process that was paused
     * meanwhile, that may be long after).
     */
    record Hold(String resource, String owner, LockMode mode, long from, long to, long fence, long asked, long seen) {
        /** The line a child JVM prints for this hold. */
        String line() {
            return "HOLD " + resource + " " + owner + " " + mode + " " + from + " " + to + " " + fence + " " + asked
                    + " " + seen;
        }

        /** The hold of a line {@link #line()} printed. */
        static Hold parse(String line) {
            String[] w = line.split(" ");
            return new Hold(w[1], w[2], LockMode.valueOf(w[3]), Long.parseLong(w[4]), Long.parseLong(w[5]),
                    Long.parseLong(w[6]), Long.parseLong(w[7]), Long.parseLong(w[8]));
        }
    }

    private final ConcurrentLinkedQueue<Hold> holds = new ConcurrentLinkedQueue<>();
    private final Map<Lock, Long> clearedAt = new ConcurrentHashMap<>();

    /** The holds recorded so far. */
    List<Hold> holds() {
        return List.copyOf(holds);
    }

    /**
     * Makes a request, conversion or dequeue on {@code owner}'s locks at random until
     * {@code deadline} (nanoTime), or until its node shuts down (crashes) under it: its holds
     * then run until that moment, and the caller cuts them at the crash.
     */
    void work(LockOwner owner, long seed, long deadline) throws InterruptedException {
        owner.addClearListener((o, locks) -> {
            long now = System.nanoTime();
            locks.forEach(l -> clearedAt.putIfAbsent(l, now));
        });
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Lock> held = new HashMap<>();
        Map<String, long[]> since = new HashMap<>();
        boolean shutDown = false;
        try {
            workUntil(owner, random, deadline, held, since);
        } catch (LockException e) {
            if (e.status() != LockStatus.SHUTDOWN) {
                throw e;
            }
            shutDown = true;
        }
        for (Map.Entry<String, Lock> e : held.entrySet()) {
            record(e.getKey(), owner, since.get(e.getKey()), e.getValue(), System.nanoTime());
        }
        if (!shutDown) {
            owner.close();
        }
    }

    /**
     * Starts a thread that runs {@link #work} on {@code owner}; the first failure of any such
     * thread is kept in {@code failure}.
     */
    Thread start(LockOwner owner, long seed, long deadline, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                work(owner, seed, deadline);
            } catch (Throwable e) {
                failure.compareAndSet(null, new AssertionError("worker " + owner.name() + " failed", e));
            }
        }, "hold-recorder-" + owner.name());
        t.start();
        return t;
    }

    private void workUntil(LockOwner owner, SplittableRandom random, long deadline, Map<String, Lock> held,
                           Map<String, long[]> since) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            String resource = RESOURCES[random.nextInt(RESOURCES.length)];
            LockMode mode = LockMode.ofOrdinal(random.nextInt(6));
            Lock lock = held.get(resource);
            if (lock != null && clearedAt.containsKey(lock)) {
                record(resource, owner, since.get(resource), lock, System.nanoTime());
                held.remove(resource);
            } else if (lock == null) {
                long asked = System.nanoTime();
                Lock l = request(() -> owner.enqueue(options(LockRequest.of(resource, mode), random)), null);
                if (l != null) {
                    held.put(resource, l);
                    long seen = System.nanoTime();
                    since.put(resource, new long[] {seen, mode.ordinal(), l.fencingToken(), asked, seen});
                }
            } else if (random.nextInt(10) < 5) {
                long asked = System.nanoTime();
                record(resource, owner, since.get(resource), lock, asked);
                Lock l = request(() -> owner.convert(lock, options(LockRequest.conversionTo(mode), random)), lock);
                LockMode now = l != null ? mode : lock.grantedMode();
                long seen = System.nanoTime();
                if (now == null) {
                    held.remove(resource); // cleared meanwhile
                } else if (l != null) {
                    since.put(resource, new long[] {seen, now.ordinal(), lock.fencingToken(), asked, seen});
                } else {
                    long[] before = since.get(resource); // still under the grant it had
                    since.put(resource, new long[] {seen, now.ordinal(), before[2], before[3], before[4]});
                }
            } else {
                record(resource, owner, since.get(resource), lock, System.nanoTime());
                held.remove(resource);
                try {
                    owner.dequeue(lock);
                } catch (LockException e) {
                    if (!wasCleared(lock, e)) {
                        throw e;
                    }
                }
            }
        }
    }

    private interface Request {
        Lock make() throws InterruptedException;
    }

    /** Makes a request; null if it was refused as a request may be (or its lock, {@code on}, was cleared). */
    private Lock request(Request r, Lock on) throws InterruptedException {
        try {
            return r.make();
        } catch (LockException e) {
            if (on != null && wasCleared(on, e)) {
                return null;
            }
            if (e.status() != LockStatus.NOTQUEUED && e.status() != LockStatus.TIMEOUT
                    && e.status() != LockStatus.DEADLOCK && e.status() != LockStatus.CANCELLED) {
                throw e;
            }
            return null;
        }
    }

    /** Whether {@code e} says {@code lock} is gone because its node cleared it (the listener may come just after). */
    private boolean wasCleared(Lock lock, LockException e) {
        if (e.status() != LockStatus.IVLOCKID) {
            return false;
        }
        ClusterTestSupport.awaitTrue("the clear of " + lock + " is recorded", () -> clearedAt.containsKey(lock));
        return true;
    }

    private static LockRequest options(LockRequest r, SplittableRandom random) {
        return random.nextInt(4) == 0 ? r.withFlags(LockFlag.NOQUEUE)
                : r.withTimeout(Duration.ofMillis(20 + random.nextInt(80)));
    }

    /** Records a hold of {@code lock} from {@code since} until {@code until}, cut short by a clear. */
    private void record(String resource, LockOwner owner, long[] since, Lock lock, long until) {
        long to = Math.min(until, clearedAt.getOrDefault(lock, Long.MAX_VALUE));
        if (since[0] < to) {
            holds.add(new Hold(resource, owner.name(), LockMode.ofOrdinal((int) since[1]), since[0], to, since[2],
                    since[3], since[4]));
        }
    }
}
