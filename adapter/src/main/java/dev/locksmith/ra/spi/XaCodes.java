package dev.locksmith.ra.spi;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/** Names of XA error codes and flags, for messages and logs. Stateless utility. */
final class XaCodes {

    private XaCodes() {
    }

    static String name(int code) {
        return switch (code) {
            case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
            case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
            case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
            case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
            case XAException.XA_RBOTHER -> "XA_RBOTHER";
            case XAException.XA_RBPROTO -> "XA_RBPROTO";
            case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
            case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
            case XAException.XA_NOMIGRATE -> "XA_NOMIGRATE";
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> "XA error " + code;
        };
    }

    static String flags(int flags) {
        if (flags == XAResource.TMNOFLAGS) {
            return "TMNOFLAGS";
        }
        StringBuilder b = new StringBuilder();
        append(b, flags, XAResource.TMJOIN, "TMJOIN");
        append(b, flags, XAResource.TMRESUME, "TMRESUME");
        append(b, flags, XAResource.TMSUCCESS, "TMSUCCESS");
        append(b, flags, XAResource.TMFAIL, "TMFAIL");
        append(b, flags, XAResource.TMSUSPEND, "TMSUSPEND");
        append(b, flags, XAResource.TMSTARTRSCAN, "TMSTARTRSCAN");
        append(b, flags, XAResource.TMENDRSCAN, "TMENDRSCAN");
        append(b, flags, XAResource.TMONEPHASE, "TMONEPHASE");
        int known = XAResource.TMJOIN | XAResource.TMRESUME | XAResource.TMSUCCESS | XAResource.TMFAIL
                | XAResource.TMSUSPEND | XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN | XAResource.TMONEPHASE;
        if ((flags & ~known) != 0) {
            append(b, flags, flags & ~known, "0x" + Integer.toHexString(flags & ~known));
        }
        return b.toString();
    }

    private static void append(StringBuilder b, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (b.length() > 0) {
                b.append('|');
            }
            b.append(name);
        }
    }

    static boolean isRollbackCode(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }
}
