package dev.locksmith.rms;

/**
 * One segment of a key: {@code length} bytes starting at {@code position} in the record
 * (FDL {@code SEGn_POSITION}, {@code SEGn_LENGTH}). Immutable value.
 */
public record KeySegment(int position, int length) {

    public KeySegment {
        if (position < 0) {
            throw new RmsException(RmsStatus.FDL, "segment position " + position + " is negative");
        }
        if (length < 1 || length > 255) {
            throw new RmsException(RmsStatus.FDL, "segment length " + length + " is not in 1..255");
        }
    }

    /** First byte after the segment. */
    public int end() {
        return position + length;
    }
}
