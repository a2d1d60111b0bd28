package dev.locksmith.cli.lke;

import dev.locksmith.lock.LockManager;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.admin.LockManagerMonitor;
import dev.locksmith.lock.names.LockSpace;
import dev.locksmith.lock.names.NameLocks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * The JVM that {@link LkeCommandTest} inspects: a lock manager with its bean (clearing enabled),
 * process "a" holding ^D(1) and ^C, process "b" waiting for ^D, and a JMX connector bound to
 * 127.0.0.1. Prints {@code url <address>} and {@code ready}, then lives until its standard input
 * closes (the test ends or dies) or a minute has passed.
 */
public final class LockHolderMain {
    /** The argument that makes the child hold one lock, PLAIN, on a manager with only its default bean. */
    static final String WITHOUT_REGISTER = "--without-register";

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(WITHOUT_REGISTER)) {
            LockManager plain = LockManager.builder().name("plain").build();
            plain.newOwner("holder").enqueue("PLAIN", LockMode.EX);
            System.out.println("ready");
            System.out.flush();
            liveUntilInputCloses();
            return;
        }
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        LockManager manager = LockManager.builder().name("child").build();
        LockSpace space = new LockSpace(manager, 0, 100);
        LockManagerMonitor.register(manager, List.of(space), true);
        NameLocks a = space.newProcess("a");
        a.lockIncrement("^D(1)", "^C");
        NameLocks b = space.newProcess("b");
        Thread waiter = new Thread(() -> {
            try {
                b.lock(Duration.ofMinutes(1), "^D");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "waiter");
        waiter.setDaemon(true);
        waiter.start();
        while (manager.locks().stream().noneMatch(l -> l.blockedBy().size() > 0)) {
            Thread.sleep(5);
        }
        System.out.println("url " + loopbackConnector(java.lang.management.ManagementFactory.getPlatformMBeanServer()));
        System.out.println("ready");
        System.out.flush();
        liveUntilInputCloses();
    }

    /** Lives until the parent closes standard input (it ended or died), or a minute has passed. */
    private static void liveUntilInputCloses() throws InterruptedException {
        Thread stdinWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent closes our input
                }
            } catch (IOException e) {
                // the parent is gone either way
            }
            System.exit(0);
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        Thread.sleep(Duration.ofMinutes(1).toMillis());
        System.exit(0);
    }

    private static JMXServiceURL loopbackConnector(MBeanServer server) throws IOException {
        RMIServerSocketFactory loopbackOnly = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopbackOnly), server);
        connector.start();
        return connector.getAddress();
    }
}
