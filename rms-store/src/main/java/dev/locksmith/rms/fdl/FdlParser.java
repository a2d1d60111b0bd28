package dev.locksmith.rms.fdl;

import dev.locksmith.rms.FileAccess;
import dev.locksmith.rms.FileDefinition;
import dev.locksmith.rms.FileShare;
import dev.locksmith.rms.KeyDefinition;
import dev.locksmith.rms.KeyType;
import dev.locksmith.rms.Organization;
import dev.locksmith.rms.RecordFormat;
import dev.locksmith.rms.RmsException;
import dev.locksmith.rms.RmsStatus;
import dev.locksmith.rms.Sharing;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses VMS File Definition Language text into a {@link FileDefinition}.
 *
 * <p>One section or attribute per line; {@code !} starts a comment; names and keywords are case
 * insensitive; strings are in double quotes. Sections FILE, RECORD, AREA n and KEY n are
 * interpreted into the {@link FileDefinition} (FILE GLOBAL_BUFFER_COUNT too); ACCESS and SHARING (how a program opens the file)
 * are interpreted by {@link #parseSharing}; IDENT, TITLE, SYSTEM, DATE, CONNECT, JOURNALING and the
 * ANALYSIS_OF_ sections are accepted and skipped (they describe run-time options or statistics).
 * Storage-placement attributes (ALLOCATION, EXTENSION, CONTIGUOUS, compression, …) are accepted
 * and have no effect, because MVStore owns placement. All AREA sections must agree on
 * BUCKET_SIZE: a file has one bucket size.
 *
 * <p>Errors throw {@link RmsException} with status {@link RmsStatus#FDL} (or {@code BKS}) and a
 * message naming the line, the section and the attribute. Stateless and thread-safe.
 */
public final class FdlParser {
    private static final Set<String> SKIPPED_SECTIONS = Set.of("SYSTEM", "DATE", "CONNECT",
            "JOURNALING", "ANALYSIS_OF_AREA", "ANALYSIS_OF_KEY");
    private static final Set<String> NUMBERED_SECTIONS = Set.of("AREA", "KEY", "ANALYSIS_OF_AREA", "ANALYSIS_OF_KEY");
    private static final Set<String> FILE_IGNORED = Set.of("ALLOCATION", "EXTENSION", "CONTIGUOUS", "BEST_TRY_CONTIGUOUS",
            "CLUSTER_SIZE", "OWNER", "PROTECTION", "SUPERSEDE", "MAX_RECORD_NUMBER",
            "DEFAULT_NAME", "FILE_MONITORING", "DEFERRED_WRITE", "READ_CHECK", "WRITE_CHECK", "CREATE_IF",
            "MT_BLOCK_SIZE", "MT_CLOSE_REWIND", "MT_CURRENT_POSITION", "MT_NOT_EOF", "MT_OPEN_REWIND",
            "MT_PROTECTION", "NON_FILE_STRUCTURED", "PRINT_ON_CLOSE", "REVISION", "SEQUENTIAL_ONLY",
            "SUBMIT_ON_CLOSE", "TRUNCATE_ON_CLOSE", "USER_FILE_OPEN", "DIRECTORY_ENTRY", "DELETE_ON_CLOSE");
    private static final Set<String> RECORD_IGNORED = Set.of("CARRIAGE_CONTROL", "BLOCK_SPAN", "VFC_SIZE");
    private static final Set<String> AREA_IGNORED = Set.of("ALLOCATION", "EXTENSION", "CONTIGUOUS",
            "BEST_TRY_CONTIGUOUS", "POSITION", "VOLUME", "EXACT_POSITIONING");
    private static final Set<String> KEY_IGNORED = Set.of("DATA_AREA", "INDEX_AREA", "LEVEL1_INDEX_AREA",
            "DATA_KEY_COMPRESSION", "DATA_RECORD_COMPRESSION", "INDEX_COMPRESSION", "PROLOG", "NULL_KEY",
            "NULL_VALUE", "COLLATING_SEQUENCE");
    private static final int MAX_NUMBER = 1_000_000;
    private static final Map<String, FileAccess> ACCESS_ATTRIBUTES = Map.of("GET", FileAccess.GET, "PUT", FileAccess.PUT,
            "UPDATE", FileAccess.UPD, "DELETE", FileAccess.DEL, "TRUNCATE", FileAccess.TRN);
    private static final Map<String, FileShare> SHARING_ATTRIBUTES = Map.of("GET", FileShare.SHRGET, "PUT", FileShare.SHRPUT,
            "UPDATE", FileShare.SHRUPD, "DELETE", FileShare.SHRDEL, "PROHIBIT", FileShare.NIL,
            "MULTISTREAM", FileShare.MSE, "USER_INTERLOCK", FileShare.UPI);

    private FdlParser() {
    }

    /** Parses {@code text}; see the class comment for errors. */
    public static FileDefinition parse(String text) {
        if (text == null) {
            throw new RmsException(RmsStatus.FDL, "FDL text is null");
        }
        return new Parse().run(text);
    }

    /**
     * The file access and sharing of {@code text}'s ACCESS and SHARING sections, as an opener's
     * {@link Sharing} through the default lock manager; empty if the text has neither section. A
     * missing ACCESS means GET only, a missing SHARING no sharing (RMS's defaults). ACCESS
     * attributes: GET, PUT, UPDATE, DELETE, TRUNCATE (BLOCK_IO and RECORD_IO are accepted and have
     * no effect); SHARING: GET, PUT, UPDATE, DELETE, PROHIBIT, MULTISTREAM, USER_INTERLOCK; each
     * yes or no. The whole text is checked as {@link #parse} checks it.
     */
    public static Optional<Sharing> parseSharing(String text) {
        if (text == null) {
            throw new RmsException(RmsStatus.FDL, "FDL text is null");
        }
        Parse parse = new Parse();
        parse.run(text);
        if (parse.access == null && parse.share == null) {
            return Optional.empty();
        }
        Set<FileAccess> access = parse.access == null ? EnumSet.of(FileAccess.GET) : parse.access;
        if (access.isEmpty()) {
            throw new RmsException(RmsStatus.FDL, "ACCESS (line " + parse.accessLine + ") allows nothing; say yes to at least GET");
        }
        Set<FileShare> share = parse.share == null ? EnumSet.noneOf(FileShare.class) : parse.share;
        if (share.contains(FileShare.NIL) && (share.contains(FileShare.SHRGET) || share.stream().anyMatch(FileShare::sharesWriting))) {
            throw new RmsException(RmsStatus.FDL, "SHARING (line " + parse.shareLine + ") says PROHIBIT together with sharing");
        }
        return Optional.of(Sharing.of(access, share));
    }

    /** State of one parse: the section being read and what has been collected so far. */
    private static final class Parse {
        private String section = "";
        private int sectionNumber;
        private int sectionLine;
        private final Set<String> seenInSection = new java.util.HashSet<>();
        private final Set<String> seenSections = new java.util.HashSet<>();

        private String fileName = "";
        private Organization organization = Organization.SEQUENTIAL;
        private Integer fileBucketSize;
        private int globalBufferCount;
        private Integer areaBucketSize;
        private int areaBucketSizeLine;
        private RecordFormat format = RecordFormat.VARIABLE;
        private int recordSize;
        private final Map<Integer, KeyUnderConstruction> keys = new TreeMap<>();
        private EnumSet<FileAccess> access;
        private int accessLine;
        private EnumSet<FileShare> share;
        private int shareLine;

        FileDefinition run(String text) {
            String[] lines = text.split("\r?\n|\r", -1);
            for (int index = 0; index < lines.length; index++) {
                parseLine(index + 1, lines[index]);
            }
            int bucketSize = fileBucketSize != null ? fileBucketSize : areaBucketSize != null ? areaBucketSize : 2;
            if (recordSize == 0) {
                throw new RmsException(RmsStatus.FDL, "RECORD SIZE is missing (or 0): the record size or maximum must be given");
            }
            FileDefinition.Builder builder = FileDefinition.builder(organization)
                    .name(fileName).format(format).recordSize(recordSize).bucketSize(bucketSize)
                    .globalBufferCount(globalBufferCount);
            for (KeyUnderConstruction key : keys.values()) {
                builder.key(key.build());
            }
            return builder.build();
        }

        private void parseLine(int line, String raw) {
            String content = stripComment(line, raw).trim();
            if (content.isEmpty()) {
                return;
            }
            int space = indexOfWhitespace(content);
            String word = (space < 0 ? content : content.substring(0, space)).toUpperCase(Locale.ROOT);
            String rest = space < 0 ? "" : content.substring(space).trim();
            if (isSectionHeader(word, rest)) {
                startSection(line, word, rest);
            } else {
                attribute(line, word, rest);
            }
        }

        private boolean isSectionHeader(String word, String rest) {
            if (word.equals("IDENT") || word.equals("TITLE")) {
                return true;
            }
            if (NUMBERED_SECTIONS.contains(word)) {
                return !rest.isEmpty() && Character.isDigit(rest.charAt(0));
            }
            return rest.isEmpty() && (word.equals("FILE") || word.equals("RECORD") || word.equals("ACCESS")
                    || word.equals("SHARING") || SKIPPED_SECTIONS.contains(word));
        }

        private void startSection(int line, String word, String rest) {
            if (word.equals("IDENT") || word.equals("TITLE")) {
                section = word;
                return;
            }
            section = word;
            sectionLine = line;
            seenInSection.clear();
            sectionNumber = NUMBERED_SECTIONS.contains(word) ? number(line, word, "section number", rest, 0, 254) : 0;
            String id = word + " " + sectionNumber;
            if (!seenSections.add(id)) {
                throw error(line, "section " + (NUMBERED_SECTIONS.contains(word) ? id : word) + " appears twice");
            }
            if (word.equals("KEY")) {
                keys.put(sectionNumber, new KeyUnderConstruction(sectionNumber, line));
            } else if (word.equals("ACCESS")) {
                access = EnumSet.noneOf(FileAccess.class);
                accessLine = line;
            } else if (word.equals("SHARING")) {
                share = EnumSet.noneOf(FileShare.class);
                shareLine = line;
            }
        }

        private void attribute(int line, String name, String value) {
            if (section.isEmpty() || section.equals("IDENT") || section.equals("TITLE")) {
                throw error(line, "attribute " + name + " appears outside any section");
            }
            if (SKIPPED_SECTIONS.contains(section)) {
                return;
            }
            String where = sectionName() + " " + name;
            if (value.isEmpty()) {
                throw error(line, where + " has no value");
            }
            if (!seenInSection.add(name)) {
                throw error(line, where + " is given twice in " + sectionName());
            }
            switch (section) {
                case "FILE" -> fileAttribute(line, name, value, where);
                case "RECORD" -> recordAttribute(line, name, value, where);
                case "AREA" -> areaAttribute(line, name, value, where);
                case "KEY" -> keys.get(sectionNumber).attribute(line, name, value, where);
                case "ACCESS" -> flag(line, name, value, where, access, ACCESS_ATTRIBUTES);
                case "SHARING" -> flag(line, name, value, where, share, SHARING_ATTRIBUTES);
                default -> throw error(line, "unknown section " + section);
            }
        }

        private String sectionName() {
            return NUMBERED_SECTIONS.contains(section) ? section + " " + sectionNumber : section;
        }

        private void fileAttribute(int line, String name, String value, String where) {
            switch (name) {
                case "NAME" -> fileName = string(line, where, value);
                case "ORGANIZATION" -> organization = keyword(line, where, value, Organization.class);
                case "BUCKET_SIZE" -> fileBucketSize = number(line, where, "value", value, 1, 63);
                case "GLOBAL_BUFFER_COUNT" -> globalBufferCount = number(line, where, "value", value, 0,
                        FileDefinition.MAX_GLOBAL_BUFFERS);
                default -> requireKnown(line, name, where, FILE_IGNORED);
            }
        }

        private void recordAttribute(int line, String name, String value, String where) {
            switch (name) {
                case "FORMAT" -> format = keyword(line, where, value, RecordFormat.class);
                case "SIZE" -> recordSize = number(line, where, "value", value, 0, FileDefinition.MAX_RECORD_SIZE);
                default -> requireKnown(line, name, where, RECORD_IGNORED);
            }
        }

        private void areaAttribute(int line, String name, String value, String where) {
            if (name.equals("BUCKET_SIZE")) {
                int size = number(line, where, "value", value, 1, 63);
                if (areaBucketSize != null && areaBucketSize != size) {
                    throw error(line, where + " " + size + " differs from " + areaBucketSize + " on line "
                            + areaBucketSizeLine + "; a file has one bucket size");
                }
                areaBucketSize = size;
                areaBucketSizeLine = line;
            } else {
                requireKnown(line, name, where, AREA_IGNORED);
            }
        }

        /** Attributes of one KEY section, turned into a {@link KeyDefinition} at the end. */
        private final class KeyUnderConstruction {
            private final int number;
            private final int line;
            private final KeyDefinition.Builder builder;
            private final Integer[] positions = new Integer[KeyDefinition.MAX_SEGMENTS];
            private final Integer[] lengths = new Integer[KeyDefinition.MAX_SEGMENTS];

            KeyUnderConstruction(int number, int line) {
                this.number = number;
                this.line = line;
                this.builder = KeyDefinition.builder(number);
            }

            void attribute(int at, String name, String value, String where) {
                if (name.matches("SEG[0-7]_(LENGTH|POSITION)")) {
                    int segment = name.charAt(3) - '0';
                    int parsed = number(at, where, "value", value, 0, FileDefinition.MAX_RECORD_SIZE);
                    (name.endsWith("LENGTH") ? lengths : positions)[segment] = parsed;
                    return;
                }
                switch (name) {
                    case "NAME" -> builder.name(string(at, where, value));
                    case "TYPE" -> type(at, where, value);
                    case "DUPLICATES" -> builder.duplicates(bool(at, where, value));
                    case "CHANGES" -> builder.changes(bool(at, where, value));
                    case "DATA_FILL" -> builder.dataFill(number(at, where, "value", value, 50, 100));
                    case "INDEX_FILL" -> builder.indexFill(number(at, where, "value", value, 50, 100));
                    default -> requireKnown(at, name, where, KEY_IGNORED);
                }
            }

            private void type(int at, String where, String value) {
                String word = unquote(value).toUpperCase(Locale.ROOT);
                boolean descending = word.startsWith("D");
                String base = descending ? word.substring(1) : word;
                try {
                    builder.type(KeyType.valueOf(base)).descending(descending);
                } catch (IllegalArgumentException e) {
                    throw error(at, where + " '" + value + "' is not one of STRING, INT2, INT4, INT8, BIN2, BIN4, BIN8"
                            + " or their D (descending) forms");
                }
            }

            KeyDefinition build() {
                int segmentCount = 0;
                while (segmentCount < KeyDefinition.MAX_SEGMENTS && lengths[segmentCount] != null) {
                    segmentCount++;
                }
                for (int i = 0; i < KeyDefinition.MAX_SEGMENTS; i++) {
                    if ((i >= segmentCount && (lengths[i] != null || positions[i] != null))
                            || (i < segmentCount && positions[i] == null)) {
                        throw error(line, "KEY " + number + " SEG" + i + ": segments must be numbered from 0 without"
                                + " gaps and each needs SEGn_LENGTH and SEGn_POSITION");
                    }
                }
                if (segmentCount == 0) {
                    throw error(line, "KEY " + number + " has no SEG0_LENGTH");
                }
                try {
                    for (int i = 0; i < segmentCount; i++) {
                        builder.segment(positions[i], lengths[i]);
                    }
                    return builder.build();
                } catch (RmsException e) {
                    throw error(line, "KEY " + number + ": " + e.getMessage());
                }
            }
        }
    }

    private static void requireKnown(int line, String name, String where, Set<String> ignored) {
        if (!ignored.contains(name)) {
            throw error(line, "unknown attribute " + where);
        }
    }

    private static String stripComment(int line, String raw) {
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '!' && !quoted) {
                return raw.substring(0, i);
            }
        }
        if (quoted) {
            throw error(line, "unterminated string");
        }
        return raw;
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int number(int line, String where, String what, String value, int min, int max) {
        String digits = value.trim();
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(line, where + " " + what + " '" + value + "' is not a number");
        }
        int number = Integer.parseInt(digits);
        if (number < min || number > Math.min(max, MAX_NUMBER)) {
            throw error(line, where + " " + what + " " + number + " is not in " + min + ".." + max);
        }
        return number;
    }

    /** Sets or clears the option that attribute {@code name} of an ACCESS or SHARING section stands for. */
    private static <E extends Enum<E>> void flag(int line, String name, String value, String where, EnumSet<E> set,
                                                 Map<String, E> attributes) {
        boolean on = bool(line, where, value);
        if (!attributes.containsKey(name)) {
            if (name.equals("BLOCK_IO") || name.equals("RECORD_IO")) {
                return;
            }
            throw error(line, where + " is not an attribute of this section; known: " + attributes.keySet());
        }
        if (on) {
            set.add(attributes.get(name));
        }
    }

    private static boolean bool(int line, String where, String value) {
        return switch (unquote(value).toUpperCase(Locale.ROOT)) {
            case "YES", "TRUE" -> true;
            case "NO", "FALSE" -> false;
            default -> throw error(line, where + " '" + value + "' is not yes or no");
        };
    }

    private static <E extends Enum<E>> E keyword(int line, String where, String value, Class<E> type) {
        String word = unquote(value).toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(word)) {
                return constant;
            }
        }
        throw error(line, where + " '" + value + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    private static String string(int line, String where, String value) {
        String text = unquote(value);
        if (text.indexOf('"') >= 0) {
            throw error(line, where + " contains a double quote inside the string");
        }
        if (text.length() > 255) {
            throw error(line, where + " is longer than 255 characters");
        }
        return text;
    }

    private static String unquote(String value) {
        String trimmed = value.trim();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }

    private static RmsException error(int line, String message) {
        return new RmsException(RmsStatus.FDL, "line " + line + ": " + message);
    }
}
