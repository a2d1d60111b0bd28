package dev.locksmith.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The one address every peer binds to, and free ports on it. */
final class Loopback {
    /** Every server, member and client of the comparison listens on this address only. */
    static final String ADDRESS = "127.0.0.1";

    private Loopback() {
    }

    /** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + ADDRESS, e);
        }
    }
}
