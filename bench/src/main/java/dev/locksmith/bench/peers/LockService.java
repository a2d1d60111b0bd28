package dev.locksmith.bench.peers;

import java.io.IOException;

/**
 * What every compared lock service offers the benchmark: named locks, exclusive and (where the
 * service has them) shared, taken by one thread and released by the same thread. One workload
 * definition ({@link PeerBenchmark}) drives every implementation, so the services differ only in
 * what they do inside {@link Session#lock} and {@link Session#unlock}.
 *
 * <p>A service is opened once per benchmark trial and closed in its tear-down; everything it
 * starts (servers, cluster members) listens on 127.0.0.1 only and stops on {@link #close()}.
 */
public interface LockService extends AutoCloseable {

    /** True when a shared (read) lock is a mode of its own; false for exclusive-only services. */
    boolean supportsShared();

    /**
     * A session for one benchmark thread: a Locksmith owner, a Curator lock recipe cache, a
     * Hazelcast member to call, and so on. Threads never share a session.
     *
     * @param thread the benchmark thread's index, from 0
     * @return the thread's session
     * @throws Exception when the service cannot be reached
     */
    Session session(int thread) throws Exception;

    /**
     * How many lock requests have had to wait since the service started (a hand-off of a held name),
     * for {@link Contention}'s report; -1 when the service does not count them.
     *
     * @return the count, or -1
     */
    default long waits() {
        return -1;
    }

    /**
     * Stops whatever the service started: servers, clients, cluster members.
     *
     * @throws IOException when a server or member does not stop cleanly
     */
    @Override
    void close() throws IOException;

    /**
     * Refuses a shared lock from a service that has no shared mode, rather than taking an
     * exclusive one in its place and measuring something else.
     *
     * @param shared what the workload asked for
     * @param service the refusing service, for the message
     */
    static void refuseShared(boolean shared, String service) {
        if (shared) {
            throw new UnsupportedOperationException(service + " has no shared lock mode");
        }
    }

    /** One thread's view of the service. */
    interface Session {
        /**
         * Takes a lock on a name, waiting as long as it takes.
         *
         * @param name   the resource name
         * @param shared true for a shared (read) lock; only when {@link #supportsShared()}
         * @return what {@link #unlock} needs to release exactly this lock
         * @throws Exception when the service fails
         */
        Object lock(String name, boolean shared) throws Exception;

        /**
         * Releases a lock this session took.
         *
         * @param held what {@link #lock} returned
         * @throws Exception when the service fails
         */
        void unlock(Object held) throws Exception;
    }
}
