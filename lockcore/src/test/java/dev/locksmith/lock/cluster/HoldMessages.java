package dev.locksmith.lock.cluster;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.protocols.FRAG4;
import org.jgroups.stack.Protocol;
import org.jgroups.stack.ProtocolStack;

/**
 * A test protocol put into one node's JGroups stack, just below FRAG4: it holds back the lock
 * messages of the given types the node sends (whole, unfragmented {@link Wire} messages whose
 * first byte is the type) until {@link #release()}, then sends them in their order. Everything
 * else passes untouched.
 */
final class HoldMessages extends Protocol {
    private final java.util.Set<Byte> types = new java.util.HashSet<>();
    private final List<Message> held = new ArrayList<>();
    private boolean holding = true;

    private HoldMessages(byte... types) {
        for (byte t : types) {
            this.types.add(t);
        }
    }

    /** Starts holding messages of these types sent by {@code node}. */
    static HoldMessages install(ClusterLockManager node, byte... types) throws Exception {
        return install(node.channel(), types);
    }

    /** Starts holding messages of these types sent over {@code channel} (a main channel: its forks' too). */
    static HoldMessages install(org.jgroups.JChannel channel, byte... types) throws Exception {
        HoldMessages hold = new HoldMessages(types);
        channel.getProtocolStack().insertProtocol(hold, ProtocolStack.Position.BELOW, FRAG4.class);
        return hold;
    }

    @Override
    public Object down(Message msg) {
        if (msg instanceof BytesMessage && msg.getLength() > 0 && types.contains(msg.getArray()[msg.getOffset()])) {
            synchronized (held) {
                if (holding) {
                    held.add(msg);
                    return null;
                }
            }
        }
        return down_prot.down(msg);
    }

    /** How many messages are held now. */
    int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** Sends the held messages and stops holding. */
    void release() {
        List<Message> out;
        synchronized (held) {
            holding = false;
            out = new ArrayList<>(held);
            held.clear();
        }
        out.forEach(down_prot::down);
    }
}
