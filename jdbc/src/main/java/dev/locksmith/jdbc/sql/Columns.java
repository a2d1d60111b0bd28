package dev.locksmith.jdbc.sql;

import dev.locksmith.rms.fields.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Calendar;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL face of a record field: its column type, and its value as Calcite's runtime holds it
 * (TINYINT {@link Byte}, SMALLINT {@link Short}, INTEGER {@link Integer}, BIGINT {@link Long},
 * DECIMAL {@link BigDecimal}, VARCHAR {@link String}, DATE an {@link Integer} of days since
 * 1970-01-01) against the plain value {@link dev.locksmith.rms.fields.FieldCodec} reads and writes.
 * Stateless.
 *
 * <p>Types: TEXT → VARCHAR(length) (without the length while a change is planned, see
 * {@link StoreSession#assigning()}); INTEGER of 1/2/4/8 bytes → TINYINT/SMALLINT/INTEGER/BIGINT;
 * UNSIGNED of 1/2/4/8 bytes → SMALLINT/INTEGER/BIGINT/DECIMAL(20) (the next wider type, so every
 * value fits); PACKED and ZONED → DECIMAL(digits, scale); DATE → DATE.
 */
final class Columns {

    private Columns() {
    }

    static SqlTypeName typeName(Field field) {
        return switch (field.type()) {
            case TEXT -> SqlTypeName.VARCHAR;
            case INTEGER -> integerType(field.length());
            case UNSIGNED -> field.length() == 8 ? SqlTypeName.DECIMAL : integerType(field.length() * 2);
            case PACKED, ZONED -> SqlTypeName.DECIMAL;
            case DATE -> SqlTypeName.DATE;
        };
    }

    private static SqlTypeName integerType(int bytes) {
        return switch (bytes) {
            case 1 -> SqlTypeName.TINYINT;
            case 2 -> SqlTypeName.SMALLINT;
            case 4 -> SqlTypeName.INTEGER;
            default -> SqlTypeName.BIGINT;
        };
    }

    /**
     * The column type; key 0's fields are NOT NULL, the others nullable (a short variable record has
     * none of them). A TEXT field is VARCHAR of its length, or unbounded if {@code assigning}.
     */
    static RelDataType type(RelDataTypeFactory types, Field field, boolean primaryKey, boolean assigning) {
        SqlTypeName name = typeName(field);
        RelDataType type = switch (name) {
            case VARCHAR -> assigning ? types.createSqlType(name) : types.createSqlType(name, field.length());
            case DECIMAL -> field.type() == dev.locksmith.rms.fields.FieldType.UNSIGNED
                    ? types.createSqlType(name, 20, 0)
                    : types.createSqlType(name, field.digits(), field.scale());
            default -> types.createSqlType(name);
        };
        return types.createTypeWithNullability(type, !primaryKey);
    }

    /**
     * Checks that {@code value}, to be stored in {@code field}'s column, fits its length.
     *
     * @throws ValueTooLongException if it is text longer than the field
     */
    static void checkLength(Field field, Object value) {
        if (field.type() == dev.locksmith.rms.fields.FieldType.TEXT && value instanceof CharSequence text
                && text.length() > field.length()) {
            throw new ValueTooLongException(field.name().toUpperCase(java.util.Locale.ROOT), field.length(), text.length());
        }
    }

    /** A plain field value as Calcite's runtime holds it for this column. */
    static Object toSql(Field field, Object value) {
        if (value == null) {
            return null;
        }
        return switch (typeName(field)) {
            case TINYINT -> ((Number) value).byteValue();
            case SMALLINT -> ((Number) value).shortValue();
            case INTEGER -> ((Number) value).intValue();
            case BIGINT -> ((Number) value).longValue();
            case DECIMAL -> value instanceof BigInteger big ? new BigDecimal(big) : value;
            case DATE -> (int) ((LocalDate) value).toEpochDay();
            default -> value;
        };
    }

    /**
     * A value from SQL — a runtime value of the column, a literal or a JDBC parameter — as the plain
     * value the field's codec takes; numbers and strings pass through for the codec to check.
     */
    static Object toField(Field field, Object value) {
        if (value == null || field.type() != dev.locksmith.rms.fields.FieldType.DATE) {
            return value;
        }
        if (value instanceof Integer days) {
            return LocalDate.ofEpochDay(days);
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate();
        }
        if (value instanceof Calendar calendar) {
            return LocalDate.of(calendar.get(Calendar.YEAR), calendar.get(Calendar.MONTH) + 1, calendar.get(Calendar.DAY_OF_MONTH));
        }
        return value;
    }
}
