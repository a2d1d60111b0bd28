package dev.locksmith.rms.journal;

import dev.locksmith.rms.Durability;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A record store's transaction journal: an append-only log (laid out in {@link JournalFrame}) of
 * the write sets of prepared transactions, of committed ones, and of prepared ones rolled back.
 * Committed records stay until every file they touched has made them durable
 * ({@link #retireThrough}); the journal is then rewritten as a new file holding only what is still
 * needed, which replaces the old one by an atomic rename.
 *
 * <p>Every record is one positional write of one frame, so a commit costs a write system call, not
 * a store commit. A prepare, and the rollback of a prepared transaction, is forced to the disk
 * before it returns; a commit is as durable as the journal's {@link Durability} says
 * ({@link Durability#DEFERRED} and {@link Durability#COMMIT} write the frame at once and survive the
 * death of the process; {@link Durability#SYNC} forces it and survives a power failure too).
 * Threads that need a force at the same time share one (group commit): a thread whose frame an
 * earlier force already covered does not force again. Committed records are numbered by a commit
 * sequence that only grows, also across restarts.
 *
 * <p>Opening reads the log up to its first torn or unwritten frame (what a crash in a write leaves)
 * and, if anything follows it, rewrites the journal so that new frames never follow damage. The
 * journal file is locked while open: a second opener, in this or another process, gets IO.
 *
 * <p>Thread-safe: appends and rewrites hold this object's monitor; forces hold a lock of their own
 * so that appends go on during a force. Failures are {@link RmsException}s with status IO, after
 * which the journal refuses further writes.
 */
public final class Journal implements AutoCloseable {
    /** The file is extended in steps of this many bytes, ahead of the writes, so a force seldom has a new size to record. */
    private static final long EXTEND_STEP = 4L << 20;
    private static final int MAX_FRAME = Integer.MAX_VALUE - 64;
    /**
     * The journals open in this JVM. A second opener is refused here, before it opens the file:
     * closing any channel on a file may release every lock this process holds on it.
     */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final Path rewritePath;
    private final Durability durability;
    private final Object forcing = new Object();

    // Guarded by this.
    private final TreeMap<Long, JournalRecord> prepared = new TreeMap<>();
    private final TreeMap<Long, JournalRecord> committed = new TreeMap<>();
    private long lastSequence;
    private long lastTransactionId;
    private long position;
    private long extent;
    private boolean closed;
    /** Why the journal refuses writes, once an IO failure left its end in doubt. */
    private volatile String failure;

    /** Bytes appended since open, across rewrites: what a force has to cover. */
    private volatile long appended;
    /** Appended bytes known to be on the disk; guarded by {@link #forcing} for writes. */
    private volatile long forced;
    private volatile FileChannel channel;

    private Journal(Path path, Durability durability) {
        this.path = path.toAbsolutePath().normalize();
        this.rewritePath = this.path.resolveSibling(this.path.getFileName() + ".new");
        this.durability = durability;
    }

    /**
     * Opens the journal at {@code path}, creating it if absent, and reads what it holds.
     *
     * @param durability when a {@link #commit} is durable
     * @throws RmsException IAL for a null durability; IFA if the file is not a journal; IO if it
     *                      cannot be read or written, or another opener has it
     */
    public static Journal open(Path path, Durability durability) {
        if (durability == null) {
            throw new RmsException(RmsStatus.IAL, "durability is null; choose DEFERRED, COMMIT or SYNC");
        }
        Journal journal = new Journal(path, durability);
        if (!OPEN.add(journal.path)) {
            throw new RmsException(RmsStatus.IO, "journal " + journal.path + " is in use by another store in this process");
        }
        try {
            if (Files.exists(path)) {
                journal.openExisting();
            } else {
                Files.deleteIfExists(journal.rewritePath); // a first rewrite that never finished
                journal.rewrite();
            }
            return journal;
        } catch (IOException e) {
            journal.close();
            throw new RmsException(RmsStatus.IO, "cannot open journal " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** The highest commit sequence number ever given out; 0 for a new journal. */
    public synchronized long lastSequence() {
        return lastSequence;
    }

    /** The highest transaction id recorded; a store numbers new transactions above it. */
    public synchronized long lastTransactionId() {
        return lastTransactionId;
    }

    /** Records {@code record} as prepared and forces it to the disk. */
    public void prepare(JournalRecord record) {
        byte[] bytes = record.encode(); // outside the monitor: other threads append meanwhile
        long end;
        synchronized (this) {
            end = append(JournalFrame.Kind.PREPARE, 0, record.transactionId(), bytes);
            prepared.put(record.transactionId(), record);
            lastTransactionId = Math.max(lastTransactionId, record.transactionId());
        }
        forceThrough(end);
    }

    /**
     * Records {@code record} as committed under the next commit sequence number (which also ends its
     * prepared record, if any) and returns that number, once the record is as durable as this
     * journal's durability says.
     */
    public long commit(JournalRecord record) {
        byte[] bytes = record.encode(); // outside the monitor: other threads append meanwhile
        long sequence;
        long end;
        synchronized (this) {
            sequence = lastSequence + 1;
            end = append(JournalFrame.Kind.COMMIT, sequence, record.transactionId(), bytes);
            lastSequence = sequence;
            committed.put(sequence, record);
            prepared.remove(record.transactionId());
            lastTransactionId = Math.max(lastTransactionId, record.transactionId());
        }
        if (durability == Durability.SYNC) {
            forceThrough(end);
        }
        return sequence;
    }

    /** Records that prepared transaction {@code transactionId} was rolled back, and forces it to the disk. */
    public void forget(long transactionId) {
        long end;
        synchronized (this) {
            end = append(JournalFrame.Kind.FORGET, 0, transactionId, null);
            prepared.remove(transactionId);
        }
        forceThrough(end);
    }

    /** The prepared transactions, oldest id first. */
    public synchronized List<JournalRecord> prepared() {
        return new ArrayList<>(prepared.values());
    }

    /** The committed transactions not yet retired, by commit sequence number. */
    public synchronized NavigableMap<Long, JournalRecord> committed() {
        return new TreeMap<>(committed);
    }

    /** How many committed records are waiting to be retired. */
    public synchronized int committedCount() {
        return committed.size();
    }

    /**
     * Retires every committed record numbered up to {@code sequence} (the files hold them durably)
     * by rewriting the journal with what is still needed: the counters, the prepared transactions
     * and the later commits.
     */
    public synchronized void retireThrough(long sequence) {
        requireWritable();
        committed.headMap(sequence, true).clear();
        try {
            rewrite();
        } catch (IOException e) {
            throw fail("rewriting", e);
        }
    }

    /** Closes the journal; every record written stays. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(path);
        FileChannel open = channel;
        if (open == null) {
            return;
        }
        try {
            if (failure == null) {
                open.force(false);
            }
        } catch (IOException e) {
            throw new RmsException(RmsStatus.IO, "closing journal " + path + ": " + e.getMessage(), e);
        } finally {
            try {
                open.close(); // releases the file lock too
            } catch (IOException ignored) {
                // nothing more can be done about a channel that does not close
            }
        }
    }

    @Override
    public String toString() {
        return "Journal[" + path + "]";
    }

    // ---- appending and forcing ----

    /** Appends one frame; returns the appended count that a force must reach to cover it. */
    private long append(JournalFrame.Kind kind, long sequence, long transactionId, byte[] record) {
        requireWritable();
        if (record != null && record.length > MAX_FRAME - JournalFrame.FRAME_HEADER - JournalFrame.BODY_HEADER) {
            throw new RmsException(RmsStatus.IAL, "transaction " + transactionId + " writes " + record.length
                    + " bytes; a journal record holds at most " + MAX_FRAME);
        }
        ByteBuffer frame = JournalFrame.frame(kind, sequence, transactionId, record);
        int length = frame.remaining();
        try {
            extendFor(position + length + JournalFrame.FRAME_HEADER);
            writeFully(channel, frame, position);
        } catch (IOException e) {
            throw fail("appending to", e);
        }
        position += length;
        appended += length;
        return appended;
    }

    /** Keeps the file ahead of the writes, and zeros past the last frame: a log ends at a zero length. */
    private void extendFor(long end) throws IOException {
        if (end > extent) {
            extent = (end / EXTEND_STEP + 1) * EXTEND_STEP;
            writeFully(channel, ByteBuffer.allocate(1), extent - 1);
        }
    }

    /** Returns once everything appended up to {@code end} is on the disk, forcing it unless another force covered it. */
    private void forceThrough(long end) {
        if (forced >= end) {
            return;
        }
        synchronized (forcing) {
            if (forced >= end) {
                return;
            }
            long covered = appended;
            try {
                channel.force(false);
            } catch (IOException e) {
                throw fail("forcing", e);
            }
            forced = Math.max(forced, covered);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long offset = at;
        while (buffer.hasRemaining()) {
            offset += channel.write(buffer, offset);
        }
    }

    private void requireWritable() {
        if (closed) {
            throw new RmsException(RmsStatus.CLOSED, "journal " + path + " is closed");
        }
        if (failure != null) {
            throw new RmsException(RmsStatus.IO, "journal " + path + " failed earlier (" + failure + "); reopen the store");
        }
    }

    private RmsException fail(String doing, IOException e) {
        failure = doing + " it: " + e.getMessage();
        return new RmsException(RmsStatus.IO, doing + " journal " + path + ": " + e.getMessage(), e);
    }

    // ---- reading and rewriting ----

    private void openExisting() throws IOException {
        FileChannel reading = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel = reading;
        lockOrRefuse(reading);
        Files.deleteIfExists(rewritePath); // a rewrite the last opener did not finish; this journal stands
        ByteBuffer header = ByteBuffer.allocate(JournalFrame.FILE_HEADER);
        readFully(reading, header, 0);
        byte[] magic = Arrays.copyOf(header.array(), JournalFrame.MAGIC.length);
        if (header.position() < JournalFrame.FILE_HEADER || !Arrays.equals(magic, JournalFrame.MAGIC)) {
            throw new RmsException(RmsStatus.IFA, "file " + path + " is not a Locksmith journal (it does not start with "
                    + "the journal header); a store made by an older Locksmith must be opened by it and closed cleanly first");
        }
        int version = header.getInt(JournalFrame.MAGIC.length);
        if (version != JournalFrame.VERSION) {
            throw new RmsException(RmsStatus.IFA, "journal " + path + " has format version " + version + "; this Locksmith reads "
                    + JournalFrame.VERSION);
        }
        long end = readFrames(reading);
        long size = reading.size();
        position = end;
        extent = size;
        if (!zeroFrom(reading, end)) {
            rewrite(); // a torn frame: new frames must not follow what is left of it
        }
    }

    /** Reads every intact frame into memory; returns the offset where the log ends. */
    private long readFrames(FileChannel in) throws IOException {
        long size = in.size();
        long at = JournalFrame.FILE_HEADER;
        ByteBuffer header = ByteBuffer.allocate(JournalFrame.FRAME_HEADER);
        while (at + JournalFrame.FRAME_HEADER <= size) {
            header.clear();
            readFully(in, header, at);
            int length = header.getInt(0);
            if (length < JournalFrame.BODY_HEADER || length > size - at - JournalFrame.FRAME_HEADER) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(in, body, at + JournalFrame.FRAME_HEADER);
            body.flip();
            if (!JournalFrame.intact(body, header.getInt(4))) {
                break;
            }
            replay(body);
            at += JournalFrame.FRAME_HEADER + length;
        }
        return at;
    }

    private void replay(ByteBuffer body) {
        JournalFrame.Kind kind = JournalFrame.Kind.of(body.get());
        long sequence = body.getLong();
        long transactionId = body.getLong();
        if (kind == null) {
            throw new RmsException(RmsStatus.BUG, "journal " + path + " holds an intact frame of an unknown kind");
        }
        switch (kind) {
            case PREPARE -> prepared.put(transactionId, record(body));
            case COMMIT -> {
                committed.put(sequence, record(body));
                prepared.remove(transactionId);
                lastSequence = Math.max(lastSequence, sequence);
            }
            case FORGET -> prepared.remove(transactionId);
            case CHECKPOINT -> lastSequence = Math.max(lastSequence, sequence);
        }
        lastTransactionId = Math.max(lastTransactionId, transactionId);
    }

    private static JournalRecord record(ByteBuffer body) {
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return JournalRecord.decode(bytes);
    }

    /** Whether the file holds only zeros from {@code from} to its end. */
    private static boolean zeroFrom(FileChannel in, long from) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (long at = from; at < in.size(); at += chunk.capacity()) {
            chunk.clear();
            readFully(in, chunk, at);
            for (int i = 0; i < chunk.position(); i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long at) throws IOException {
        long offset = at;
        while (buffer.hasRemaining()) {
            int read = in.read(buffer, offset);
            if (read < 0) {
                return;
            }
            offset += read;
        }
    }

    /**
     * Writes what the journal holds in memory to a new file, forces it, and renames it over the
     * journal: a crash leaves either the old journal or the new one, both complete.
     */
    private void rewrite() throws IOException {
        FileChannel next = FileChannel.open(rewritePath, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        boolean replaced = false;
        try {
            lockOrRefuse(next);
            List<ByteBuffer> frames = new ArrayList<>();
            frames.add(JournalFrame.fileHeader());
            frames.add(JournalFrame.frame(JournalFrame.Kind.CHECKPOINT, lastSequence, lastTransactionId, null));
            for (JournalRecord record : prepared.values()) {
                frames.add(JournalFrame.frame(JournalFrame.Kind.PREPARE, 0, record.transactionId(), record.encode()));
            }
            for (var entry : committed.entrySet()) {
                frames.add(JournalFrame.frame(JournalFrame.Kind.COMMIT, entry.getKey(), entry.getValue().transactionId(),
                        entry.getValue().encode()));
            }
            long at = 0;
            for (ByteBuffer frame : frames) {
                int length = frame.remaining();
                writeFully(next, frame, at);
                at += length;
            }
            long newExtent = (at / EXTEND_STEP + 1) * EXTEND_STEP;
            writeFully(next, ByteBuffer.allocate(1), newExtent - 1);
            next.force(true);
            synchronized (forcing) {
                moveOver(rewritePath, path);
                forceDirectory(path.toAbsolutePath().getParent());
                FileChannel old = channel;
                channel = next;
                position = at;
                extent = newExtent;
                forced = appended; // all that matters of the old file is in the new one, forced
                replaced = true;
                if (old != null) {
                    old.close();
                }
            }
        } finally {
            if (!replaced) {
                next.close();
                Files.deleteIfExists(rewritePath);
            }
        }
    }

    private void lockOrRefuse(FileChannel file) throws IOException {
        if (file.tryLock() == null) {
            throw new RmsException(RmsStatus.IO, "journal " + path + " is in use by another process");
        }
    }

    private static void moveOver(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename durable: on Linux a directory is forced by forcing a channel opened on it. */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some systems cannot open a directory; the rename is then as durable as they make it.
        }
    }
}
