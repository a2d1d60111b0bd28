package dev.locksmith.rms.fields;

import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeySegment;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a file's records, checked against the file's {@link FileDefinition}, and which
 * fields make each key. Immutable and thread-safe.
 *
 * <p><b>Text form</b> ({@link #parse}, {@link #format}): one field per line or per
 * {@code ;}-separated part, {@code NAME TYPE OFFSET LENGTH [SCALE]}, e.g.
 * {@code ID INTEGER 0 8; NAME TEXT 8 20; BALANCE PACKED 28 8 2; OPENED DATE 36 8}. Types are the
 * {@link FieldType} names; SCALE is given for PACKED and ZONED only; {@code #} starts a comment.
 *
 * <p><b>Rules</b>, each broken one an {@link RmsException} {@link RmsStatus#FDL} naming the field:
 * at least one field; names unique (ignoring case); every field inside the record size; fields do
 * not overlap. Indexed files: a field that touches a key segment must be exactly that segment; the
 * segments of key 0 must all be fields (SQL's primary key); an alternate key is mapped if all its
 * segments are fields, unmapped (not usable for lookups) if none is, and wrong if only some are. A
 * field on an integer key has that key's signedness: INTEGER on INT2/4/8, UNSIGNED on BIN2/4/8.
 */
public final class RecordDefinition {
    private final List<Field> fields;
    private final Map<String, Field> byName = new HashMap<>();
    /** Per key of reference: its fields in segment order, or empty if unmapped. */
    private final List<List<Field>> keyFields = new ArrayList<>();
    private final List<Boolean> keyOrdered = new ArrayList<>();

    private RecordDefinition(List<Field> fields, FileDefinition file) {
        if (fields.isEmpty()) {
            throw new RmsException(RmsStatus.FDL, "a record definition needs at least one field");
        }
        this.fields = List.copyOf(fields);
        for (Field field : this.fields) {
            Field before = byName.put(field.name().toUpperCase(Locale.ROOT), field);
            if (before != null) {
                throw new RmsException(RmsStatus.FDL, "field " + field.name() + " is defined twice (also as " + before.name() + ")");
            }
            if (field.end() > file.recordSize()) {
                throw new RmsException(RmsStatus.FDL, "field " + field.name() + " (" + field.span() + ") ends beyond the record size "
                        + file.recordSize());
            }
            for (Field other : this.fields) {
                if (other != field && other.offset() < field.end() && field.offset() < other.end()
                        && this.fields.indexOf(other) < this.fields.indexOf(field)) {
                    throw new RmsException(RmsStatus.FDL, "field " + field.name() + " (" + field.span() + ") overlaps field "
                            + other.name() + " (" + other.span() + ")");
                }
            }
        }
        if (file.organization() == Organization.INDEXED) {
            for (KeyDefinition key : file.keys()) {
                mapKey(key);
            }
        }
    }

    /** The definition of {@code fields} for records of {@code file}; FDL naming the field that breaks a rule. */
    public static RecordDefinition of(List<Field> fields, FileDefinition file) {
        if (fields == null || file == null) {
            throw new RmsException(RmsStatus.IAL, (fields == null ? "fields" : "file") + " is null");
        }
        return new RecordDefinition(fields, file);
    }

    /** Parses the text form (see the class comment) for records of {@code file}; FDL naming the line or field that is wrong. */
    public static RecordDefinition parse(String text, FileDefinition file) {
        if (text == null) {
            throw new RmsException(RmsStatus.IAL, "record definition text is null");
        }
        List<Field> fields = new ArrayList<>();
        for (String part : text.split("[;\n]")) {
            int comment = part.indexOf('#');
            String line = (comment >= 0 ? part.substring(0, comment) : part).strip();
            if (line.isEmpty()) {
                continue;
            }
            fields.add(parseField(line));
        }
        return of(fields, file);
    }

    private static Field parseField(String line) {
        String[] words = line.split("\\s+");
        if (words.length < 4 || words.length > 5) {
            throw new RmsException(RmsStatus.FDL, "'" + line + "' is not a field: write NAME TYPE OFFSET LENGTH [SCALE]");
        }
        FieldType type;
        try {
            type = FieldType.valueOf(words[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RmsException(RmsStatus.FDL, "field " + words[0] + " has unknown type " + words[1] + "; types are "
                    + java.util.Arrays.toString(FieldType.values()));
        }
        return new Field(words[0], type, number(words, 2, "offset"), number(words, 3, "length"),
                words.length == 5 ? number(words, 4, "scale") : 0);
    }

    private static int number(String[] words, int index, String what) {
        try {
            return Integer.parseInt(words[index]);
        } catch (NumberFormatException e) {
            throw new RmsException(RmsStatus.FDL, "field " + words[0] + " has " + what + " '" + words[index] + "', not a number");
        }
    }

    private void mapKey(KeyDefinition key) {
        List<Field> mapped = new ArrayList<>();
        String unmapped = null;
        for (int s = 0; s < key.segments().size(); s++) {
            KeySegment segment = key.segments().get(s);
            String segmentName = "key " + key.number() + " segment " + s + " (bytes " + segment.position() + ".."
                    + (segment.end() - 1) + ")";
            Field exact = null;
            for (Field field : fields) {
                boolean overlaps = field.offset() < segment.end() && segment.position() < field.end();
                if (!overlaps) {
                    continue;
                }
                if (field.offset() != segment.position() || field.length() != segment.length()) {
                    throw new RmsException(RmsStatus.FDL, "field " + field.name() + " (" + field.span() + ") overlaps " + segmentName
                            + " but is not exactly that segment; a field on a key must be the whole segment");
                }
                exact = field;
            }
            if (exact == null) {
                unmapped = segmentName;
            } else {
                checkKeyType(key, exact);
                mapped.add(exact);
            }
        }
        if (unmapped != null && (key.number() == 0 || !mapped.isEmpty())) {
            throw new RmsException(RmsStatus.FDL, unmapped + " is no field" + (key.number() == 0
                    ? "; every segment of the primary key must be a field" : ", but field " + mapped.get(0).name()
                    + " is on the same key; define every segment of a key as a field, or none"));
        }
        keyFields.add(List.copyOf(mapped));
        keyOrdered.add(!mapped.isEmpty() && mapped.size() == 1 && !key.descending() && ordersLikeKey(key.type(), mapped.get(0).type()));
    }

    private static void checkKeyType(KeyDefinition key, Field field) {
        boolean signedKey = key.type() == KeyType.INT2 || key.type() == KeyType.INT4 || key.type() == KeyType.INT8;
        boolean unsignedKey = key.type() == KeyType.BIN2 || key.type() == KeyType.BIN4 || key.type() == KeyType.BIN8;
        if ((signedKey && field.type() != FieldType.INTEGER) || (unsignedKey && field.type() != FieldType.UNSIGNED)) {
            throw new RmsException(RmsStatus.FDL, "field " + field.name() + " is " + field.type() + " but key " + key.number()
                    + " is of type " + key.type() + "; a field on it must be " + (signedKey ? FieldType.INTEGER : FieldType.UNSIGNED));
        }
    }

    /** Whether the key's byte order is the field values' order, so a range of values is a range of the key. */
    private static boolean ordersLikeKey(KeyType keyType, FieldType fieldType) {
        return switch (keyType) {
            case STRING -> fieldType == FieldType.TEXT || fieldType == FieldType.UNSIGNED || fieldType == FieldType.DATE;
            default -> true; // checkKeyType made the signedness match
        };
    }

    /** The fields in definition order. */
    public List<Field> fields() {
        return fields;
    }

    /** The field called {@code name} (ignoring case). */
    public Optional<Field> field(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name.toUpperCase(Locale.ROOT)));
    }

    /** How many keys the file has (0 unless indexed). */
    public int keyCount() {
        return keyFields.size();
    }

    /** The fields that make key {@code keyOfReference}, in segment order; empty if that key has no fields. KRF if there is no such key. */
    public List<Field> keyFields(int keyOfReference) {
        if (keyOfReference < 0 || keyOfReference >= keyFields.size()) {
            throw new RmsException(RmsStatus.KRF, "key of reference " + keyOfReference + " does not exist; the file has "
                    + keyFields.size() + " key(s)");
        }
        return keyFields.get(keyOfReference);
    }

    /**
     * Whether key {@code keyOfReference} is one ascending field whose values the key orders as the
     * values themselves order, so that a range of values can be read as a GE lookup and next.
     */
    public boolean rangeOrdered(int keyOfReference) {
        keyFields(keyOfReference);
        return keyOrdered.get(keyOfReference);
    }

    /** The key value of {@code keyOfReference} for the given field values (one per key field, in order); IAL if one does not fit. */
    public byte[] keyValue(int keyOfReference, List<?> values) {
        List<Field> parts = keyFields(keyOfReference);
        if (parts.isEmpty() || values.size() != parts.size()) {
            throw new RmsException(RmsStatus.KEY, "key " + keyOfReference + " is made of " + parts.size() + " field(s); "
                    + values.size() + " value(s) given");
        }
        int length = 0;
        for (Field part : parts) {
            length += part.length();
        }
        byte[] key = new byte[length];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            byte[] bytes = FieldCodec.bytes(parts.get(i), values.get(i));
            System.arraycopy(bytes, 0, key, at, bytes.length);
            at += bytes.length;
        }
        return key;
    }

    /** Every field's value in {@code record}, in definition order (see {@link FieldCodec#decode}). */
    public Object[] decode(byte[] record) {
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = FieldCodec.decode(fields.get(i), record);
        }
        return values;
    }

    /**
     * A record of {@code recordLength} bytes holding {@code values} (one per field, in definition
     * order); bytes no field covers are spaces. IAL naming the field whose value does not fit.
     */
    public byte[] encode(Object[] values, int recordLength) {
        if (values.length != fields.size()) {
            throw new RmsException(RmsStatus.IAL, fields.size() + " field values expected, " + values.length + " given");
        }
        byte[] record = new byte[recordLength];
        java.util.Arrays.fill(record, (byte) ' ');
        for (int i = 0; i < values.length; i++) {
            FieldCodec.encode(fields.get(i), values[i], record);
        }
        return record;
    }

    /** The text form, one field per line; {@link #parse} reads it back to an equal definition. */
    public String format() {
        StringBuilder text = new StringBuilder();
        for (Field field : fields) {
            text.append(field.format()).append('\n');
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordDefinition definition && fields.equals(definition.fields) && keyFields.equals(definition.keyFields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "RecordDefinition" + fields;
    }
}
