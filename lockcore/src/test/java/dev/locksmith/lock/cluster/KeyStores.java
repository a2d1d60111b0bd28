package dev.locksmith.lock.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/** Writes PKCS12 key stores with one secret key entry, as an operator's keytool -genseckey would. */
final class KeyStores {
    static final char[] PASSWORD = "store password".toCharArray();

    private KeyStores() {
    }

    static Path withNewKey(Path dir, String file, String alias, String algorithm, int bits)
            throws IOException, GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance(algorithm);
        generator.init(bits);
        return with(dir, file, alias, generator.generateKey());
    }

    static Path with(Path dir, String file, String alias, SecretKey key) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(PASSWORD));
        Path path = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, PASSWORD);
        }
        return path;
    }
}
