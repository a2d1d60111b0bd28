package dev.locksmith.lock.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.Namespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;

/**
 * A cluster node in a child JVM, for the multi-process tests. Arguments: cluster name, node
 * name, bind port, initial hosts, expected votes. Prints {@code READY} once joined, then reads
 * commands from stdin, one per line, and answers each with {@code OK <command>}:
 * <ul>
 *   <li>{@code ENQ <name> <mode> [VALBLK]} takes a lock and keeps it;</li>
 *   <li>{@code TRY <name> <mode> <timeoutMs>} requests a lock with that timeout, keeps it if
 *       granted, and first prints {@code STATUS GRANTED} or {@code STATUS <the failure's status>};</li>
 *   <li>{@code NOQUEUE <name> <mode>} requests a lock with NOQUEUE, keeps it if granted, and first
 *       prints {@code STATUS GRANTED <fencing token>} or {@code STATUS <the failure's status>};</li>
 *   <li>{@code MASTERS <name>} prints {@code MASTERS yes} if this node masters the root resource
 *       {@code name} (group 0), else {@code MASTERS no};</li>
 *   <li>{@code WAITING <name>} prints {@code WAITING <n>}: how many requests wait on the root
 *       resource {@code name} (group 0) if this node masters it, else {@code WAITING 0};</li>
 *   <li>{@code WORK <ms> <seed>} runs two {@link HoldRecorder} workers for {@code ms}
 *       milliseconds, then prints each hold they recorded ({@link HoldRecorder.Hold#line()});</li>
 *   <li>{@code CUT} / {@code HEAL} cut this node off from the others (a JGroups DISCARD above its
 *       transport drops everything) and join them again;</li>
 *   <li>{@code AWAIT-NO-LEASE} returns once this node's quorum lease has run out.</li>
 * </ul>
 * Runs until killed or stdin ends.
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
        DISCARD cut = new DISCARD();
        node.channel().getProtocolStack().insertProtocol(cut, ProtocolStack.Position.ABOVE, TCP.class);
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "ENQ" -> {
                    LockRequest request = LockRequest.of(words[1], LockMode.valueOf(words[2]));
                    if (words.length > 3 && words[3].equals("VALBLK")) {
                        request = request.withFlags(LockFlag.VALBLK);
                    }
                    owner.enqueue(request);
                }
                case "TRY" -> {
                    LockRequest request = LockRequest.of(words[1], LockMode.valueOf(words[2]))
                            .withTimeout(Duration.ofMillis(Long.parseLong(words[3])));
                    String status;
                    try {
                        owner.enqueue(request);
                        status = "GRANTED";
                    } catch (LockException e) {
                        status = e.status().name();
                    }
                    System.out.println("STATUS " + status);
                }
                case "NOQUEUE" -> {
                    String status;
                    try {
                        Lock lock = owner.enqueue(LockRequest.of(words[1], LockMode.valueOf(words[2]))
                                .withFlags(LockFlag.NOQUEUE));
                        status = "GRANTED " + lock.fencingToken();
                    } catch (LockException e) {
                        status = e.status().name();
                    }
                    System.out.println("STATUS " + status);
                }
                case "MASTERS" -> System.out.println("MASTERS "
                        + (node.resource(Namespace.group(0), List.of(words[1])).isPresent() ? "yes" : "no"));
                case "WAITING" -> System.out.println("WAITING " + node.resource(Namespace.group(0), List.of(words[1]))
                        .map(r -> r.waiting().size()).orElse(0));
                case "WORK" -> work(node, Long.parseLong(words[1]), Long.parseLong(words[2]));
                case "CUT" -> cut.discardAll(true);
                case "HEAL" -> cut.discardAll(false);
                case "AWAIT-NO-LEASE" -> {
                    while (node.isLeaseHeld()) {
                        Thread.sleep(10);
                    }
                }
                default -> throw new IllegalArgumentException("unknown command: " + line);
            }
            System.out.println("OK " + line);
            System.out.flush();
        }
        node.close();
    }

    private static void work(ClusterLockManager node, long millis, long seed) throws InterruptedException {
        HoldRecorder recorder = new HoldRecorder();
        long deadline = System.nanoTime() + millis * 1_000_000;
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> workers = new java.util.ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(recorder.start(node, node.newOwner(node.name() + "w" + w), seed + w, deadline, failure));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (failure.get() != null) {
            System.out.println("FAILED " + failure.get().getCause());
        }
        recorder.holds().forEach(h -> System.out.println(h.line()));
    }
}
