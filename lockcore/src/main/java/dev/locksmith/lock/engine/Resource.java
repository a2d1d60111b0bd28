package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource: a name in a namespace (or under a parent resource), its three queues and its
 * value block. Every field but the activity counters is guarded by the lock of the
 * {@link Stripe} the resource hashes to; the grant rules that use the queues are in
 * {@link Engine}. Queues are circular doubly-linked lists threaded through {@link LockBlock}s,
 * so a lock costs no queue node and leaves any queue in constant time.
 *
 * <p>Activity (see {@link Activity}) is counted on the tree's root by every request in the tree: requests
 * on the root with a plain increment under its stripe, requests on sublocks (under other
 * stripes) atomically. The counts are cumulative; each second's difference is folded into the
 * smoothed figure lazily, by the first request of a new second or by a reader.
 */
final class Resource {
    static final int MAX_VALUE_BLOCK = 64;
    static final int SHORT_VALUE_BLOCK = 16;
    private static final byte VALUE_NOT_VALID = 1;
    /** The last writer wrote 16 bytes: bytes 16..63 are stale for 64-byte readers. */
    private static final byte VALUE_SHORT = 2;
    /** On the stripe's list of unused resources. */
    private static final byte LISTED_UNUSED = 4;
    private static final byte VALUE_BITS = VALUE_NOT_VALID | VALUE_SHORT;

    /** The namespace of a root resource, or the parent of a sublock's: one field, as a resource has one or the other. */
    private final Object scope;
    /** The String of the request that made the resource: see {@link Names}. */
    final String name;
    /** Hash of (namespace or parent, name); decides the stripe and bucket. */
    final int hash;
    /** Next resource in the same hash bucket. */
    Resource next;
    /** The stripe this resource hashes to, kept so that reaching it costs one load, not three. */
    final Stripe stripe;

    LockBlock granted;
    LockBlock converting;
    LockBlock waiting;

    private byte[] value;
    private byte valueFlags;

    /** Requests on this (root) resource itself: guarded by its stripe, cumulative. */
    private int ownRequests;
    /** Requests on sublocks of this tree, made under other stripes: atomic, cumulative. */
    private volatile int subRequests;
    /** ownRequests + subRequests when activity was last folded. */
    private int folded;
    private volatile int activitySecond;
    private volatile float activity;

    Resource(Stripe stripe, Namespace namespace, Resource parent, String name, int hash, int nowSecond) {
        this.stripe = stripe;
        this.scope = parent != null ? parent : namespace;
        this.name = name;
        this.hash = hash;
        this.activitySecond = nowSecond;
    }

    static int hash(Namespace namespace, Resource parent, int nameHash) {
        return hash(parent != null ? parent.hash : scopeHash(namespace), nameHash);
    }

    /**
     * The hash of a name under a scope whose part of the hash is {@code scopeHash}: a parent's
     * {@link #hash}, or {@link #scopeHash(Namespace)} of a namespace, which an owner keeps ready
     * so that a request does not wait for loads of the namespace's fields before its stripe.
     */
    static int hash(int scopeHash, int nameHash) {
        int h = nameHash * 0x9E3779B1 + scopeHash;
        return h ^ (h >>> 16);
    }

    static int scopeHash(Namespace namespace) {
        return 31 * namespace.group() + namespace.kind().ordinal();
    }

    boolean isUnused() {
        return granted == null && converting == null && waiting == null;
    }

    /** The parent resource, or null for a root. */
    Resource parent() {
        return scope instanceof Resource p ? p : null;
    }

    /** Whether this resource is {@code parent}'s child (null: a root) in {@code namespace}. */
    boolean isIn(Namespace namespace, Resource parent) {
        return parent != null ? scope == parent : scope == namespace || namespace.equals(scope);
    }

    Resource root() {
        Resource r = this;
        while (r.scope instanceof Resource p) {
            r = p;
        }
        return r;
    }

    /** The namespace of this resource's tree. */
    Namespace namespace() {
        return (Namespace) root().scope;
    }

    boolean listedUnused() {
        return (valueFlags & LISTED_UNUSED) != 0;
    }

    void listedUnused(boolean listed) {
        valueFlags = (byte) (listed ? valueFlags | LISTED_UNUSED : valueFlags & ~LISTED_UNUSED);
    }

    List<String> path() {
        ArrayList<String> path = new ArrayList<>(2);
        for (Resource r = this; r != null; r = r.parent()) {
            path.add(0, r.name);
        }
        return path;
    }

    // ---- queues ------------------------------------------------------------------------

    static final byte NO_QUEUE = 0;
    static final byte GRANTED = 1;
    static final byte CONVERTING = 2;
    static final byte WAITING = 3;

    LockBlock head(byte queue) {
        return switch (queue) {
            case GRANTED -> granted;
            case CONVERTING -> converting;
            case WAITING -> waiting;
            default -> null;
        };
    }

    private void setHead(byte queue, LockBlock head) {
        switch (queue) {
            case GRANTED -> granted = head;
            case CONVERTING -> converting = head;
            case WAITING -> waiting = head;
            default -> throw new IllegalArgumentException("queue " + queue);
        }
    }

    /** Appends {@code lock} at the tail of {@code queue}. */
    void append(byte queue, LockBlock lock) {
        LockBlock head = head(queue);
        if (head == null) {
            lock.qNext = lock;
            lock.qPrev = lock;
            setHead(queue, lock);
        } else {
            LockBlock tail = head.qPrev;
            lock.qPrev = tail;
            lock.qNext = head;
            tail.qNext = lock;
            head.qPrev = lock;
        }
        lock.queue = queue;
    }

    /** Removes {@code lock} from the queue it is on. */
    void unlink(LockBlock lock) {
        byte queue = lock.queue;
        if (lock.qNext == lock) {
            // A lone lock's links point at itself: they hold nothing, so they stay.
            setHead(queue, null);
        } else {
            lock.qPrev.qNext = lock.qNext;
            lock.qNext.qPrev = lock.qPrev;
            if (head(queue) == lock) {
                setHead(queue, lock.qNext);
            }
            lock.qNext = null;
            lock.qPrev = null;
        }
        lock.queue = NO_QUEUE;
    }

    /** The next lock in {@code lock}'s queue, or null at the tail. */
    LockBlock after(LockBlock lock) {
        LockBlock n = lock.qNext;
        return n == head(lock.queue) ? null : n;
    }

    /**
     * Whether {@code mode} is compatible with the granted mode of every lock on the granted and
     * conversion queues other than {@code except}.
     */
    boolean compatibleWithGranted(LockMode mode, LockBlock except) {
        int allowed = mode.compatibleMask();
        return compatibleIn(granted, allowed, except) && compatibleIn(converting, allowed, except);
    }

    private static boolean compatibleIn(LockBlock head, int allowed, LockBlock except) {
        if (head == null) {
            return true;
        }
        LockBlock l = head;
        do {
            if (l != except && (allowed & (1 << l.granted)) == 0) {
                return false;
            }
            l = l.qNext;
        } while (l != head);
        return true;
    }

    // ---- value block --------------------------------------------------------------------

    /**
     * Copies the value block into {@code lksb} (16 or 64 bytes) on a grant that reads it, and
     * returns the grant's status: {@code granted}, or VALNOTVALID / XVALNOTVALID.
     */
    LockStatus readValue(byte[] lksb, LockStatus granted) {
        if (value != null) {
            System.arraycopy(value, 0, lksb, 0, lksb.length);
        } else {
            java.util.Arrays.fill(lksb, (byte) 0);
        }
        if ((valueFlags & VALUE_NOT_VALID) != 0) {
            return LockStatus.VALNOTVALID;
        }
        if (lksb.length > SHORT_VALUE_BLOCK && (valueFlags & VALUE_SHORT) != 0) {
            return LockStatus.XVALNOTVALID;
        }
        return granted;
    }

    /** Writes {@code lksb} (16 or 64 bytes) as the new value block, which makes it valid. */
    void writeValue(byte[] lksb) {
        if (value == null) {
            value = new byte[MAX_VALUE_BLOCK];
        }
        System.arraycopy(lksb, 0, value, 0, lksb.length);
        valueFlags = (byte) ((valueFlags & ~VALUE_BITS) | (lksb.length == SHORT_VALUE_BLOCK ? VALUE_SHORT : 0));
    }

    /** The last lock went: the value block goes with it, as it would with the resource. */
    void resetValue() {
        if (value != null) {
            value = null;
        }
        valueFlags &= ~VALUE_BITS;
    }

    /** A PW/EX holder was lost without writing: readers get VALNOTVALID until the next write. */
    void invalidateValue() {
        valueFlags |= VALUE_NOT_VALID;
    }

    boolean valueValid() {
        return (valueFlags & VALUE_NOT_VALID) == 0;
    }

    byte[] valueCopy() {
        return value == null ? new byte[0] : value.clone();
    }

    // ---- activity (roots only) ------------------------------------------------------------

    private static final VarHandle SUB;
    private static final VarHandle SECOND;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUB = lookup.findVarHandle(Resource.class, "subRequests", int.class);
            SECOND = lookup.findVarHandle(Resource.class, "activitySecond", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Counts one request against this tree root: {@code own} when the request is on the root
     * itself (the caller holds the root's stripe, so a plain increment does), otherwise on a
     * sublock under another stripe. The first request of a new second folds the last one in.
     */
    void countRequest(int nowSecond, boolean own) {
        if (own) {
            ownRequests++;
        } else {
            SUB.getAndAdd(this, 1);
        }
        int second = activitySecond;
        if (second != nowSecond && SECOND.compareAndSet(this, second, nowSecond)) {
            int total = ownRequests + subRequests;
            activity = Activity.fold(activity, total - folded, nowSecond - second);
            folded = total;
        }
    }

    /** The smoothed requests per second as of {@code nowSecond}, without changing anything. */
    double activity(int nowSecond) {
        int second = activitySecond;
        float a = activity;
        return second == nowSecond ? a : Activity.fold(a, ownRequests + subRequests - folded, nowSecond - second);
    }
}
