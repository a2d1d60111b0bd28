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
 * The workers of the multi-process history tests: random requests, conversions and dequeues on a
 * few roots, recording every interval in which an owner certainly held a mode, with the fencing
 * token of the grant, for a checker that reports two incompatible modes held at once. So that
 * the checker reports only true overlaps, each interval lies inside the real hold:
 * <ul>
 *   <li>it begins when the worker saw the grant (its request returned), never before the
 *       grant was made;</li>
 *   <li>it ends when the worker is about to make the call that could lower the mode (a
 *       conversion, a dequeue, its owner's close), stamped before the call, so before the
 *       master could grant against it;</li>
 *   <li>or, for a lock its node cleared (its quorum lease ran out), when that clear began: the
 *       node's {@link LeaseGuard#lapseClears} seam stamps it before the clear dequeues anything.
 *       Not when the clear listener is told: the node tells it on its callback thread after the
 *       dequeues went, and under load the master may have granted the lock to another owner,
 *       who saw the grant, before then (a false overlap of a millisecond or so). Which clear
 *       took the lock is not told; the first that had not ended when the lock was requested is
 *       the earliest that can have (one over by then never saw its copy), and its beginning is
 *       taken. A lock cleared by anything else (a lost quorum; no test here clears by hand) has
 *       no such bound and its hold is left out from the grant on.</li>
 * </ul>
 * Times are {@link System#nanoTime()}: CLOCK_MONOTONIC on Linux, one clock for every process
 * of the machine, so holds recorded in several JVMs can be compared.
 * Thread-safe: one recorder serves all the workers of a JVM, one thread driving each worker.
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
    /** When a clear listener was told of each cleared lock (only that it was cleared is used, and as a last bound). */
    private final Map<Lock, Long> clearedAt = new ConcurrentHashMap<>();
    /** Each node's lapse clears (by its lease guard, whose seam they fill). */
    private final Map<LeaseGuard, Clears> clears = new ConcurrentHashMap<>();

    /** The holds recorded so far. */
    List<Hold> holds() {
        return List.copyOf(holds);
    }

    /**
     * A worker recording the holds of {@code owner}, an owner of {@code node}: installs the clear
     * listener on the owner and the lapse clears' seam on the node (once per node).
     */
    Worker worker(ClusterLockManager node, LockOwner owner) {
        Clears nodeClears = clears.computeIfAbsent(node.leaseGuard(), guard -> {
            Clears c = new Clears();
            guard.lapseClears = c;
            return c;
        });
        owner.addClearListener((o, locks) -> {
            long now = System.nanoTime();
            locks.forEach(l -> clearedAt.putIfAbsent(l, now));
        });
        return new Worker(owner, nodeClears);
    }

    /**
     * Makes a request, conversion or dequeue on {@code owner}'s locks at random until
     * {@code deadline} (nanoTime), or until its node shuts down (crashes) under it: its holds
     * then run until that moment, and the caller cuts them at the crash.
     */
    void work(ClusterLockManager node, LockOwner owner, long seed, long deadline) throws InterruptedException {
        Worker worker = worker(node, owner);
        SplittableRandom random = new SplittableRandom(seed);
        boolean shutDown = false;
        try {
            while (System.nanoTime() < deadline) {
                worker.step(random);
            }
        } catch (LockException e) {
            if (e.status() != LockStatus.SHUTDOWN) {
                throw e;
            }
            shutDown = true;
        }
        worker.endAll();
        if (!shutDown) {
            owner.close();
        }
    }

    /**
     * Starts a thread that runs {@link #work} on {@code owner}; the first failure of any such
     * thread is kept in {@code failure}.
     */
    Thread start(ClusterLockManager node, LockOwner owner, long seed, long deadline,
                 AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                work(node, owner, seed, deadline);
            } catch (Throwable e) {
                failure.compareAndSet(null, new AssertionError("worker " + owner.name() + " failed", e));
            }
        }, "hold-recorder-" + owner.name());
        t.start();
        return t;
    }

    /**
     * The lapse clears of one node, as its {@link LeaseGuard#lapseClears} seam tells them: when
     * each began and ended ({@link Long#MAX_VALUE} while it runs), in order (one timer thread
     * runs them).
     */
    private static final class Clears implements LeaseGuard.LapseClears {
        private final List<long[]> list = new ArrayList<>(); // guarded by this

        @Override
        public synchronized void began() {
            list.add(new long[] {System.nanoTime(), Long.MAX_VALUE});
        }

        @Override
        public synchronized void ended() {
            list.get(list.size() - 1)[1] = System.nanoTime();
        }

        /**
         * The earliest a lapse's clear that took a lock requested at {@code requested} can have
         * begun, its listener told at {@code told}: the beginning of the first that had not ended
         * at the request; {@link Long#MIN_VALUE} if none began before {@code told} (the lock was
         * cleared otherwise, when is not known).
         */
        synchronized long earliestBeginning(long requested, long told) {
            for (long[] c : list) {
                if (c[0] > told) {
                    break;
                }
                if (c[1] >= requested) {
                    return c[0];
                }
            }
            return Long.MIN_VALUE;
        }
    }

    /** The hold a worker has on a resource: since when, in what mode, under which grant. */
    private record Since(long from, LockMode mode, long fence, long asked, long seen, long requested) {
    }

    /** One owner's holds; driven by one thread at a time. */
    final class Worker {
        private final LockOwner owner;
        private final Clears nodeClears;
        private final Map<String, Lock> held = new HashMap<>();
        private final Map<String, Since> since = new HashMap<>();

        private Worker(LockOwner owner, Clears nodeClears) {
            this.owner = owner;
            this.nodeClears = nodeClears;
        }

        /** One random step: a request, a conversion or a dequeue, or noting that a lock was cleared. */
        void step(SplittableRandom random) throws InterruptedException {
            String resource = RESOURCES[random.nextInt(RESOURCES.length)];
            LockMode mode = LockMode.ofOrdinal(random.nextInt(6));
            Lock lock = held.get(resource);
            if (lock != null && clearedAt.containsKey(lock)) {
                end(resource);
            } else if (lock == null) {
                enqueue(options(LockRequest.of(resource, mode), random));
            } else if (random.nextInt(10) < 5) {
                convert(resource, options(LockRequest.conversionTo(mode), random));
            } else {
                dequeue(resource);
            }
        }

        /** Requests {@code request} (a resource not held); returns its lock if granted, else null. */
        Lock enqueue(LockRequest request) throws InterruptedException {
            long asked = System.nanoTime();
            Lock l = request(() -> owner.enqueue(request), null);
            if (l != null) {
                long seen = System.nanoTime();
                held.put(request.name(), l);
                since.put(request.name(),
                        new Since(seen, request.mode(), l.fencingToken(), asked, seen, asked));
            }
            return l;
        }

        /** Converts the lock held on {@code resource}: its hold ends now, and a new one begins once the conversion returns. */
        void convert(String resource, LockRequest conversion) throws InterruptedException {
            Lock lock = held.get(resource);
            long asked = System.nanoTime();
            record(resource, asked);
            Lock l = request(() -> owner.convert(lock, conversion), lock);
            LockMode now = l != null ? conversion.mode() : lock.grantedMode();
            long seen = System.nanoTime();
            Since before = since.get(resource);
            if (now == null) {
                forget(resource); // cleared meanwhile
            } else if (l != null) {
                since.put(resource, new Since(seen, now, lock.fencingToken(), asked, seen, before.requested()));
            } else { // still under the grant it had
                since.put(resource, new Since(seen, now, before.fence(), before.asked(), before.seen(),
                        before.requested()));
            }
        }

        /** Dequeues the lock held on {@code resource}; its hold ends just before. */
        void dequeue(String resource) {
            Lock lock = held.get(resource);
            end(resource);
            try {
                owner.dequeue(lock);
            } catch (LockException e) {
                if (!wasCleared(lock, e)) {
                    throw e;
                }
            }
        }

        /** Whether the lock held on {@code resource} was cleared (its clear listener was told). */
        boolean cleared(String resource) {
            Lock lock = held.get(resource);
            return lock != null && clearedAt.containsKey(lock);
        }

        /** Ends the hold on {@code resource} now, or when its lock was cleared if it was. */
        void end(String resource) {
            record(resource, System.nanoTime());
            forget(resource);
        }

        /** Ends every hold now (the caller then closes the owner, or its node crashed). */
        void endAll() {
            for (String resource : List.copyOf(held.keySet())) {
                end(resource);
            }
        }

        private void forget(String resource) {
            held.remove(resource);
            since.remove(resource);
        }

        /** Records the hold of {@code resource} from its start until {@code until}, cut short by a clear. */
        private void record(String resource, long until) {
            Since s = since.get(resource);
            Lock lock = held.get(resource);
            long to = until;
            Long told = clearedAt.get(lock);
            if (told != null) {
                to = Math.min(until, nodeClears.earliestBeginning(s.requested(), told));
            }
            if (s.from() < to) {
                holds.add(new Hold(resource, owner.name(), s.mode(), s.from(), to, s.fence(), s.asked(), s.seen()));
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
}
