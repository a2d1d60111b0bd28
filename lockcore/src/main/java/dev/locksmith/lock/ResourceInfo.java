package dev.locksmith.lock;

import java.util.List;

/**
 * A snapshot of one resource and its three queues, in queue order.
 *
 * @param path        names from the tree's root down to this resource
 * @param namespace   the namespace of the tree
 * @param valueBlock  the resource's value block (empty if no lock ever used one)
 * @param valueValid  false after a PW/EX holder was lost, until a writer writes it again
 * @param granted     locks on the granted queue
 * @param converting  locks on the conversion queue (granted in their old mode)
 * @param waiting     new requests on the waiting queue
 */
public record ResourceInfo(List<String> path, Namespace namespace, byte[] valueBlock, boolean valueValid,
                           List<LockInfo> granted, List<LockInfo> converting, List<LockInfo> waiting) {
    /** The resource's own name (the last element of the path). */
    public String name() {
        return path.get(path.size() - 1);
    }
}
