package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.nio.charset.StandardCharsets;

/**
 * Resource names: at most {@value #MAX_BYTES} bytes in UTF-8, hashed with
 * {@link String#hashCode()}, which the String caches. A resource keeps the String of the
 * request that made it, so a request naming it again with the same String (the usual case: a
 * constant, or a name the application keeps) matches by identity, and an equal String by
 * {@link String#equals}, both without decoding anything. The byte length is checked only when
 * a request makes a new resource, since every stored name already passed that check.
 */
final class Names {
    /** The longest name, in UTF-8 bytes. */
    static final int MAX_BYTES = 255;
    /** No char takes more than 3 UTF-8 bytes (a surrogate pair takes 4 for its 2 chars), so names this short need no encoding to check. */
    private static final int SURELY_SHORT_CHARS = MAX_BYTES / 3;

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

    /** Checks {@code name} completely, for a new resource: present and at most {@value #MAX_BYTES} UTF-8 bytes. */
    static void check(String name) {
        checkPresent(name);
        if (name.length() <= SURELY_SHORT_CHARS) {
            return;
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new LockException(LockStatus.IVRESNAM, "name is " + bytes + " bytes long, more than "
                    + MAX_BYTES + ": '" + name.substring(0, 20) + "…'");
        }
    }
}
