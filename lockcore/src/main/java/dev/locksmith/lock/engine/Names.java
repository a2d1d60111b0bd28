package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.nio.charset.StandardCharsets;

/**
 * Resource names: stored as UTF-8 bytes (at most {@value #MAX_BYTES}) and hashed with
 * {@link String#hashCode()}, which the String caches. A request's name is compared with a
 * resource's in one pass and no allocation; its byte length is checked only when it makes a new
 * resource, since every stored name already passed that check.
 */
final class Names {
    /** The longest name, in UTF-8 bytes. */
    static final int MAX_BYTES = 255;

    private Names() {
    }

    /** Refuses a missing or empty name with {@link LockStatus#IVRESNAM}. */
    static void checkPresent(String name) {
        if (name == null) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null");
        }
        if (name.isEmpty()) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be empty");
        }
    }

    /** Checks {@code name} completely and returns its UTF-8 bytes, for a new resource. */
    static byte[] encode(String name) {
        checkPresent(name);
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_BYTES) {
            throw new LockException(LockStatus.IVRESNAM, "name is " + utf8.length + " bytes long, more than "
                    + MAX_BYTES + ": '" + name.substring(0, 20) + "…'");
        }
        return utf8;
    }

    /**
     * Whether {@code stored} (UTF-8) is {@code name}. Equal lengths in bytes and chars mean the
     * stored name is ASCII (any other char takes two or more bytes), so one char-by-byte pass
     * decides; otherwise only a non-ASCII name can match, and it is decoded.
     */
    static boolean matches(byte[] stored, String name) {
        int length = stored.length;
        if (length == name.length()) {
            for (int i = 0; i < length; i++) {
                if (stored[i] != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return length > name.length() && toString(stored).equals(name);
    }

    static String toString(byte[] stored) {
        return new String(stored, StandardCharsets.UTF_8);
    }
}
