package dev.locksmith.lock.cluster;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.SecretKey;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.fork.ForkChannel;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;

/**
 * A node's wiring to JGroups: the channel it sends and receives lock messages on, either one it
 * makes from a stack (its address carrying its directory and remaster weights, its traffic
 * protected by the cluster key if there is one) or a fork of a channel the caller owns; and the
 * receiving side, which decodes each message once and hands it on.
 *
 * <p>Contract of the receiving side: quorum-lease messages are offered to
 * {@link Handler#leaseMessage} first, on the receiving thread, and are not lock messages. Every
 * other message (a batch as one task) is handled through the {@link ProtocolExecutor}, in
 * arrival order: on the receiving thread if it is a small lock request or outcome and the
 * executor is idle, else queued for the protocol thread. Views always go to the protocol thread.
 *
 * <p>Thread-safe. Sending never blocks on the lock protocol; a message that cannot be sent is
 * logged and dropped (the view change that follows a dead member repairs what it carried).
 */
final class ClusterChannel {
    private static final System.Logger LOG = System.getLogger(ClusterChannel.class.getName());
    private static final String WEIGHT_KEY = "lockdirwt";
    private static final String REMASTER_WEIGHT_KEY = "lockrmwt";
    private static final String WIRE_VERSION_KEY = "lockwire";

    /** What the node does with what arrives. */
    interface Handler {
        /** A PING or PONG, handled at once on the receiving thread: true if {@code in} was one. */
        boolean leaseMessage(Address from, Wire in);

        /** Any other message, in arrival order, on the protocol executor's turn. */
        void message(Address from, Wire in);

        /** A new view, on the protocol thread. */
        void view(View view);

        /** Whether a message of {@code type} is small enough to be handled on the receiving thread. */
        boolean isSmall(byte type);
    }

    private final JChannel channel;
    /** The caller's channel this node rides a fork of, or null if it made its own. */
    private final JChannel main;
    /** Lock messages received (lease messages are not lock messages). */
    private final LongAdder received = new LongAdder();

    private ClusterChannel(JChannel channel, JChannel main) {
        this.channel = channel;
        this.main = main;
    }

    /**
     * A channel of the node's own from {@code stackXml}, named {@code nodeName}, its address
     * carrying the weights and the lock wire version it speaks ({@code wireVersion}, normally
     * {@link Wire#VERSION}), encrypted with {@code key} unless it is null. Not connected.
     */
    static ClusterChannel own(String stackXml, String nodeName, int directoryWeight, int remasterWeight, SecretKey key,
                              int wireVersion) throws Exception {
        JChannel made = new JChannel(new ByteArrayInputStream(stackXml.getBytes(StandardCharsets.UTF_8)));
        made.name(nodeName);
        if (key != null) {
            ClusterSecurity.protect(made, key);
        }
        byte weight = (byte) directoryWeight;
        byte remaster = (byte) remasterWeight;
        byte wire = (byte) wireVersion;
        made.addAddressGenerator(() -> ExtendedUUID.randomUUID(nodeName).put(WEIGHT_KEY, new byte[] {weight})
                .put(REMASTER_WEIGHT_KEY, new byte[] {remaster}).put(WIRE_VERSION_KEY, new byte[] {wire}));
        return new ClusterChannel(made, null);
    }

    /**
     * A fork (fork stack {@code stackId}, fork channel {@code channelId}) of the caller's
     * connected {@code main} channel, whose stack has FORK. Not connected.
     */
    static ClusterChannel fork(JChannel main, String stackId, String channelId) throws Exception {
        return new ClusterChannel(new ForkChannel(main, stackId, channelId), main);
    }

    /** Whether this node rides a fork of a channel the caller owns. */
    boolean isFork() {
        return main != null;
    }

    /** Connects, handing everything that arrives to {@code handler} as the class contract says. */
    void connect(String clusterName, ProtocolExecutor protocol, Handler handler) throws Exception {
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                Address from = msg.getSrc();
                Wire in = Wire.read(msg.getArray(), msg.getOffset(), msg.getLength());
                if (handler.leaseMessage(from, in)) {
                    return;
                }
                received.increment();
                Runnable task = () -> handler.message(from, in);
                if (!handler.isSmall(in.type()) || !protocol.runIfIdle(task)) {
                    protocol.execute(task);
                }
            }

            @Override
            public void receive(MessageBatch batch) {
                // One task for the whole batch: one hand-off (or none) instead of one per message.
                int n = batch.size();
                if (n == 1) {
                    receive((Message) batch.first());
                    return;
                }
                Address[] from = new Address[n];
                Wire[] in = new Wire[n];
                boolean small = true;
                int i = 0;
                for (Message msg : batch) {
                    from[i] = msg.getSrc() != null ? msg.getSrc() : batch.sender();
                    in[i] = Wire.read(msg.getArray(), msg.getOffset(), msg.getLength());
                    if (!handler.leaseMessage(from[i], in[i])) {
                        small &= handler.isSmall(in[i].type());
                        i++;
                    }
                }
                int count = i;
                if (count == 0) {
                    return;
                }
                received.add(count);
                Runnable task = () -> {
                    for (int k = 0; k < count; k++) {
                        handler.message(from[k], in[k]);
                    }
                };
                if (!small || !protocol.runIfIdle(task)) {
                    protocol.execute(task);
                }
            }

            @Override
            public void viewAccepted(View view) {
                protocol.execute(() -> handler.view(view));
            }
        });
        channel.connect(clusterName);
    }

    /** How many lock messages arrived. */
    long received() {
        return received.sum();
    }

    /** This node's address (the main channel's, for a fork). */
    Address address() {
        return channel.getAddress();
    }

    /** The channel lock messages travel on. */
    JChannel jgroups() {
        return channel;
    }

    /** Sends {@code w} to {@code to}; false if it could not be sent (logged). */
    boolean send(Address to, Wire w) {
        try {
            channel.send(new BytesMessage(to, w.toBytes()));
            return true;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "lock message to " + to + " not sent: " + e);
            return false;
        }
    }

    /** Leaves: the node's own channel closes; a fork closes, its main channel stays the caller's. */
    void close() {
        channel.close();
    }

    /**
     * For crash tests: the stack stops without leaving, so the others find the node dead — for
     * a fork, the main channel's, since a fork has no transport of its own. Then closes.
     */
    void crash() {
        try {
            Util.shutdown(main != null ? main : channel);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "channel stop failed: " + e);
        }
        channel.close();
    }

    /** The directory weight {@code member}'s address carries (1 if none: a fork's, say). */
    static int directoryWeight(Address member) {
        return byteOf(member, WEIGHT_KEY, 1);
    }

    /**
     * The lock wire version ({@link Wire#VERSION}) {@code member}'s address announces; 0 if none:
     * a node built before versions were announced, or a fork's address (the main channel's, which
     * carries no lock keys).
     */
    static int wireVersion(Address member) {
        return byteOf(member, WIRE_VERSION_KEY, 0);
    }

    /** The remaster weight {@code member}'s address carries (5 if none). */
    static int remasterWeight(Address member) {
        return byteOf(member, REMASTER_WEIGHT_KEY, 5);
    }

    private static int byteOf(Address m, String key, int absent) {
        if (m instanceof ExtendedUUID u) {
            byte[] w = u.get(key);
            if (w != null && w.length == 1) {
                return w[0];
            }
        }
        return absent;
    }
}
