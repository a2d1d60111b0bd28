package dev.locksmith.lock.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;

/**
 * Whether this node may grant: the lease that closes the window in which a partitioned minority
 * would otherwise go on granting until its own failure detector excluded the majority.
 *
 * <p>Every node pings the other members of its view every quarter term; a member answers only
 * pings from members of its own view sent in that same view (the ping carries the sender's view
 * id) — or in the view just before it, from a member of both (it is still installing the view the
 * answerer moved to, and the answerer never excluded it), or in a later view (the answerer is
 * installing that one late; a view change reaches the members at different times, and under load
 * the gap can pass a term, which would cost the sender its lease though a majority is there) —
 * and an answer counts only if it names the view the node is in, of which the answerer is a
 * member. So a node that missed a
 * view change — paused while the others excluded it, then resumed still in the old view —
 * regains no lease until it has installed the view the others are in, and no lease outlives
 * a view its helpers have left without counting it in their wait. The node holds the lease until {@code term} after the send
 * time of the latest ping answered by a majority of the expected votes (itself included): a
 * minority cut off at time t stops granting by t + term. The other half of the contract is the
 * survivors': each records when it last answered each node, and after that node leaves it waits
 * (see {@link #outstandingNanos()}) until any lease it helped that node hold has run out (by the
 * longer of the two nodes' terms: a ping carries its sender's, which may be set otherwise) before
 * freeing the node's locks or rebuilding its trees. A ping's send time is measured on the
 * pinging node's clock and the answer on the answerer's: only elapsed times are compared, never
 * clocks of two nodes.
 *
 * <p>Thread-safe: pings are answered and answers recorded on the receiving threads, the lease
 * read by any thread granting a lock, the view set on the protocol thread. Nothing blocks.
 */
final class QuorumLease {
    /** The lease never runs out: a node is a majority on its own. */
    static final long FOREVER = Long.MAX_VALUE;
    /** No lease: too few members answered. */
    private static final long NEVER = Long.MIN_VALUE;

    private final long termNanos;
    private final int majority;
    private volatile Address self;
    private volatile List<Address> members = List.of();
    /** The id of the view {@link #members} came from; pings and answers of other views do not count. */
    private volatile long viewId = -1;
    /** The view before it, whose members that are still members are answered in it too. */
    private volatile long previousViewId = -1;
    private volatile List<Address> previousMembers = List.of();
    /** Per other member: the send time of the latest of this node's pings it answered. */
    private final Map<Address, Long> answeredPingSentAt = new ConcurrentHashMap<>();
    /**
     * Per other node: until when (this node's nanoTime) a lease this node's latest answer to it
     * may help it hold, a fifth of the term added (see {@link #outstandingNanos}).
     */
    private final Map<Address, Long> lastAnswered = new ConcurrentHashMap<>();
    /** Until when (this node's nanoTime) the lease is held; {@link #FOREVER} if votes need no one else. */
    private volatile long heldUntil;

    QuorumLease(long termNanos, int expectedVotes) {
        this.termNanos = termNanos;
        this.majority = expectedVotes / 2 + 1;
        this.heldUntil = majority <= 1 ? FOREVER : NEVER;
    }

    /** Whether any ping is needed at all: false when this node is a majority on its own. */
    boolean needsPings() {
        return majority > 1;
    }

    /** The members to ping now (the view without this node). */
    List<Address> others() {
        Address me = self;
        return members.stream().filter(m -> !m.equals(me)).toList();
    }

    /** The id of the view the lease is kept in: the one pings carry and answers must name. */
    long viewId() {
        return viewId;
    }

    /**
     * A new view (id {@code id}) of which this node is {@code me}: members that left no longer
     * count towards the lease. Answers given in the previous view still count until their term
     * ends: whoever gave them waits that term out before acting on this node's departure.
     */
    void view(List<Address> view, Address me, long id) {
        self = me;
        previousMembers = members;
        previousViewId = viewId;
        members = List.copyOf(view);
        viewId = id;
        answeredPingSentAt.keySet().retainAll(view);
        recompute();
    }

    /** Whether this node may grant now. */
    boolean isHeld() {
        return isHeld(heldUntil);
    }

    /**
     * {@link #FOREVER} while the lease is held; otherwise when the lease that ran out ended
     * ({@link Long#MIN_VALUE} if it was never held). Each lapse has its own value — a lease
     * regained and lost again ends later — so a watcher can tell a new lapse from one it has
     * already acted on, however briefly the lease was held in between.
     */
    long lapsedAt() {
        long until = heldUntil;
        return isHeld(until) ? FOREVER : until;
    }

    private static boolean isHeld(long until) {
        return until == FOREVER || (until != NEVER && System.nanoTime() - until < 0);
    }

    /**
     * A ping from {@code from}, sent in view {@code pingView}, arrived: true if it must be
     * answered (the answer is recorded as given now): {@code from} is a member of this node's
     * view and sent it in that view, or in the previous one, of which it was a member too (so a
     * view change installed a little later there costs no lease); false otherwise — in particular
     * for a node this node's views excluded since, which may have been paused meanwhile.
     */
    boolean answer(Address from, long pingView) {
        return answer(from, pingView, termNanos);
    }

    /**
     * As {@link #answer(Address, long)}, for a ping whose sender holds its lease for
     * {@code senderTermNanos} after the ping (its own setting, which the ping carries): the
     * answer may help it hold a lease that long, so this node's wait for its departure
     * ({@link #outstandingNanos}) covers the longer of that term and this node's own. A sender
     * configured with a longer term than this node's is thus waited out in full.
     */
    boolean answer(Address from, long pingView, long senderTermNanos) {
        boolean current = pingView == viewId;
        boolean previous = pingView == previousViewId && previousMembers.contains(from);
        // sent in a view this node has yet to install, by a member of this node's view: this node
        // installs it late (its answer counts only if the sender's view has this node too)
        boolean newer = pingView > viewId;
        if (!(current || previous || newer) || !members.contains(from)) {
            return false;
        }
        long term = Math.max(termNanos, senderTermNanos);
        lastAnswered.put(from, System.nanoTime() + term + term / 5);
        return true;
    }

    /** The lease term this node was configured with, in nanoseconds. */
    long termNanos() {
        return termNanos;
    }

    /**
     * {@code from} answered, in view {@code answerView}, the ping this node sent at {@code sentAt};
     * returns whether the lease is held now. An answer from another view does not count.
     */
    boolean answered(Address from, long sentAt, long answerView) {
        if (answerView == viewId && members.contains(from)) {
            answeredPingSentAt.merge(from, sentAt, Math::max);
            recompute();
        }
        return isHeld();
    }

    private synchronized void recompute() {
        if (majority <= 1) {
            return;
        }
        List<Address> view = members;
        Address me = self;
        long[] sentAt = new long[view.size()];
        int n = 0;
        for (Address m : view) {
            Long t = m.equals(me) ? null : answeredPingSentAt.get(m);
            if (t != null) {
                sentAt[n++] = t;
            }
        }
        int othersNeeded = majority - 1;
        if (n < othersNeeded) {
            // A lease still held ends now (the members that answered left in a view change), and
            // that lapse gets a value of its own, which LeaseGuard tells from the last one it cleared
            // (NEVER was the start's); one that had run out keeps its end.
            long until = heldUntil;
            heldUntil = until == NEVER ? NEVER : Math.min(until, System.nanoTime());
            return;
        }
        Arrays.sort(sentAt, 0, n);
        heldUntil = sentAt[n - othersNeeded] + termNanos;
    }

    /**
     * How long, from now, a node outside the current view may still hold a lease this node's
     * answers gave it (0 if none can): the survivors wait that long before acting on its
     * departure. A fifth of the term is added for the grants such a node sent just before its
     * lease ran out, which may still be on their way to its own owners.
     */
    long outstandingNanos() {
        long now = System.nanoTime();
        long outstanding = 0;
        List<Address> view = members;
        for (Map.Entry<Address, Long> e : lastAnswered.entrySet()) {
            if (view.contains(e.getKey())) {
                continue;
            }
            long left = e.getValue() - now;
            if (left <= 0) {
                lastAnswered.remove(e.getKey(), e.getValue());
            } else {
                outstanding = Math.max(outstanding, left);
            }
        }
        return outstanding;
    }
}
