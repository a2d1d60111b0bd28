package dev.locksmith.rms.fdl;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeySegment;
import java.util.Locale;

/**
 * Writes a {@link FileDefinition} as FDL text that {@link FdlParser} reads back to an equal
 * definition. Stateless and thread-safe.
 */
public final class FdlWriter {

    private FdlWriter() {
    }

    /** The FDL text of {@code definition}: a FILE, a RECORD and a KEY section per key, one attribute a line. */
    public static String write(FileDefinition definition) {
        StringBuilder out = new StringBuilder();
        out.append("FILE\n");
        if (!definition.name().isEmpty()) {
            attribute(out, "NAME", quote(definition.name()));
        }
        attribute(out, "ORGANIZATION", lower(definition.organization()));
        attribute(out, "BUCKET_SIZE", definition.bucketSize());
        if (definition.globalBufferCount() > 0) {
            attribute(out, "GLOBAL_BUFFER_COUNT", definition.globalBufferCount());
        }
        out.append("\nRECORD\n");
        attribute(out, "FORMAT", lower(definition.format()));
        attribute(out, "SIZE", definition.recordSize());
        for (KeyDefinition key : definition.keys()) {
            out.append("\nKEY ").append(key.number()).append('\n');
            attribute(out, "CHANGES", yesNo(key.changes()));
            attribute(out, "DATA_FILL", key.dataFill());
            attribute(out, "DUPLICATES", yesNo(key.duplicates()));
            attribute(out, "INDEX_FILL", key.indexFill());
            if (!key.name().isEmpty()) {
                attribute(out, "NAME", quote(key.name()));
            }
            for (int i = 0; i < key.segments().size(); i++) {
                KeySegment segment = key.segments().get(i);
                attribute(out, "SEG" + i + "_LENGTH", segment.length());
                attribute(out, "SEG" + i + "_POSITION", segment.position());
            }
            attribute(out, "TYPE", (key.descending() ? "d" : "") + lower(key.type()));
        }
        return out.toString();
    }

    private static void attribute(StringBuilder out, String name, Object value) {
        out.append("        ").append(String.format(Locale.ROOT, "%-24s", name)).append(value).append('\n');
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String quote(String text) {
        return '"' + text.replace("\"", "'") + '"';
    }
}
