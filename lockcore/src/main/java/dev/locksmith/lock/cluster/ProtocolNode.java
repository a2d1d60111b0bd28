package dev.locksmith.lock.cluster;

import java.util.List;
import org.jgroups.Address;

/**
 * What a protocol concern of a {@link ClusterLockManager} (deadlock reporting, remastering, ...)
 * sees of its node: the view it installed, whether it serves requests, its master table, and
 * a way to send. Read and used on the node's protocol thread only, unless a method says so.
 */
interface ProtocolNode {
    /** This node's name, for logs and reports. */
    String name();

    /** The members of the view this node installed, in view order. */
    List<Address> members();

    /** The id of that view; messages carry it. */
    long viewId();

    /**
     * Whether {@code from} sent a message of view {@code msgView} before the view in which it
     * came back, after it had left a view this node installed with quorum: what it did before is
     * void (the majority freed its locks and rebuilt its trees from the owners' copies), so a
     * grant it made then, say — as it was paused between its lease check and the send, and the
     * message arrived only after the merge — must not reach a holder.
     */
    boolean sentBeforeRejoining(Address from, long msgView);

    /** Whether requests are routed: quorum, and no full rebuild under way. */
    boolean serving();

    /** Whether the node serves requests and the rebuild for its view is complete. */
    boolean ready();

    /** Whether the view this node installed has quorum. */
    boolean quorum();

    /** Whether the node is shut down. */
    boolean closed();

    /** The master table of the trees this node masters (replaced when the node loses quorum). */
    MasterTable master();

    /** This node's address. */
    Address self();

    /** The directory node of {@code tree} in the view this node installed ({@link DirectoryHash}). */
    Address directoryOf(TreeKey tree);

    /** Sends {@code w} to {@code to} as a lock message (to this node itself: handled at once). */
    void send(Address to, Wire w);
}
