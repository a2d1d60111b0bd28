package dev.locksmith.ra.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The adapter's version, as the build wrote it into {@code locksmith-adapter.properties}. */
final class AdapterVersion {

    static final String VERSION = load();

    private AdapterVersion() {
    }

    private static String load() {
        try (InputStream in = AdapterVersion.class.getResourceAsStream("locksmith-adapter.properties")) {
            if (in == null) {
                throw new IllegalStateException("locksmith-adapter.properties is missing from the adapter jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read locksmith-adapter.properties", e);
        }
    }
}
