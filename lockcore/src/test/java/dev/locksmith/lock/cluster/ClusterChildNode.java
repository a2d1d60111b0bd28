package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A cluster node in a child JVM, for the multi-process tests. Arguments: cluster name, node
 * name, bind port, initial hosts, expected votes. Prints {@code READY} once joined, then reads
 * commands from stdin, one per line, and answers each with {@code OK <command>}:
 * {@code ENQ <name> <mode> [VALBLK]} takes a lock and keeps it. Runs until killed or stdin ends.
 */
public final class ClusterChildNode {
    private ClusterChildNode() {
    }

    /** Runs the node; see the class comment for the arguments and commands. */
    public static void main(String[] args) throws Exception {
        ClusterLockManager node = ClusterLockManager.builder().clusterName(args[0]).nodeName(args[1])
                .bindAddress("127.0.0.1").bindPort(Integer.parseInt(args[2])).initialHosts(args[3])
                .expectedVotes(Integer.parseInt(args[4])).build();
        LockOwner owner = node.newOwner("child");
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("ENQ")) {
                LockRequest request = LockRequest.of(words[1], LockMode.valueOf(words[2]));
                if (words.length > 3 && words[3].equals("VALBLK")) {
                    request = request.withFlags(LockFlag.VALBLK);
                }
                owner.enqueue(request);
            }
            System.out.println("OK " + line);
            System.out.flush();
        }
        node.close();
    }
}
