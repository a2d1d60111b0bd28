package dev.locksmith.bench.cluster;

import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.cluster.ClusterLockManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.protocols.TP;

/**
 * Where a remote lock operation's time goes: measures, one thread, back to back,
 * <ol>
 *   <li>a bare JGroups round trip (a 60-byte request and a 40-byte answer between two channels
 *       built from lockcore's own stack, {@code dev/locksmith/lock/cluster/tcp.xml}, on 127.0.0.1;
 *       the answering receiver replies on the thread JGroups delivers on, the asking thread is
 *       unparked by the receiver) — the floor any lock protocol on this stack pays — and the same
 *       followed by a one-way message that the other side reads and drops (the lock protocol's
 *       request, grant and one-way dequeue);</li>
 *   <li>a Locksmith remote lock operation: EX sublock enqueue + dequeue from node 0 of a 3-node
 *       {@link LoopbackCluster}, the tree mastered by node 1 (as {@code ClusterLockBenchmark}
 *       REMOTE), with the lock-protocol messages per operation.</li>
 * </ol>
 * {@code --bundler TYPE} and {@code --policy NAME} switch every channel's JGroups transport at run
 * time, to see what a send-side bundler thread or a receive-side thread pool costs; lockcore's
 * default stack has neither ({@code no-bundler}, {@code direct}) and is measured without the
 * options. Prints the median of {@code --reps} (5) runs of {@code --seconds} (1) each, after one
 * warm-up run.
 *
 * <pre>
 * cd bench &amp;&amp; java -cp target/benchmarks.jar dev.locksmith.bench.cluster.RemoteRoundTrip [--bundler TYPE] [--policy NAME]
 * </pre>
 */
public final class RemoteRoundTrip {

    private RemoteRoundTrip() {
    }

    /**
     * Runs both measurements.
     *
     * @param args {@code --bundler TYPE}, {@code --policy NAME}, {@code --seconds N}, {@code --reps N}
     * @throws Exception when a channel or the cluster fails
     */
    public static void main(String[] args) throws Exception {
        System.getProperties().putIfAbsent("java.net.preferIPv4Stack", "true");
        List<String> list = Arrays.asList(args);
        String bundler = option(list, "--bundler", null);
        String policy = option(list, "--policy", null);
        double seconds = Double.parseDouble(option(list, "--seconds", "1"));
        int reps = Integer.parseInt(option(list, "--reps", "5"));
        System.out.printf(Locale.ROOT, "bundler %s, message processing policy %s, %d × %.1f s, load average %.2f%n",
                bundler == null ? "(stack default)" : bundler, policy == null ? "(stack default)" : policy, reps, seconds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        rawRoundTrip(bundler, policy, seconds, reps);
        lockRoundTrip(bundler, policy, seconds, reps);
        System.exit(0); // JGroups' and lockcore's daemon-less timers must not keep the JVM up
    }

    private static String option(List<String> args, String name, String otherwise) {
        int i = args.indexOf(name);
        return i < 0 || i + 1 >= args.size() ? otherwise : args.get(i + 1);
    }

    private static void configure(JChannel channel, String bundler, String policy) throws Exception {
        TP tp = channel.getProtocolStack().getTransport();
        if (bundler != null) {
            tp.bundler(bundler);
            tp.getBundler().init(tp);
            tp.getBundler().start();
        }
        if (policy != null) {
            tp.setMessageProcessingPolicy(policy);
        }
    }

    private static String describe(JChannel channel) {
        TP tp = channel.getProtocolStack().getTransport();
        return tp.getBundlerClass().replaceFirst(".*\\.", "") + " / "
                + tp.getMessageProcessingPolicy().getClass().getSimpleName();
    }

    private static volatile Thread waiter;
    private static volatile boolean answered;

    private static void rawRoundTrip(String bundler, String policy, double seconds, int reps) throws Exception {
        int[] ports = LoopbackCluster.freePorts(2);
        String hosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "]";
        String cluster = "round-trip-" + System.nanoTime();
        try (JChannel asker = new JChannel(new ByteArrayInputStream(stack(ports[0], hosts)));
             JChannel answerer = new JChannel(new ByteArrayInputStream(stack(ports[1], hosts)))) {
            answerer.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    if (msg.getLength() == 1) {
                        return; // the one-way message
                    }
                    try {
                        answerer.send(new BytesMessage(msg.getSrc(), new byte[40]));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            asker.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    answered = true;
                    LockSupport.unpark(waiter);
                }
            });
            asker.connect(cluster);
            answerer.connect(cluster);
            while (asker.getView().size() < 2 || answerer.getView().size() < 2) {
                Thread.sleep(5);
            }
            configure(asker, bundler, policy);
            configure(answerer, bundler, policy);
            waiter = Thread.currentThread();
            org.jgroups.Address to = answerer.getAddress();
            report("bare JGroups round trip (" + describe(asker) + ")", reps, seconds, () -> {
                answered = false;
                asker.send(new BytesMessage(to, new byte[60]));
                while (!answered) {
                    LockSupport.park();
                }
            }, null);
            report("bare JGroups round trip + one-way message, the lock protocol's pattern (" + describe(asker) + ")", reps,
                    seconds, () -> {
                        answered = false;
                        asker.send(new BytesMessage(to, new byte[60]));
                        while (!answered) {
                            LockSupport.park();
                        }
                        asker.send(new BytesMessage(to, new byte[1])); // read and dropped, as reliable as the lock messages
                    }, null);
        }
    }

    private static void lockRoundTrip(String bundler, String policy, double seconds, int reps) throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster("round-trip-" + System.nanoTime(), 3, 2, 0)) {
            for (int i = 0; i < 3; i++) {
                configure(cluster.node(i).channel(), bundler, policy);
            }
            cluster.node(1).newOwner("master").enqueue("ROOT", LockMode.NL);
            LockOwner owner = cluster.node(0).newOwner("bench");
            Lock root = owner.enqueue("ROOT", LockMode.CR);
            report("Locksmith remote EX enqueue + dequeue (" + describe(cluster.node(0).channel()) + ")", reps, seconds, () -> {
                Lock sub = owner.enqueue(LockRequest.of("row", LockMode.EX).withParent(root));
                owner.dequeue(sub);
            }, cluster);
        }
    }

    /** One operation of a measurement. */
    private interface Operation {
        void run() throws Exception;
    }

    private static void report(String what, int reps, double seconds, Operation op, LoopbackCluster cluster) throws Exception {
        List<Double> micros = new ArrayList<>();
        long messages = 0;
        long operations = 0;
        for (int rep = -1; rep < reps; rep++) {
            long m0 = cluster == null ? 0 : cluster.messagesSent();
            long n = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 50; i++) {
                    op.run();
                }
                n += 50;
            }
            if (rep >= 0) {
                micros.add((System.nanoTime() - start) / 1e3 / n);
                messages += cluster == null ? 0 : cluster.messagesSent() - m0;
                operations += n;
            }
        }
        micros.sort(null);
        double median = micros.get(micros.size() / 2);
        System.out.printf(Locale.ROOT, "%s: median %.1f µs (%,.0f per second), runs %s µs%s%n", what, median, 1e6 / median,
                micros.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(),
                cluster == null ? "" : String.format(Locale.ROOT, ", %.2f lock-protocol messages per operation",
                        messages / (double) operations));
    }

    /** lockcore's default stack as a node on {@code port} would make its channel from it. */
    private static byte[] stack(int port, String hosts) throws IOException {
        return ClusterLockManager.builder().bindAddress("127.0.0.1").bindPort(port).initialHosts(hosts).stackXml()
                .getBytes(StandardCharsets.UTF_8);
    }
}
