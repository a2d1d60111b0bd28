package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockFlag;
import dev.locksmith.lock.LockMode;
import dev.locksmith.lock.LockRequest;
import dev.locksmith.lock.LockStatus;

/**
 * The checks of a {@link LockRequest} that need no engine state: flag combinations, mode,
 * timeout, name. Made before anything changes, by every lock manager (embedded or cluster) so a
 * bad request fails the same way everywhere. Stateless and thread-safe; each method throws a
 * {@link LockException} naming the bad argument, or returns normally.
 */
public final class RequestChecks {
    private RequestChecks() {
    }

    /** The value block length a request's VALBLK (16) or XVALBLK (64) flag asks for, 0 if neither. */
    public static int valueLength(LockRequest request) {
        return request.has(LockFlag.XVALBLK) ? Resource.MAX_VALUE_BLOCK
                : request.has(LockFlag.VALBLK) ? Resource.SHORT_VALUE_BLOCK : 0;
    }

    /**
     * The value block length a dequeue writes (0, 16 or 64); a dequeue takes only VALBLK or
     * XVALBLK ({@link LockStatus#BADPARAM} otherwise).
     */
    public static int dequeueValueLength(LockFlag... flags) {
        int valueLength = 0;
        for (LockFlag f : flags) {
            if (f == null) {
                throw new LockException(LockStatus.BADPARAM, "flags must not contain null");
            }
            switch (f) {
                case VALBLK -> valueLength = Math.max(valueLength, Resource.SHORT_VALUE_BLOCK);
                case XVALBLK -> valueLength = Resource.MAX_VALUE_BLOCK;
                default -> throw new LockException(LockStatus.BADPARAM,
                        "flags: a dequeue takes only VALBLK or XVALBLK, not " + f);
            }
        }
        return valueLength;
    }

    /** Checks a resource name: not null, not empty, at most 255 UTF-8 bytes ({@link LockStatus#IVRESNAM}). */
    public static void checkName(String name) {
        Names.check(name);
    }

    /**
     * Checks a new request, all but its parent (which only the lock manager that made it can
     * judge).
     */
    public static void checkNew(LockRequest request) {
        if (request == null) {
            throw new LockException(LockStatus.BADPARAM, "request must not be null");
        }
        checkNew(request.name(), request.mode(), request.flagBits(), request.timeoutNanos());
    }

    /**
     * {@link #checkNew(LockRequest)} for a request given by its fields ({@code flagBits} as
     * {@link LockRequest#flagBits()}, {@code timeoutNanos} as {@link LockRequest#timeoutNanos()}),
     * with the same failures: for a caller that has no {@link LockRequest} to hand.
     */
    public static void checkNew(String name, LockMode mode, int flagBits, long timeoutNanos) {
        checkCommon(mode, timeoutNanos);
        if (name == null) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null (a conversion request was given to enqueue)");
        }
        if (Engine.has(flagBits, LockFlag.EXPEDITE)) {
            if (mode != LockMode.NL) {
                throw new LockException(LockStatus.BADPARAM, "flags: EXPEDITE applies only to NL requests, not " + mode);
            }
            if (Engine.has(flagBits, LockFlag.NOQUEUE)) {
                throw new LockException(LockStatus.BADPARAM, "flags: EXPEDITE with NOQUEUE makes no sense (an expedited NL never queues)");
            }
        }
        if (Engine.has(flagBits, LockFlag.QUECVT)) {
            throw new LockException(LockStatus.BADPARAM, "flags: QUECVT applies only to conversions");
        }
        if (Engine.has(flagBits, LockFlag.NOORDER) && Engine.has(flagBits, LockFlag.EXPEDITE)) {
            throw new LockException(LockStatus.BADPARAM, "flags: EXPEDITE with NOORDER makes no sense (an expedited NL skips the queues anyway)");
        }
        if (Engine.has(flagBits, LockFlag.SYSTEM) && Engine.has(flagBits, LockFlag.LOCAL)) {
            throw new LockException(LockStatus.BADPARAM, "flags: SYSTEM and LOCAL are different namespaces; give one");
        }
    }

    /** Checks a conversion request. */
    public static void checkConversion(LockRequest request) {
        checkCommon(request);
        if (request.name() != null) {
            throw new LockException(LockStatus.BADPARAM, "a conversion takes no name; use LockRequest.conversionTo(mode)");
        }
        if (request.parent() != null) {
            throw new LockException(LockStatus.BADPARAM, "a conversion takes no parent: the lock keeps its own");
        }
        for (LockFlag f : new LockFlag[] {LockFlag.EXPEDITE, LockFlag.SYSTEM, LockFlag.LOCAL}) {
            if (request.has(f)) {
                throw new LockException(LockStatus.BADPARAM, "flags: " + f + " applies only to new requests, not conversions");
            }
        }
        if (request.has(LockFlag.NOORDER) && request.has(LockFlag.QUECVT)) {
            throw new LockException(LockStatus.BADPARAM,
                    "flags: NOORDER with QUECVT contradict each other (QUECVT asks to queue in order, NOORDER to ignore the order)");
        }
        if (request.has(LockFlag.NOQUEUE) && request.has(LockFlag.QUECVT)) {
            throw new LockException(LockStatus.BADPARAM,
                    "flags: NOQUEUE with QUECVT makes no sense (QUECVT asks to queue, NOQUEUE refuses to)");
        }
    }

    /**
     * For each granted mode (by ordinal), the modes a conversion with QUECVT may ask for: the
     * VMS table of legal QUECVT conversions (Linux {@code __quecvt_compat_matrix}). Only
     * conversions that can be blocked by a mode the granted one is not are in it: no
     * down-conversion, no conversion to the same mode.
     */
    private static final int[] QUECVT_TARGETS = {
        modes(LockMode.CR, LockMode.CW, LockMode.PR, LockMode.PW, LockMode.EX), // from NL
        modes(LockMode.CW, LockMode.PR, LockMode.PW, LockMode.EX),              // from CR
        modes(LockMode.PR, LockMode.PW, LockMode.EX),                           // from CW
        modes(LockMode.CW, LockMode.PW, LockMode.EX),                           // from PR
        modes(LockMode.EX),                                                     // from PW
        0,                                                                      // from EX
    };

    private static int modes(LockMode... modes) {
        int mask = 0;
        for (LockMode m : modes) {
            mask |= 1 << m.ordinal();
        }
        return mask;
    }

    /**
     * Checks QUECVT on a conversion of a lock granted {@code granted}: allowed only for the
     * conversions in the VMS table of legal QUECVT conversions, otherwise {@link LockStatus#BADPARAM}
     * (VMS {@code SS$_BADPARAM}). So a down-conversion or a conversion to the same mode can never
     * be made to queue.
     */
    public static void checkQuecvt(LockMode granted, LockRequest conversion) {
        if (conversion.has(LockFlag.QUECVT) && (QUECVT_TARGETS[granted.ordinal()] & (1 << conversion.mode().ordinal())) == 0) {
            throw new LockException(LockStatus.BADPARAM, "flags: QUECVT is not allowed on a conversion from " + granted
                    + " to " + conversion.mode() + " (only NL to CR/CW/PR/PW/EX, CR to CW/PR/PW/EX, CW to PR/PW/EX,"
                    + " PR to CW/PW/EX and PW to EX queue)");
        }
    }

    private static void checkCommon(LockRequest request) {
        if (request == null) {
            throw new LockException(LockStatus.BADPARAM, "request must not be null");
        }
        checkCommon(request.mode(), request.timeoutNanos());
    }

    private static void checkCommon(LockMode mode, long timeoutNanos) {
        if (mode == null) {
            throw new LockException(LockStatus.IVMODE, "mode must not be null");
        }
        if (timeoutNanos == -2) {
            throw new LockException(LockStatus.BADPARAM, "timeout must not be null");
        }
        if (timeoutNanos == -3) {
            throw new LockException(LockStatus.BADPARAM, "timeout must not be negative");
        }
    }
}
