package dev.locksmith.lock.cluster;

import dev.locksmith.lock.LockException;
import dev.locksmith.lock.LockStatus;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.JChannel;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.stack.ProtocolStack;

/**
 * The cluster key and what it protects. A node made with a key encrypts and authenticates every
 * message of its own channel with it (JGroups' SYM_ENCRYPT, AES), so a node without the same key
 * can neither join the cluster nor inject requests. The key comes from a shared secret or from a
 * key store; bad input fails with BADPARAM naming what was wrong, and nothing is kept of a
 * secret but the key derived from it.
 *
 * <p>Stateless; every method is thread-safe and blocks only to read a key store file.
 */
final class ClusterSecurity {
    private ClusterSecurity() {
    }

    /** The AES-256 cluster key: SHA-256 of the shared secret's UTF-8 bytes (wiped after use). */
    static SecretKey keyFromSecret(char[] secret) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(utf8);
            return new SecretKeySpec(sha256.digest(), "AES");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        } finally {
            Arrays.fill(utf8.array(), (byte) 0);
        }
    }

    /**
     * The AES secret key entry {@code alias} of a PKCS12 (or, for a {@code .jceks} file, JCEKS)
     * key store, store and entry protected by {@code password}.
     *
     * @throws LockException BADPARAM naming the file and what is wrong: unreadable, wrong
     *                       password, no such secret key entry, or not an AES key
     */
    static SecretKey keyFromStore(Path file, String alias, char[] password) {
        KeyStore store;
        try (var in = Files.newInputStream(file)) {
            store = KeyStore.getInstance(file.toString().toLowerCase(Locale.ROOT).endsWith(".jceks") ? "JCEKS" : "PKCS12");
            store.load(in, password);
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new LockException(LockStatus.BADPARAM, "keyStore: cannot read '" + file + "' with the password given: " + e.getMessage());
        }
        try {
            if (!store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                throw new LockException(LockStatus.BADPARAM, "keyStore: '" + file + "' has no secret key entry '" + alias + "'");
            }
            var entry = (KeyStore.SecretKeyEntry) store.getEntry(alias, new KeyStore.PasswordProtection(password));
            SecretKey key = entry.getSecretKey();
            if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new LockException(LockStatus.BADPARAM, "keyStore: entry '" + alias + "' of '" + file + "' is a "
                        + key.getAlgorithm() + " key; the cluster needs an AES key");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new LockException(LockStatus.BADPARAM, "keyStore: cannot read entry '" + alias + "' of '" + file + "': " + e.getMessage());
        }
    }

    /**
     * Encrypts and authenticates every message of {@code channel} (made, not yet connected) with
     * {@code key}: SYM_ENCRYPT below NAKACK2, where JGroups places it.
     */
    static void protect(JChannel channel, SecretKey key) throws Exception {
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT().setSecretKey(key);
        channel.getProtocolStack().insertProtocol(encrypt, ProtocolStack.Position.BELOW, NAKACK2.class);
        encrypt.init(); // the stack initialised its protocols when the channel was made
    }
}
