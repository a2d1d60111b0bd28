package dev.locksmith.cli.lke;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.locksmith.lock.admin.LockManagerMonitor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.util.List;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The JVM an {@code lke} command (or {@code rms monitor}) talks to (by pid through the attach
 * API, which starts that JVM's local management agent, or by JMX service URL) and which lock
 * manager in it. A picocli mixin; {@link #connect()} or {@link #connectServer()} is called once
 * per command. Failures are {@link LkeException}s.
 */
public final class JmxTarget {
    /** Exactly one of --pid and --url. */
    public static final class Where {
        @Option(names = "--pid", paramLabel = "PID", description = "Attach to the local JVM with this process id.")
        Long pid;

        @Option(names = "--url", paramLabel = "URL",
                description = "Connect to this JMX service URL, e.g. service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi.")
        String url;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(names = "--manager", paramLabel = "NAME",
            description = "The lock manager to use when the JVM has several.")
    String manager;

    /** An open connection to one lock manager's bean. */
    public record Connection(JMXConnector connector, MBeanServerConnection server, ObjectName bean) implements AutoCloseable {
        @Override
        public void close() {
            try {
                connector.close();
            } catch (IOException e) {
                // the command's work is done; a failed close changes nothing for the user
            }
        }
    }

    Connection connect() {
        Connection connection = connectServer();
        try {
            return new Connection(connection.connector(), connection.server(), findBean(connection.server()));
        } catch (IOException e) {
            closeQuietly(connection.connector());
            throw new LkeException("UNREACHABLE", "lost the connection to " + describe() + ": " + rootCause(e), e);
        } catch (RuntimeException e) {
            closeQuietly(connection.connector());
            throw e;
        }
    }

    /** A connection to the target JVM's MBean server, with no bean chosen ({@link Connection#bean()} is null). */
    public Connection connectServer() {
        String url = where.url != null ? where.url : localAgentOf(where.pid);
        JMXConnector connector;
        try {
            connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
        } catch (MalformedURLException e) {
            throw new LkeException("BADURL", "--url '" + url + "' is not a JMX service URL: " + e.getMessage(), e);
        } catch (IOException | SecurityException e) {
            throw new LkeException("UNREACHABLE", "cannot connect to " + describe() + ": " + rootCause(e), e);
        }
        try {
            return new Connection(connector, connector.getMBeanServerConnection(), null);
        } catch (IOException e) {
            closeQuietly(connector);
            throw new LkeException("UNREACHABLE", "lost the connection to " + describe() + ": " + rootCause(e), e);
        }
    }

    private ObjectName findBean(MBeanServerConnection server) throws IOException {
        try {
            if (manager != null) {
                ObjectName name = LockManagerMonitor.objectName(manager);
                if (!server.isRegistered(name)) {
                    throw new LkeException("NOMANAGER", describe() + " has no lock manager named '" + manager
                            + "'" + available(server));
                }
                return name;
            }
            Set<ObjectName> beans = server.queryNames(pattern(), null);
            if (beans.isEmpty()) {
                throw new LkeException("NOLOCKSMITH", describe() + " runs no Locksmith lock manager (no "
                        + pattern() + " MBean is registered: a manager has one unless it was built with"
                        + " registerMBean(false) or is closed; LockManagerMonitor.register adds one)");
            }
            if (beans.size() > 1) {
                throw new LkeException("MANAGER", describe() + " has several lock managers; choose one with --manager"
                        + available(server));
            }
            return beans.iterator().next();
        } catch (MalformedObjectNameException e) {
            throw new LkeException("MANAGER", "--manager '" + manager + "' cannot be part of an MBean name", e);
        }
    }

    private String available(MBeanServerConnection server) throws IOException, MalformedObjectNameException {
        List<String> names = server.queryNames(pattern(), null).stream()
                .map(n -> unquoted(n.getKeyProperty("name"))).sorted().toList();
        return names.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", names) + ")";
    }

    private static String unquoted(String value) {
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    private static ObjectName pattern() throws MalformedObjectNameException {
        return new ObjectName(LockManagerMonitor.DOMAIN + ":type=LockManager,*");
    }

    private static String localAgentOf(long pid) {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new LkeException("UNREACHABLE", "cannot attach to the JVM with pid " + pid
                    + " (is it running, a JVM, and yours?): " + e.getMessage(), e);
        }
        try {
            return vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new LkeException("UNREACHABLE", "the JVM with pid " + pid
                    + " did not start its local management agent: " + e.getMessage(), e);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // detaching cannot fail in a way that matters once the address is known
            }
        }
    }

    /** The innermost cause, which names what actually failed (e.g. "Connection refused"). */
    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The target as error messages name it. */
    public String describe() {
        return where.url != null ? "the JVM at " + where.url : "the JVM with pid " + where.pid;
    }

    private static void closeQuietly(JMXConnector connector) {
        try {
            connector.close();
        } catch (IOException e) {
            // already failing with a better message
        }
    }

    /** Runs a bean operation, turning JMX failures into LKE errors. */
    static Object invoke(Connection c, String operation, Object[] args, String[] signature) {
        try {
            return c.server().invoke(c.bean(), operation, args, signature);
        } catch (JMException | RuntimeException e) {
            throw refused(operation, e);
        } catch (IOException e) {
            throw new LkeException("UNREACHABLE", "lost the connection during " + operation + ": " + rootCause(e), e);
        }
    }

    /** Reads a bean attribute, turning JMX failures into LKE errors. */
    static Object attribute(Connection c, String attribute) {
        try {
            return c.server().getAttribute(c.bean(), attribute);
        } catch (JMException | RuntimeException e) {
            throw refused(attribute, e);
        } catch (IOException e) {
            throw new LkeException("UNREACHABLE", "lost the connection reading " + attribute + ": " + rootCause(e), e);
        }
    }

    /** The bean's own refusal ("STATUS: message") becomes %LKE-E-STATUS, message. */
    private static LkeException refused(String what, Exception e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof JMException || t instanceof javax.management.JMRuntimeException)) {
            t = t.getCause();
        }
        String message = String.valueOf(t.getMessage());
        int colon = message.indexOf(": ");
        if (colon > 0 && message.substring(0, colon).matches("[A-Z]+")) {
            return new LkeException(message.substring(0, colon), message.substring(colon + 2), e);
        }
        return new LkeException("FAILED", what + " failed: " + message, e);
    }
}
