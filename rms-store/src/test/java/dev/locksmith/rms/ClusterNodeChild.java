package dev.locksmith.rms;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.cluster.ClusterLockManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A lock-only cluster node in a child JVM, for {@link ClusterNodeCrashTest}. Arguments: cluster
 * name, node name, bind port, initial hosts, a file lock's name, a bucket lock's name. Joins the
 * cluster (two votes expected) and prints {@code READY}; then takes the file lock (NL, system-wide,
 * as RMS does) and the bucket lock under it in EX with its value block, as a writer of that bucket
 * on another node would, and prints {@code HELD} once granted. Holds it until killed or stdin ends.
 */
public final class ClusterNodeChild {
    private ClusterNodeChild() {
    }

    public static void main(String[] args) throws Exception {
        ClusterLockManager node = ClusterLockManager.builder().clusterName(args[0]).nodeName(args[1])
                .bindAddress("127.0.0.1").bindPort(Integer.parseInt(args[2])).initialHosts(args[3])
                .expectedVotes(2).build();
        RecordLockTest.awaitTrue("the node joined", () -> node.isReady() && node.members().size() == 3);
        System.out.println("READY");
        System.out.flush();
        LockOwner writer = node.newOwner("writer on another node");
        Lock file = writer.enqueue(LockRequest.of(args[4], LockMode.NL).withFlags(LockFlag.SYSTEM));
        writer.enqueue(LockRequest.of(args[5], LockMode.EX).withParent(file).withFlags(LockFlag.VALBLK));
        System.out.println("HELD");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // holds the lock until killed
        }
        node.close();
    }
}
