package dev.locksmith.sample.orders;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record of the stock file ({@code stock.fdl}): a fixed 96-byte record holding the item key
 * (primary key), its category (alternate key with duplicates), the quantity on hand, the unit
 * price in cents and a description. Immutable; the compact constructor checks every field, so a
 * record that decodes is one that could have been written.
 *
 * @param item the item key: 1 to 16 printable ASCII characters, no blanks at either end
 * @param category the category: 1 to 16 printable ASCII characters, no blanks at either end
 * @param quantity units on hand, never negative
 * @param priceCents unit price in cents, never negative
 * @param description free text of at most 48 UTF-8 bytes
 */
public record StockItem(String item, String category, long quantity, long priceCents, String description)
        implements Serializable {

    /** Record size, as {@code RECORD SIZE} in the FDL. */
    public static final int RECORD_SIZE = 96;
    /** Length of the item key field (key 0). */
    public static final int KEY_LENGTH = 16;
    private static final int CATEGORY_AT = 16;
    private static final int QUANTITY_AT = 32;
    private static final int PRICE_AT = 40;
    private static final int DESCRIPTION_AT = 48;
    private static final int DESCRIPTION_LENGTH = RECORD_SIZE - DESCRIPTION_AT;
    private static final long serialVersionUID = 1L;
    /**
     * The record definition that makes the stock file the SQL table {@code STOCK} (see
     * {@link StockReport}): the two keys and the two numbers. The description is left out: it is
     * UTF-8, and a TEXT field reads Latin-1.
     */
    public static final String RECORD_FIELDS = "ITEM TEXT 0 16; CATEGORY TEXT 16 16; QUANTITY INTEGER 32 8; PRICE_CENTS INTEGER 40 8";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException naming the field that is wrong and why
     */
    public StockItem {
        checkKey("item", item);
        checkKey("category", category);
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity must not be negative but was " + quantity);
        }
        if (priceCents < 0) {
            throw new IllegalArgumentException("price must not be negative but was " + priceCents);
        }
        description = description == null ? "" : description.strip();
        if (description.getBytes(StandardCharsets.UTF_8).length > DESCRIPTION_LENGTH) {
            throw new IllegalArgumentException("description must be at most " + DESCRIPTION_LENGTH
                    + " UTF-8 bytes but was " + description.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /**
     * Returns the same item with another quantity on hand.
     *
     * @param newQuantity the quantity; not negative
     * @return the changed item
     * @throws IllegalArgumentException if {@code newQuantity} is negative
     */
    public StockItem withQuantity(long newQuantity) {
        return new StockItem(item, category, newQuantity, priceCents, description);
    }

    /**
     * Encodes the item as a stock file record.
     *
     * @return a new {@value #RECORD_SIZE}-byte record
     */
    public byte[] toRecord() {
        ByteBuffer b = ByteBuffer.allocate(RECORD_SIZE);
        b.put(key(item));
        b.put(key(category));
        b.putLong(quantity);
        b.putLong(priceCents);
        b.put(padded(description.getBytes(StandardCharsets.UTF_8), DESCRIPTION_LENGTH));
        return b.array();
    }

    /**
     * Decodes a stock file record.
     *
     * @param record a record read from the stock file
     * @return the item it holds
     * @throws IllegalArgumentException if the record is not {@value #RECORD_SIZE} bytes or a field is invalid
     */
    public static StockItem fromRecord(byte[] record) {
        if (record == null || record.length != RECORD_SIZE) {
            throw new IllegalArgumentException("a stock record has " + RECORD_SIZE + " bytes, not "
                    + (record == null ? "null" : record.length));
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        return new StockItem(text(record, 0, KEY_LENGTH), text(record, CATEGORY_AT, KEY_LENGTH),
                b.getLong(QUANTITY_AT), b.getLong(PRICE_AT), text(record, DESCRIPTION_AT, DESCRIPTION_LENGTH));
    }

    /**
     * Encodes an item key or category as the stock file's key field: ASCII, blank-padded to 16 bytes.
     *
     * @param value an item key or category
     * @return the 16-byte key value
     * @throws IllegalArgumentException if {@code value} is not a valid key
     */
    public static byte[] key(String value) {
        checkKey("key", value);
        return padded(value.getBytes(StandardCharsets.US_ASCII), KEY_LENGTH);
    }

    private static void checkKey(String field, String value) {
        if (value == null || value.isEmpty() || value.length() > KEY_LENGTH) {
            throw new IllegalArgumentException(field + " must be 1 to " + KEY_LENGTH + " characters but was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        if (!value.chars().allMatch(c -> c > ' ' && c < 127 || c == ' ') || value.isBlank()
                || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            throw new IllegalArgumentException(field + " must be printable ASCII without blanks at either end but was '"
                    + value + "'");
        }
    }

    private static byte[] padded(byte[] bytes, int length) {
        byte[] field = Arrays.copyOf(bytes, length);
        Arrays.fill(field, bytes.length, length, (byte) ' ');
        return field;
    }

    private static String text(byte[] record, int at, int length) {
        return new String(record, at, length, StandardCharsets.UTF_8).strip();
    }
}
