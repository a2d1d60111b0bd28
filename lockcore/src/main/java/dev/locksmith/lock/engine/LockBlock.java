package dev.locksmith.lock.engine;

import dev.locksmith.lock.BlockingHandler;
import dev.locksmith.lock.Lock;
import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockInfo;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockOwner;
import dev.locksmith.lock.LockQueue;
import dev.locksmith.lock.LockStatus;
import dev.locksmith.lock.Namespace;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The engine's lock block and the caller's {@link Lock} handle in one object, so a granted lock
 * costs one allocation. Queue and state fields are guarded by the lock of the stripe of
 * {@link #resource}; the owner-list link belongs to {@link Owner}'s lock-free list. Modes are stored as ordinals
 * (-1 = none) and flags as a byte to keep the block small (an application may hold millions of locks). For the same
 * reason what most locks never use (an id, a value block, a blocking handler, a waiting request,
 * sublocks) is in an {@link Extras} object made on first use: a plain granted lock is 56 bytes
 * instead of 80, which pays for the resource keeping its name's String (see {@link Names}).
 */
public final class LockBlock implements Lock {
    static final byte NO_MODE = -1;

    static final byte F_VALBLK = 1;
    static final byte F_XVALBLK = 2;
    static final byte F_NODLCKWT = 4;
    static final byte F_NODLCKBLK = 8;
    static final byte F_NOORDER = 16;

    private static final LockStatus[] STATUSES = LockStatus.values();
    /** Bit {@code n} is set if the status of ordinal {@code n} is granted. */
    private static final long GRANTED_STATUSES = grantedStatuses();
    private static final VarHandle EXTRAS;
    private static final VarHandle ID;
    private static final VarHandle SUBLOCKS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            EXTRAS = lookup.findVarHandle(LockBlock.class, "extras", Extras.class);
            ID = lookup.findVarHandle(Extras.class, "id", long.class);
            SUBLOCKS = lookup.findVarHandle(Extras.class, "subLocks", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The state of {@link LockBlock} that most locks never need; made on first use, kept for the lock's life. */
    private static final class Extras {
        /** Assigned on first use: ids cost nothing until someone looks. */
        volatile long id;
        /** The value block staged for writing or read on a grant; guarded by the stripe. */
        byte[] lksb;
        /** Guarded by the stripe once the lock has reached the engine. */
        BlockingHandler blockingHandler;
        /** The request that waits, if any; guarded by the stripe, read racily by the deadlock detector. */
        Pending pending;
        /** Live sublocks: counted up under this lock's stripe, down from the sublock's stripe. */
        volatile int subLocks;
    }

    final Owner owner;
    final LockBlock parent;
    /** Set once, under the stripe lock, when the request reaches the engine. */
    Resource resource;

    LockBlock qPrev;
    LockBlock qNext;
    /** Next (older) lock in the owner's list. */
    LockBlock oNext;

    byte granted = NO_MODE;
    byte requested = NO_MODE;
    byte queue = Resource.NO_QUEUE;
    /** The highest mode a blocking callback was sent for since the last grant. */
    byte highBast = NO_MODE;
    byte flags;
    private byte status = (byte) LockStatus.NORMAL.ordinal();
    /** Set, under the stripe, when the lock has left every queue for good; read racily by the owner's list. */
    boolean dead;

    long fence;
    /**
     * Null until first needed. Made by CAS, since {@link #id()} makes it without the stripe;
     * volatile, since {@link #id()} and the deadlock detector read it without the stripe.
     */
    private volatile Extras extras;

    private static long grantedStatuses() {
        if (STATUSES.length > Long.SIZE) {
            throw new ExceptionInInitializerError("more lock statuses than bits in a long");
        }
        long bits = 0;
        for (LockStatus s : STATUSES) {
            if (s.isGranted()) {
                bits |= 1L << s.ordinal();
            }
        }
        return bits;
    }

    LockBlock(Owner owner, LockBlock parent) {
        this.owner = owner;
        this.parent = parent;
    }

    /** The flag bits a request leaves on its lock. */
    static byte flagBits(dev.locksmith.lock.LockRequest request) {
        return flagBits(request.flagBits());
    }

    /** The flag bits a request with {@code requestFlags} ({@link dev.locksmith.lock.LockRequest#flagBits()}) leaves on its lock. */
    static byte flagBits(int requestFlags) {
        byte bits = 0;
        if (Engine.has(requestFlags, dev.locksmith.lock.LockFlag.XVALBLK)) {
            bits |= F_XVALBLK | F_VALBLK;
        } else if (Engine.has(requestFlags, dev.locksmith.lock.LockFlag.VALBLK)) {
            bits |= F_VALBLK;
        }
        if (Engine.has(requestFlags, dev.locksmith.lock.LockFlag.NODLCKWT)) {
            bits |= F_NODLCKWT;
        }
        if (Engine.has(requestFlags, dev.locksmith.lock.LockFlag.NODLCKBLK)) {
            bits |= F_NODLCKBLK;
        }
        if (Engine.has(requestFlags, dev.locksmith.lock.LockFlag.NOORDER)) {
            bits |= F_NOORDER;
        }
        return bits;
    }

    private Extras extras() {
        Extras e = extras;
        if (e == null) {
            Extras fresh = new Extras();
            e = (Extras) EXTRAS.compareAndExchange(this, null, fresh);
            if (e == null) {
                e = fresh;
            }
        }
        return e;
    }

    /** Counts a new sublock; the caller holds this lock's stripe. */
    void addSubLock() {
        SUBLOCKS.getAndAdd(extras(), 1);
    }

    /** Uncounts a sublock that {@link #addSubLock()} counted, so the extras are there. */
    void releaseSubLock() {
        SUBLOCKS.getAndAdd(extras, -1);
    }

    int subLocks() {
        Extras e = extras;
        return e == null ? 0 : e.subLocks;
    }

    /** The value block this lock staged or read, or null; the caller holds the stripe. */
    byte[] lksb() {
        Extras e = extras;
        return e == null ? null : e.lksb;
    }

    void lksb(byte[] value) {
        extras().lksb = value;
    }

    BlockingHandler blockingHandler() {
        Extras e = extras;
        return e == null ? null : e.blockingHandler;
    }

    void blockingHandler(BlockingHandler handler) {
        extras().blockingHandler = handler;
    }

    /** The request of this lock that waits, or null; the caller holds the stripe (the deadlock detector reads it racily, then checks again under it). */
    Pending pending() {
        Extras e = extras;
        return e == null ? null : e.pending;
    }

    void pending(Pending p) {
        extras().pending = p;
    }

    LockStatus statusValue() {
        return STATUSES[status];
    }

    /** Whether {@link #statusValue()} is a granted status, without loading the enum constant. */
    boolean statusGranted() {
        return (GRANTED_STATUSES & (1L << status)) != 0;
    }

    void status(LockStatus s) {
        status = (byte) s.ordinal();
    }

    boolean has(byte flag) {
        return (flags & flag) != 0;
    }

    /** The value block length the lock's current request uses, 0 if none. */
    int valueBlockLength() {
        return has(F_XVALBLK) ? Resource.MAX_VALUE_BLOCK : has(F_VALBLK) ? Resource.SHORT_VALUE_BLOCK : 0;
    }

    int depth() {
        int d = 0;
        for (LockBlock p = parent; p != null; p = p.parent) {
            d++;
        }
        return d;
    }

    private Stripe stripe() {
        return owner.engine.stripeOf(this);
    }

    @Override
    public long id() {
        Extras e = extras();
        long v = e.id;
        if (v == 0) {
            long fresh = owner.engine.nextLockId();
            v = ID.compareAndSet(e, 0L, fresh) ? fresh : e.id;
        }
        return v;
    }

    @Override
    public String resourceName() {
        Resource r = resource;
        return r == null ? "" : r.name;
    }

    @Override
    public Namespace namespace() {
        Resource r = resource;
        return r == null ? null : r.namespace();
    }

    @Override
    public Optional<Lock> parent() {
        return Optional.ofNullable(parent);
    }

    @Override
    public LockOwner owner() {
        return owner;
    }

    @Override
    public LockMode grantedMode() {
        Stripe s = stripe();
        s.lock();
        try {
            return granted < 0 ? null : LockMode.ofOrdinal(granted);
        } finally {
            s.unlock();
        }
    }

    @Override
    public LockMode requestedMode() {
        Stripe s = stripe();
        s.lock();
        try {
            return requested < 0 ? null : LockMode.ofOrdinal(requested);
        } finally {
            s.unlock();
        }
    }

    @Override
    public Optional<LockQueue> queue() {
        Stripe s = stripe();
        s.lock();
        try {
            return Optional.ofNullable(queueOf(queue));
        } finally {
            s.unlock();
        }
    }

    static LockQueue queueOf(byte queue) {
        return switch (queue) {
            case Resource.GRANTED -> LockQueue.GRANTED;
            case Resource.CONVERTING -> LockQueue.CONVERTING;
            case Resource.WAITING -> LockQueue.WAITING;
            default -> null;
        };
    }

    @Override
    public LockStatus status() {
        Stripe s = stripe();
        s.lock();
        try {
            return statusValue();
        } finally {
            s.unlock();
        }
    }

    @Override
    public long fencingToken() {
        Stripe s = stripe();
        s.lock();
        try {
            return fence;
        } finally {
            s.unlock();
        }
    }

    @Override
    public byte[] valueBlock() {
        Stripe s = stripe();
        s.lock();
        try {
            byte[] value = lksb();
            return value == null ? new byte[0] : value.clone();
        } finally {
            s.unlock();
        }
    }

    @Override
    public void setValueBlock(byte[] value) {
        if (value == null || (value.length != Resource.SHORT_VALUE_BLOCK && value.length != Resource.MAX_VALUE_BLOCK)) {
            throw new LockException(LockStatus.IVBUFLEN, "value must be 16 or 64 bytes long, was "
                    + (value == null ? "null" : value.length + " bytes"));
        }
        Stripe s = stripe();
        s.lock();
        try {
            lksb(value.clone());
        } finally {
            s.unlock();
        }
    }

    @Override
    public java.util.concurrent.CompletionStage<Lock> completion() {
        return owner.engine.completion(this);
    }

    @Override
    public LockInfo info() {
        return owner.engine.info(this);
    }

    /**
     * The resource, the mode held ({@code PR}), converting ({@code PR->EX}) or waited for
     * ({@code waiting EX}), and the owner. Reads the modes without the stripe lock (a log line or a
     * debugger may call it under that non-reentrant lock), so a concurrent change may show half done.
     */
    @Override
    public String toString() {
        byte held = granted;
        byte wanted = requested;
        String modes = held < 0 ? (wanted < 0 ? "no mode" : "waiting " + LockMode.ofOrdinal(wanted))
                : wanted < 0 || wanted == held ? LockMode.ofOrdinal(held).name()
                : LockMode.ofOrdinal(held) + "->" + LockMode.ofOrdinal(wanted);
        return "Lock[" + resourceName() + " " + modes + " owner=" + owner.name() + "]";
    }
}
