package dev.locksmith.lock.engine;

import dev.locksmith.lock.Namespace;

/**
 * One stripe of the resource table: its own hash table of resources, and the lock ({@link StripeLock})
 * that guards those resources, their queues and their locks. A request holds exactly one stripe lock at a
 * time; only the deadlock detector holds several, always taken in index order.
 *
 * <p>A resource whose last lock goes is released to a small per-stripe cache of unused
 * resources instead of being deleted at once (VMS keeps freed resource blocks on a lookaside
 * list for the same reason): a name locked again soon costs no allocation and no rehash. It
 * is invisible while unused — its value block is already reset, it is not counted and not
 * shown — and the oldest is deleted once more than {@value #UNUSED_CAPACITY} wait, so the
 * table never holds more than that many resources without locks.
 *
 * <p>A sublock joins that cache only if its name comes back: one whose hash is not among the
 * last {@value #RECENT_CAPACITY} sublocks this stripe deleted is deleted at once, and its hash
 * remembered. A sublock locked again and again (a tree lock taken per service) is cached from
 * its second release on; sublocks of names seen once (a record lock of each record read)
 * would only push out cached resources, and deleting the oldest means touching a resource
 * long out of the processor's caches, while the one just released is still in them. Roots
 * are always cached: a root made and removed by every request keeps its tree's activity.
 *
 * <p>Counters live here too, guarded by the same lock, so counting costs no atomic operation;
 * readers sum them stripe by stripe.
 */
final class Stripe extends StripeLock {
    static final int UNUSED_CAPACITY = 8;
    static final int RECENT_CAPACITY = 4;

    final int index;
    private Resource[] table = new Resource[8];
    /** {@code table.length - 1}, kept beside it so a lookup need not wait for the array's length to index it. */
    private int tableMask = table.length - 1;
    /** Resources in the table, used or not. */
    private int entries;
    /** Resources with at least one lock. */
    int resources;
    /** Released resources, a ring whose oldest entry is at {@link #nextUnused}; null slots are free. */
    private final Resource[] unused = new Resource[UNUSED_CAPACITY];
    private int nextUnused;
    /** Hashes of the sublocks last deleted at their release, a ring whose next slot is {@link #nextRecent}. */
    private final int[] recentlyDeleted = new int[RECENT_CAPACITY];
    private int nextRecent;
    /**
     * New requests that ended without a grant: refused at once, or failed or cancelled while
     * waiting. Live locks are {@code newRequests - dequeues - ungranted}, so that a granted and
     * released lock costs two counts, not four.
     */
    long ungranted;
    /** Fencing tokens: per stripe, so a resource's tokens keep growing even if it is deleted and made again. */
    long fenceSeq;

    long newRequests;
    long conversions;
    long dequeues;
    long waits;
    /** Requests with NOORDER waiting on this stripe's resources: while 0, no queue needs scanning for them. */
    int noOrderWaits;
    long notQueued;
    long timeouts;
    long cancels;
    long blockingCallbacks;
    long deadlockVictims;

    Stripe(int index) {
        this.index = index;
    }

    /**
     * The resource for a request: found in use, revived from the unused cache, or made. The
     * caller holds this stripe and gives the resource a lock before releasing it.
     */
    Resource acquire(Namespace namespace, Resource parent, String name, int hash, int nowSecond) {
        Resource r = find(namespace, parent, name, hash);
        if (r == null) {
            Names.check(name);
            r = new Resource(this, namespace, parent, name, hash, nowSecond);
            add(r);
            resources++;
        } else if (r.isUnused()) {
            resources++;
        }
        return r;
    }

    /** Locks of this stripe's resources: granted, converting or waiting. */
    long locks() {
        return newRequests - dequeues - ungranted;
    }

    /**
     * Called when {@code r} has lost its last lock: caches it, deleting the oldest unused resource
     * if too many wait, or deletes it at once if it is a sublock not seen lately (class comment).
     */
    void release(Resource r) {
        resources--;
        r.resetValue();
        if (r.listedUnused()) {
            return;
        }
        if (r.parent() != null && !deletedRecently(r.hash)) {
            remove(r);
            recentlyDeleted[nextRecent] = r.hash;
            nextRecent = (nextRecent + 1) % RECENT_CAPACITY;
            return;
        }
        r.listedUnused(true);
        Resource oldest = unused[nextUnused];
        unused[nextUnused] = r;
        nextUnused = (nextUnused + 1) % UNUSED_CAPACITY;
        if (oldest != null) {
            oldest.listedUnused(false);
            if (oldest.isUnused()) {
                remove(oldest);
            }
        }
    }

    private boolean deletedRecently(int hash) {
        for (int h : recentlyDeleted) {
            if (h == hash) {
                return true;
            }
        }
        return false;
    }

    /** Finds a resource in the table, used or not. */
    Resource find(Namespace namespace, Resource parent, String name, int hash) {
        Resource[] t = table;
        for (Resource r = t[(hash >>> Engine.STRIPE_BITS) & tableMask]; r != null; r = r.next) {
            // Identity first: String.equals loads both coders before it compares references.
            if (r.hash == hash && r.isIn(namespace, parent) && (r.name == name || r.name.equals(name))) {
                return r;
            }
        }
        return null;
    }

    private void add(Resource r) {
        if (entries >= table.length - (table.length >>> 2)) {
            grow();
        }
        Resource[] t = table;
        int i = (r.hash >>> Engine.STRIPE_BITS) & (t.length - 1);
        r.next = t[i];
        t[i] = r;
        entries++;
    }

    private void remove(Resource r) {
        Resource[] t = table;
        int i = (r.hash >>> Engine.STRIPE_BITS) & (t.length - 1);
        Resource prev = null;
        for (Resource x = t[i]; x != null; prev = x, x = x.next) {
            if (x == r) {
                if (prev == null) {
                    t[i] = x.next;
                } else {
                    prev.next = x.next;
                }
                x.next = null;
                entries--;
                return;
            }
        }
    }

    private void grow() {
        Resource[] old = table;
        Resource[] t = new Resource[old.length * 2];
        for (Resource head : old) {
            for (Resource r = head; r != null; ) {
                Resource next = r.next;
                int i = (r.hash >>> Engine.STRIPE_BITS) & (t.length - 1);
                r.next = t[i];
                t[i] = r;
                r = next;
            }
        }
        table = t;
        tableMask = t.length - 1;
    }

    /** Resources in the table, in use or cached unused; the cache's bound keeps this near {@link #resources}. */
    int entries() {
        return entries;
    }

    /** Calls {@code visitor} for every resource in use; the caller holds this stripe's lock. */
    void forEach(java.util.function.Consumer<Resource> visitor) {
        forEachEntry(r -> {
            if (!r.isUnused()) {
                visitor.accept(r);
            }
        });
    }

    /** Calls {@code visitor} for every resource in the table, cached unused ones too; the caller holds this stripe's lock. */
    void forEachEntry(java.util.function.Consumer<Resource> visitor) {
        for (Resource head : table) {
            for (Resource r = head; r != null; r = r.next) {
                visitor.accept(r);
            }
        }
    }
}
