package dev.locksmith.sample.it;

import java.net.URI;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Where the managed WildFly of the tests listens: 127.0.0.1, on WildFly's default ports moved by
 * the system property {@value #OFFSET_PROPERTY} (0 unless the build is given
 * {@code -Dwildfly.port.offset=N}). The same property reaches the server as
 * {@code jboss.socket.binding.port-offset} (see arquillian.xml), so two builds can each run a server.
 *
 * <p>As a JUnit launcher session listener it publishes {@value #MANAGEMENT_PORT_PROPERTY} before any
 * test class starts, for arquillian.xml's {@code managementPort}. Stateless.
 */
public final class Server implements LauncherSessionListener {

    /** The system property holding the port offset. */
    public static final String OFFSET_PROPERTY = "wildfly.port.offset";
    /** The system property arquillian.xml reads the management port from. */
    public static final String MANAGEMENT_PORT_PROPERTY = "wildfly.management.port";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        System.setProperty(MANAGEMENT_PORT_PROPERTY, Integer.toString(9990 + offset()));
    }

    /**
     * The server's HTTP port: 8080 plus the offset.
     *
     * @return the port
     */
    public static int httpPort() {
        return 8080 + offset();
    }

    /**
     * An address on the server's HTTP listener.
     *
     * @param path the path after the port, such as {@code locksmith-sample/}
     * @return {@code http://127.0.0.1:<port>/<path>}
     */
    public static URI http(String path) {
        return http(offset(), path);
    }

    /**
     * An address on the HTTP listener of a server whose ports are moved by {@code offset}.
     *
     * @param offset the server's port offset
     * @param path the path after the port
     * @return {@code http://127.0.0.1:<8080 + offset>/<path>}
     */
    public static URI http(int offset, String path) {
        return URI.create("http://127.0.0.1:" + (8080 + offset) + "/" + path);
    }

    /**
     * The port offset of the tests' server.
     *
     * @return the value of {@value #OFFSET_PROPERTY}, 0 if unset
     * @throws IllegalArgumentException if it is not a whole number
     */
    public static int offset() {
        String value = System.getProperty(OFFSET_PROPERTY, "0").trim();
        try {
            return Integer.parseInt(value.isEmpty() ? "0" : value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OFFSET_PROPERTY + " must be a whole number but was '" + value + "'", e);
        }
    }
}
