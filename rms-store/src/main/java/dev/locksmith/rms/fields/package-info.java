/**
 * Record definitions: the named, typed fields an RMS record is made of, which RMS itself does not
 * know (its records are bytes; only keys have positions and types).
 *
 * <p>A {@link dev.locksmith.rms.fields.RecordDefinition} lists fields by name, byte offset, length
 * and {@link dev.locksmith.rms.fields.FieldType}, checks them against the file's definition (record
 * size, and each FDL key: a field that touches a key segment must be exactly that segment, of a type
 * that orders as the key does), and maps each key to the fields that make it. It is kept in the
 * file's prolog beside the FDL ({@link dev.locksmith.rms.RmsFile#defineRecords}), so every later
 * opener reads it. {@link dev.locksmith.rms.fields.FieldCodec} holds every byte encoding.
 */
package dev.locksmith.rms.fields;
