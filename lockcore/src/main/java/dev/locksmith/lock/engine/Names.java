package dev.locksmith.lock.engine;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.nio.charset.StandardCharsets;

/**
 * Resource names: stored as UTF-8 bytes (at most {@value #MAX_BYTES}), compared and hashed
 * without allocating when the name is ASCII, which is the common case.
 */
final class Names {
    /** The longest name, in UTF-8 bytes. */
    static final int MAX_BYTES = 255;

    private Names() {
    }

    /**
     * Checks {@code name} and returns its UTF-8 bytes, or null when the name is ASCII (then the
     * String itself is compared and its cached hash code is the byte hash).
     */
    static byte[] encodeIfNotAscii(String name) {
        if (name == null) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be null");
        }
        int length = name.length();
        if (length == 0) {
            throw new LockException(LockStatus.IVRESNAM, "name must not be empty");
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) >= 0x80) {
                byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
                checkLength(name, utf8.length);
                return utf8;
            }
        }
        checkLength(name, length);
        return null;
    }

    private static void checkLength(String name, int bytes) {
        if (bytes > MAX_BYTES) {
            throw new LockException(LockStatus.IVRESNAM, "name is " + bytes + " bytes long, more than "
                    + MAX_BYTES + ": '" + name.substring(0, 20) + "…'");
        }
    }

    /** The hash of a name: {@link String#hashCode()} of its chars, which for ASCII equals the byte hash. */
    static int hash(String name, byte[] utf8) {
        return utf8 == null ? name.hashCode() : hash(utf8);
    }

    static int hash(byte[] bytes) {
        int h = 0;
        for (byte b : bytes) {
            h = 31 * h + (b & 0xff);
        }
        return h;
    }

    static byte[] bytes(String name, byte[] utf8) {
        return utf8 != null ? utf8 : name.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether stored bytes are the name given as {@code name} (ASCII) or {@code utf8}. */
    static boolean matches(byte[] stored, String name, byte[] utf8) {
        if (utf8 != null) {
            return java.util.Arrays.equals(stored, utf8);
        }
        int length = stored.length;
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (stored[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String toString(byte[] stored) {
        return new String(stored, StandardCharsets.UTF_8);
    }
}
