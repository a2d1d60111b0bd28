package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockQueue;
import org.jgroups.Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The lock protocol's message formats, and the only place that knows their layout. Every
 * message is one JGroups {@code BytesMessage} whose payload is, in network byte order:
 * <pre>
 *  0        1                 9
 *  +--------+-----------------+---------------------------------------------+
 *  | type:1 | viewId:8        | body (per type; repeated entries for batches)|
 *  +--------+-----------------+---------------------------------------------+
 *
 *  str  = length:2 | UTF-8 bytes          bytes = length:1 | bytes (value blocks: 0, 16 or 64)
 *  tree = kind:1 (Namespace.Kind ordinal) | group:4 | rootName:str
 *
 *  LOOKUP    tree                                   who masters this tree? (to its directory node)
 *  MASTER    tree | masterIndex:4 | fenceFloor:8    answer: the master's index in view viewId; a new master
 *                                                    grants fencing tokens above fenceFloor (trees dropped before)
 *  ENQUEUE   ownerId:8 | group:4 | priority:4 | ownerName:str | lockId:8 | parentLockId:8 (0 = root)
 *            | mode:1 | flags:4 | timeoutNanos:8 | blockingHandler:1 | name:str
 *  CONVERT   ownerId:8 | lockId:8 | conversion:4 | mode:1 | flags:4 | timeoutNanos:8 | blockingHandler:1
 *            | value:bytes | tree                    conversion: the lock's conversions so far, this one included;
 *                                                    a master takes each number once (RESEND may carry it too);
 *                                                    tree: the lock's, so that a node not mastering it answers
 *                                                    NOTMASTER (the conversion was misrouted) instead of failing it
 *  DEQUEUE   ownerId:8 | lockId:8 | valueLength:1 | abnormal:1 | value:bytes
 *  CANCEL    ownerId:8 | lockId:8 | request:4 | tree
 *                                                    request: the number of the request to cancel (as in
 *                                                    GRANTED); the master ignores a CANCEL for a request it
 *                                                    does not have pending (a late one, for an earlier request);
 *                                                    tree: the lock's, so that a node not mastering it answers
 *                                                    NOTMASTER (the cancel was misrouted) instead of dropping it
 *  CLOSE     ownerId:8                               the owner ran down; drop its proxy
 *  GRANTED   lockId:8 | request:4 | mode:1 | status:1 | fence:8 | value:bytes
 *  FAILED    lockId:8 | request:4 | status:1 | message:str | report
 *                                                    request: the number of the request answered, 0 for the
 *                                                    lock's new one, else its conversion's (as in CONVERT);
 *                                                    the copy ignores an answer for a request no longer pending
 *  BLOCKING  lockId:8 | blockedMode:1
 *  REGISTER  count:4 | tree * count                  the sender masters these trees (rebuild)
 *  RESEND    groups:4 | group * groups               the sender's copies in trees whose master left, in
 *            group = ownerId:8 | ownerGroup:4 | priority:4 | ownerName:str | tree | count:4 | copy * count
 *                                                    messages of a few thousand copies, then DONE
 *            copy  = lockId:8 | parentLockId:8 | depth:2 | queue:1 | granted:1 (0xFF none) | requested:1
 *                    | flags:4 | timeoutNanos:8 | blockingHandler:1 | fence:8 | readValue:bytes | name:str
 *                    | conversion:4
 *  DONE      outstandingLease:8 | wireVersion:1      the sender finished its part of rebuild viewId; a departed
 *                                                    node may hold a lease its answers gave for that many ns more;
 *                                                    wireVersion: the VERSION it speaks, read in fork mode, whose
 *                                                    addresses announce none (absent, from an older build: 0)
 *  MIGRATING tree | targetIndex:4                    remastering: hold requests for tree, then ack
 *  ACK       tree                                    the sender sent its last request for tree to the old master
 *  INSTALL   tree | count:4 | entry * count | values:4 | (pathLength:1 | str * pathLength
 *            | value:bytes | valid:1) * values | fenceFloor:8
 *                                                    the old master's whole tree, for the new one, which
 *                                                    grants fencing tokens above the old master's highest
 *            entry = origin:4 (view index) | ownerId:8 | group:4 | priority:4 | ownerName:str | order:8
 *                    | tree | copy
 *  MOVED     tree | masterIndex:4                    the tree's master is now masterIndex (sent by that
 *                                                    new master once it installed the tree)
 *  WAITS     count:4 | (waiterNode:4 | waiterOwner:8 | waiterPriority:4 | waiterLockId:8
 *            | blockerNode:4 | blockerOwner:8) * count   a master's long waits, to the coordinator
 *  VICTIM    waiterNode:4 | waiterOwner:8 | waiterLockId:8   fail this waiting request with DEADLOCK
 *  DROP      tree | fenceHigh:8                     the sender no longer masters tree (its last lock went):
 *                                                    the directory node forgets the entry if it names the sender,
 *                                                    and hands fenceHigh (its highest token) to the next master
 *  NOTMASTER lockId:8 | refused:1 | request:4       answer to a root ENQUEUE, a CONVERT or a CANCEL (refused: that
 *                                                    type; request: the number of the request it made or cancelled,
 *                                                    as in GRANTED): the receiver does not master the lock's tree (it
 *                                                    dropped or gave it away); look it up again and send that message
 *                                                    again, unless that request is no longer pending
 *  PING      sentAt:8 (sender's nanoTime) | term:8   quorum lease: answered with PONG by a member of the view;
 *            (the sender's lease term in ns, appended:  the answerer waits out the longer of term and its own
 *            absent from an older build's PING)          before it acts on the sender's departure
 *  PONG      sentAt:8 (echoed)                       (viewId: the sender's; answered and counted only in that view)
 *  HELLO     (empty)                                 fork mode: the sender's fork just started in view viewId;
 *                                                    send it your REGISTER and DONE of that view again
 *  LEAVING   (empty)                                 fork mode: the sender's fork closes while its main channel
 *                                                    stays in the view; it sends nothing after this (a move
 *                                                    waits for no ACK of it, and takes it as no target)
 * </pre>
 * A {@code Wire} is a cursor over one payload: writers append with the {@code put} methods,
 * readers consume with the {@code get} methods in the same order. Not thread-safe: one per
 * message.
 */
final class Wire {
    /**
     * The version of these formats, raised whenever a layout changes or a type is added (1:
     * CONVERT carries its tree, NOTMASTER the refused request's number; 2: LEAVING; before 1,
     * none was announced). A node
     * announces it when it joins (in its address, {@link ClusterChannel#wireVersion}) and refuses
     * a member of another version rather than misread its messages.
     */
    static final int VERSION = 2;

    static final byte LOOKUP = 1;
    static final byte MASTER = 2;
    static final byte ENQUEUE = 3;
    static final byte CONVERT = 4;
    static final byte DEQUEUE = 5;
    static final byte CANCEL = 6;
    static final byte CLOSE = 7;
    static final byte GRANTED = 8;
    static final byte FAILED = 9;
    static final byte BLOCKING = 10;
    static final byte REGISTER = 11;
    static final byte RESEND = 12;
    static final byte DONE = 13;
    static final byte MIGRATING = 14;
    static final byte ACK = 15;
    static final byte INSTALL = 16;
    static final byte MOVED = 17;
    static final byte WAITS = 18;
    static final byte VICTIM = 19;
    static final byte DROP = 20;
    static final byte NOTMASTER = 21;
    static final byte PING = 22;
    static final byte PONG = 23;
    static final byte HELLO = 24;
    static final byte LEAVING = 25;

    static final int TYPE_OFFSET = 0;
    static final int VIEW_OFFSET = 1;
    static final int BODY_OFFSET = 9;
    /** A mode byte meaning "no mode". */
    static final byte NO_MODE = (byte) 0xFF;

    private ByteBuffer buffer;

    private Wire(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** A new message of {@code type} in view {@code viewId}, ready for its body. */
    static Wire message(byte type, long viewId) {
        return message(type, viewId, 64);
    }

    /** As {@link #message(byte, long)}, with room for about {@code capacity} bytes before it grows. */
    static Wire message(byte type, long viewId, int capacity) {
        Wire w = new Wire(ByteBuffer.allocate(Math.max(capacity, 64)));
        w.buffer.put(type).putLong(viewId);
        return w;
    }

    /**
     * FAILED in view {@code viewId}: request number {@code request} of copy {@code lockId} ended
     * with {@code status} without a grant (a conversion leaves the lock in its granted mode).
     */
    static Wire failed(long viewId, long lockId, int request, dev.locksmith.lock.LockStatus status,
                       String message, dev.locksmith.lock.DeadlockReport report) {
        return message(FAILED, viewId).putLong(lockId).putInt(request).putByte(status.ordinal())
                .putString(message == null ? "" : message).putReport(report);
    }

    /**
     * NOTMASTER in view {@code viewId}: the sender does not master the tree of copy {@code lockId},
     * so it refused that copy's message of type {@code refused} for request number {@code request}.
     */
    static Wire notMaster(long viewId, long lockId, byte refused, int request) {
        return message(NOTMASTER, viewId).putLong(lockId).putByte(refused).putInt(request);
    }

    /** GRANTED in view {@code viewId}: request number {@code request} of copy {@code lockId} was granted. */
    static Wire granted(long viewId, long lockId, int request, LockMode mode, dev.locksmith.lock.LockStatus status,
                        long fence, byte[] value) {
        return message(GRANTED, viewId).putLong(lockId).putInt(request).putByte(mode.ordinal())
                .putByte(status.ordinal()).putLong(fence).putBytes(value);
    }

    /** A reader over a received payload, positioned at the body. */
    static Wire read(byte[] payload, int offset, int length) {
        return new Wire(ByteBuffer.wrap(payload, offset, length).slice().position(BODY_OFFSET));
    }

    byte type() {
        return buffer.get(TYPE_OFFSET);
    }

    long viewId() {
        return buffer.getLong(VIEW_OFFSET);
    }

    /** The payload written so far. */
    byte[] toBytes() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Whether a reader has bytes left to read (a field an older build did not write is absent). */
    boolean hasMore() {
        return buffer.hasRemaining();
    }

    /** The number of bytes written so far. */
    int size() {
        return buffer.position();
    }

    private void room(int n) {
        if (buffer.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    Wire putByte(int v) {
        room(1);
        buffer.put((byte) v);
        return this;
    }

    Wire putShort(int v) {
        room(2);
        buffer.putShort((short) v);
        return this;
    }

    Wire putInt(int v) {
        room(4);
        buffer.putInt(v);
        return this;
    }

    Wire putLong(long v) {
        room(8);
        buffer.putLong(v);
        return this;
    }

    /** Overwrites the int at {@code position} (a count written before its entries were). */
    Wire setInt(int position, int v) {
        buffer.putInt(position, v);
        return this;
    }

    Wire putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        room(2 + b.length);
        buffer.putShort((short) b.length).put(b);
        return this;
    }

    Wire putBytes(byte[] b) {
        room(1 + b.length);
        buffer.put((byte) b.length).put(b);
        return this;
    }

    Wire putTree(TreeKey tree) {
        putByte(tree.namespace().kind().ordinal());
        putInt(tree.namespace().group());
        return putString(tree.rootName());
    }

    int getByte() {
        return buffer.get();
    }

    int getShort() {
        return buffer.getShort();
    }

    int getInt() {
        return buffer.getInt();
    }

    long getLong() {
        return buffer.getLong();
    }

    String getString() {
        byte[] b = new byte[buffer.getShort() & 0xFFFF];
        buffer.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    byte[] getBytes() {
        byte[] b = new byte[buffer.get() & 0xFF];
        buffer.get(b);
        return b;
    }

    TreeKey getTree() {
        var kind = dev.locksmith.lock.Namespace.Kind.values()[buffer.get()];
        int group = buffer.getInt();
        return new TreeKey(new dev.locksmith.lock.Namespace(kind, group), getString());
    }

    // ---- deadlock reports (issue 18) ----------------------------------------------------------------

    /** A deadlock report, or none: a presence byte first. */
    Wire putReport(dev.locksmith.lock.DeadlockReport report) {
        if (report == null) {
            return putByte(0);
        }
        putByte(1).putLong(report.at().getEpochSecond()).putInt(report.at().getNano()).putString(report.manager()).putInt(report.victim())
                .putInt(report.cycle().size());
        report.cycle().forEach(this::putWait);
        return this;
    }

    dev.locksmith.lock.DeadlockReport getReport() {
        if (getByte() == 0) {
            return null;
        }
        java.time.Instant at = java.time.Instant.ofEpochSecond(getLong(), getInt());
        String manager = getString();
        int victim = getInt();
        int n = getInt();
        List<dev.locksmith.lock.DeadlockReport.Wait> cycle = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            cycle.add(getWait());
        }
        return new dev.locksmith.lock.DeadlockReport(at, manager, cycle, victim);
    }

    Wire putWait(dev.locksmith.lock.DeadlockReport.Wait w) {
        putString(w.owner()).putLong(w.ownerId()).putString(nullable(w.node()));
        putTree(new TreeKey(w.namespace(), w.tree())).putInt(w.resource().size() - 1);
        w.resource().subList(1, w.resource().size()).forEach(this::putString);
        putMode(w.held()).putMode(w.wanted()).putString(w.blocker()).putString(nullable(w.blockerNode()));
        return putMode(w.blockerHolds()).putMode(w.blockerWants());
    }

    dev.locksmith.lock.DeadlockReport.Wait getWait() {
        String owner = getString();
        long ownerId = getLong();
        String node = orNull(getString());
        TreeKey tree = getTree();
        List<String> resource = new java.util.ArrayList<>();
        resource.add(tree.rootName());
        for (int i = getInt(); i > 0; i--) {
            resource.add(getString());
        }
        LockMode held = getMode();
        LockMode wanted = getMode();
        String blocker = getString();
        String blockerNode = orNull(getString());
        return new dev.locksmith.lock.DeadlockReport.Wait(owner, ownerId, node, tree.namespace(), resource, held, wanted,
                blocker, blockerNode, getMode(), getMode());
    }

    private Wire putMode(LockMode mode) {
        return putByte(mode == null ? -1 : mode.ordinal());
    }

    private LockMode getMode() {
        int m = getByte();
        return m < 0 ? null : LockMode.ofOrdinal(m);
    }

    private static String nullable(String s) {
        return s == null ? "" : s;
    }

    private static String orNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** Writes the {@code copy} part of a RESEND or INSTALL entry. */
    Wire putCopy(MasterTable.Resend e) {
        return putLong(e.lockId()).putLong(e.parentLockId()).putShort(e.depth()).putByte(e.queue().ordinal())
                .putByte(e.granted() == null ? NO_MODE : e.granted().ordinal()).putByte(e.requested().ordinal())
                .putInt(e.flags()).putLong(e.timeoutNanos()).putByte(e.blockingHandler() ? 1 : 0).putLong(e.fence())
                .putBytes(e.readValue()).putString(e.name()).putInt(e.conversion()).putByte(e.masterLost() ? 1 : 0);
    }

    /** Reads the {@code copy} part of an entry, of {@code owner} on {@code origin}, in {@code tree}. */
    MasterTable.Resend getCopy(Address origin, MasterTable.OwnerRef owner, long order, TreeKey tree) {
        long lockId = getLong();
        long parentId = getLong();
        int depth = getShort();
        LockQueue queue = LockQueue.values()[getByte()];
        int granted = getByte() & 0xFF;
        LockMode requested = LockMode.ofOrdinal(getByte());
        int flags = getInt();
        long timeout = getLong();
        boolean handler = getByte() != 0;
        long fence = getLong();
        byte[] value = getBytes();
        String resource = getString();
        int conversion = getInt();
        boolean masterLost = getByte() != 0;
        return new MasterTable.Resend(origin, owner, lockId, parentId, depth, order, queue,
                granted == (NO_MODE & 0xFF) ? null : LockMode.ofOrdinal(granted), requested, flags, timeout,
                handler, fence, value, resource, tree, conversion, masterLost);
    }
}
