package dev.locksmith.lock.engine;

import dev.locksmith.lock.Namespace;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stripe of the resource table: its own hash table of resources, and the lock that guards
 * those resources, their queues and their locks. A request holds exactly one stripe lock at a
 * time; only the deadlock detector holds several, always taken in index order.
 *
 * <p>Counters live here too, guarded by the same lock, so counting costs no atomic operation;
 * readers sum them stripe by stripe.
 */
final class Stripe extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    final int index;
    private Resource[] table = new Resource[8];
    int resources;
    int locks;
    /** Fencing tokens: per stripe, so a resource's tokens keep growing even if it is deleted and made again. */
    long fenceSeq;

    long newRequests;
    long conversions;
    long dequeues;
    long waits;
    long notQueued;
    long timeouts;
    long cancels;
    long blockingCallbacks;
    long deadlockVictims;

    Stripe(int index) {
        this.index = index;
    }

    Resource find(Namespace namespace, Resource parent, String name, byte[] utf8, int hash) {
        Resource[] t = table;
        for (Resource r = t[(hash >>> Engine.STRIPE_BITS) & (t.length - 1)]; r != null; r = r.next) {
            if (r.hash == hash && r.parent == parent && (parent != null || r.namespace.equals(namespace))
                    && Names.matches(r.name, name, utf8)) {
                return r;
            }
        }
        return null;
    }

    void add(Resource r) {
        if (resources >= table.length - (table.length >>> 2)) {
            grow();
        }
        Resource[] t = table;
        int i = (r.hash >>> Engine.STRIPE_BITS) & (t.length - 1);
        r.next = t[i];
        t[i] = r;
        resources++;
    }

    void remove(Resource r) {
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
                resources--;
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
    }

    /** Calls {@code visitor} for every resource; the caller holds this stripe's lock. */
    void forEach(java.util.function.Consumer<Resource> visitor) {
        for (Resource head : table) {
            for (Resource r = head; r != null; r = r.next) {
                visitor.accept(r);
            }
        }
    }
}
