package dev.locksmith.rms.fields;

import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import java.util.regex.Pattern;

/**
 * One field of a record: {@code length} bytes from byte {@code offset}, holding a value of
 * {@code type}. Immutable value; the constructor checks the field on its own (name, length for the
 * type, scale) and throws {@link RmsException} {@link RmsStatus#FDL} naming it; how fields fit the
 * record and its keys is checked by {@link RecordDefinition}.
 *
 * @param name   an SQL-style identifier (letter or underscore, then letters, digits, {@code _} or {@code $}), at most 63 characters
 * @param type   the encoding
 * @param offset first byte, from 0
 * @param length bytes
 * @param scale  digits after the decimal point (PACKED, ZONED); 0 for every other type
 */
public record Field(String name, FieldType type, int offset, int length, int scale) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    public Field {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RmsException(RmsStatus.FDL, "field name '" + name + "' is not a name: a letter or _ then letters, digits,"
                    + " _ or $, at most 63 characters");
        }
        if (type == null) {
            throw new RmsException(RmsStatus.FDL, "field " + name + " has no type");
        }
        if (offset < 0) {
            throw new RmsException(RmsStatus.FDL, "field " + name + " starts at byte " + offset + "; offsets start at 0");
        }
        String problem = type.lengthProblem(length);
        if (problem != null) {
            throw new RmsException(RmsStatus.FDL, "field " + name + " is " + length + " bytes; " + problem);
        }
        if (!type.hasScale() && scale != 0) {
            throw new RmsException(RmsStatus.FDL, "field " + name + " has scale " + scale + "; only PACKED and ZONED fields have one");
        }
        if (scale < 0 || scale > digits(type, length)) {
            throw new RmsException(RmsStatus.FDL, "field " + name + " has scale " + scale + "; it must be 0.." + digits(type, length)
                    + ", the digits of a " + type + " field of " + length + " bytes");
        }
    }

    /** A field without a scale. */
    public Field(String name, FieldType type, int offset, int length) {
        this(name, type, offset, length, 0);
    }

    /** First byte after the field. */
    public int end() {
        return offset + length;
    }

    /** Decimal digits a PACKED or ZONED field holds; 0 for other types. */
    public int digits() {
        return digits(type, length);
    }

    private static int digits(FieldType type, int length) {
        return switch (type) {
            case PACKED -> 2 * length - 1;
            case ZONED -> length;
            default -> 0;
        };
    }

    /** The field as a line of a definition: {@code NAME TYPE OFFSET LENGTH [SCALE]}. */
    public String format() {
        return name + " " + type + " " + offset + " " + length + (type.hasScale() ? " " + scale : "");
    }

    /** Bytes as a range for messages: {@code bytes 8..27}. */
    String span() {
        return "bytes " + offset + ".." + (end() - 1);
    }
}
