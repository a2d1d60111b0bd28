package dev.locksmith.sample;

import java.io.Serializable;

/**
 * What one sample transaction did, as seen from outside it: the XA branch the Locksmith
 * connection was enlisted in while the transaction ran, and how the adapter's counters moved
 * between just before the transaction began and just after it ended.
 *
 * @param outcome {@code committed}, {@code committed with JDBC} or {@code rolled back}: what the
 *     bean asked the container for
 * @param xid the branch the connection reported inside the transaction ({@code formatId:gtrid:bqual})
 * @param xaStarted XA branches started during the transaction
 * @param xaPrepared XA branches prepared with a vote to commit
 * @param xaReadOnly XA branches that wrote nothing and answered read-only at prepare
 * @param xaCommitted XA branches committed (one or two phase)
 * @param xaCommittedOnePhase of those, committed in one phase
 * @param xaRolledBack XA branches rolled back
 * @param pings pings served
 * @param jdbcRows rows the transaction left in the sample's H2 table (0 when it wrote none)
 */
public record TransactionReport(
        String outcome,
        String xid,
        long xaStarted,
        long xaPrepared,
        long xaReadOnly,
        long xaCommitted,
        long xaCommittedOnePhase,
        long xaRolledBack,
        long pings,
        int jdbcRows) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Renders the report as a JSON object.
     *
     * @return a one-line JSON object with every component
     */
    public String toJson() {
        return "{\"outcome\":\"" + outcome + "\",\"xid\":\"" + xid + "\""
                + ",\"xaStarted\":" + xaStarted
                + ",\"xaPrepared\":" + xaPrepared
                + ",\"xaReadOnly\":" + xaReadOnly
                + ",\"xaCommitted\":" + xaCommitted
                + ",\"xaCommittedOnePhase\":" + xaCommittedOnePhase
                + ",\"xaRolledBack\":" + xaRolledBack
                + ",\"pings\":" + pings
                + ",\"jdbcRows\":" + jdbcRows + "}";
    }
}
