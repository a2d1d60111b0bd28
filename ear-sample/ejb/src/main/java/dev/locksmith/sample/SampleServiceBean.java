package dev.locksmith.sample;

import dev.locksmith.ra.AdapterStatistics;
import dev.locksmith.ra.LocksmithConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample's entry point: runs one transaction through {@link LocksmithWorkBean} and reports
 * what the adapter saw. It runs outside any transaction itself ({@code NOT_SUPPORTED}) so it can
 * read the adapter's counters before the work's transaction begins and after it has completed.
 * Concurrent callers make the deltas include each other's work.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SampleServiceBean {

    @Resource(lookup = LocksmithWorkBean.JNDI_NAME)
    private LocksmithConnectionFactory factory;

    @EJB
    private LocksmithWorkBean work;

    @EJB
    private SampleLog log;

    /**
     * Runs one transaction that uses a Locksmith connection and commits.
     *
     * @return the branch used and the counter deltas (expect one XA branch started and committed)
     */
    public TransactionReport commitTransaction() {
        AdapterStatistics before = statistics();
        String xid = work.pingAndCommit();
        return report("committed", xid, statistics().minus(before), 0);
    }

    /**
     * Runs one transaction that uses a Locksmith connection and the server's H2 datasource and
     * commits, so the Locksmith branch goes through prepare and a two-phase commit.
     *
     * @return the branch used, the counter deltas (expect one branch started and prepared; it did no
     *     writes, so it answers read-only and is finished there) and the number of H2 rows written
     *     for that branch (1)
     */
    public TransactionReport commitTransactionWithJdbc() {
        AdapterStatistics before = statistics();
        String xid = work.pingAndLogAndCommit();
        AdapterStatistics delta = statistics().minus(before);
        return report("committed with JDBC", xid, delta, log.rowsFor(xid));
    }

    /**
     * Runs one transaction that uses a Locksmith connection and is rolled back.
     *
     * @return the branch used and the counter deltas (expect one XA branch started and rolled back)
     */
    public TransactionReport rollbackTransaction() {
        AdapterStatistics before = statistics();
        String xid = work.pingAndRollback();
        return report("rolled back", xid, statistics().minus(before), 0);
    }

    /**
     * Returns the adapter's counters since the server started, by name.
     *
     * @return counter name to value, in a stable order
     */
    public Map<String, Long> counters() {
        AdapterStatistics s = statistics();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("managedConnectionsCreated", s.managedConnectionsCreated());
        m.put("managedConnectionsDestroyed", s.managedConnectionsDestroyed());
        m.put("handlesOpened", s.handlesOpened());
        m.put("handlesClosed", s.handlesClosed());
        m.put("xaStarted", s.xaStarted());
        m.put("xaPrepared", s.xaPrepared());
        m.put("xaReadOnly", s.xaReadOnly());
        m.put("xaCommitted", s.xaCommitted());
        m.put("xaCommittedOnePhase", s.xaCommittedOnePhase());
        m.put("xaRolledBack", s.xaRolledBack());
        m.put("localBegun", s.localBegun());
        m.put("localCommitted", s.localCommitted());
        m.put("localRolledBack", s.localRolledBack());
        m.put("pings", s.pings());
        m.put("recoveryScans", s.recoveryScans());
        return m;
    }

    private AdapterStatistics statistics() {
        try {
            return factory.statistics();
        } catch (ResourceException e) {
            throw new EJBException("cannot read the Locksmith adapter's counters: " + e.getMessage(), e);
        }
    }

    private static TransactionReport report(String outcome, String xid, AdapterStatistics d, int jdbcRows) {
        return new TransactionReport(outcome, xid, d.xaStarted(), d.xaPrepared(), d.xaReadOnly(), d.xaCommitted(),
                d.xaCommittedOnePhase(), d.xaRolledBack(), d.pings(), jdbcRows);
    }
}
