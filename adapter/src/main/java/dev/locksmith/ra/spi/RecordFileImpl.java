package dev.locksmith.ra.spi;

import dev.locksmith.ra.RecordException;
import dev.locksmith.ra.RecordFile;
import dev.locksmith.rms.KeyMatch;
import dev.locksmith.rms.Rfa;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.TransactionStream;
import jakarta.resource.ResourceException;
import java.time.Duration;

/**
 * A {@link RecordFile} of one handle. Each call finds the connection's transaction at that moment:
 * inside one it works on a stream of that transaction (opened the first time this file is used in
 * it); outside one it begins a store transaction, finds the current record again by its RFA when
 * the call continues from it, does the call and commits. Not thread-safe, like its handle.
 */
final class RecordFileImpl implements RecordFile {

    private final LocksmithConnectionImpl handle;
    private final String name;
    private final Duration lockWait;
    /** The transaction {@link #stream} belongs to. */
    private TransactionWork streamWork;
    private TransactionStream stream;
    /** Outside a transaction: the current record, found again by each call that continues from it. */
    private Rfa current;
    /** Outside a transaction: the current record was deleted, so there is no position to continue from. */
    private boolean currentDeleted;

    RecordFileImpl(LocksmithConnectionImpl handle, String name, Duration lockWait) {
        this.handle = handle;
        this.name = name;
        this.lockWait = lockWait;
    }

    /** One record service on a stream. */
    private interface Service<T> {
        T on(TransactionStream s);
    }

    /** How a service uses the position outside a transaction. */
    private enum Position { IGNORES, CONTINUES, RESETS }

    private <T> T call(Position position, Service<T> service) throws ResourceException {
        LocksmithManagedConnection mc = handle.managedConnection();
        mc.checkUsable();
        TransactionWork work = mc.currentWork();
        if (work != null) {
            if (work != streamWork) {
                stream = work.open(name).lockWait(lockWait);
                streamWork = work;
            }
            try {
                return service.on(stream);
            } catch (RmsException e) {
                throw mc.recordFailure(name, e);
            }
        }
        return autoCommit(mc, position, service);
    }

    private <T> T autoCommit(LocksmithManagedConnection mc, Position position, Service<T> service)
            throws ResourceException {
        if (position == Position.CONTINUES && currentDeleted) {
            throw new RecordException(RmsStatus.CUR, name + ": the current record was deleted by the last call,"
                    + " which committed; outside a transaction there is no position after it", null);
        }
        TransactionWork auto = mc.resourceManager().newWork(mc.transactionMode());
        try {
            TransactionStream s = auto.open(name).lockWait(lockWait);
            if (position == Position.CONTINUES && current != null) {
                s.get(current);
            }
            T result = service.on(s);
            Rfa at = s.currentRfa();
            auto.commit();
            if (position != Position.IGNORES) {
                current = at;
                currentDeleted = false;
            }
            return result;
        } catch (RmsException e) {
            auto.rollback();
            throw new RecordException(e.status(), name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] get(byte[] key) throws ResourceException {
        return call(Position.RESETS, s -> s.get(key));
    }

    @Override
    public byte[] get(int keyOfReference, byte[] key, KeyMatch match) throws ResourceException {
        return call(Position.RESETS, s -> s.get(keyOfReference, key, match));
    }

    @Override
    public byte[] get(long recordNumber) throws ResourceException {
        return call(Position.RESETS, s -> s.get(recordNumber));
    }

    @Override
    public boolean find(int keyOfReference, byte[] key, KeyMatch match) throws ResourceException {
        try {
            get(keyOfReference, key, match);
            return true;
        } catch (RecordException e) {
            if (e.rmsStatus() == RmsStatus.RNF) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public byte[] next() throws ResourceException {
        return call(Position.CONTINUES, TransactionStream::next);
    }

    @Override
    public void rewind() throws ResourceException {
        call(Position.RESETS, s -> {
            s.rewind(0);
            return null;
        });
    }

    @Override
    public void put(byte[] record) throws ResourceException {
        call(Position.IGNORES, s -> {
            s.put(record);
            return null;
        });
    }

    @Override
    public void put(long recordNumber, byte[] record) throws ResourceException {
        call(Position.IGNORES, s -> {
            s.put(recordNumber, record);
            return null;
        });
    }

    @Override
    public void update(byte[] record) throws ResourceException {
        call(Position.CONTINUES, s -> {
            s.update(record);
            return null;
        });
    }

    @Override
    public void delete() throws ResourceException {
        call(Position.CONTINUES, s -> {
            s.delete();
            return null;
        });
        if (handle.managedConnection().currentWork() == null) {
            currentDeleted = true;
        }
    }

    @Override
    public String toString() {
        return "RecordFile[" + name + "]";
    }
}
