package dev.locksmith.cli.rms;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV input, one record per line, fields separated by commas; a field in double quotes may hold
 * commas and doubled quotes. Fields become a record through a {@link ColumnLayout}.
 */
final class CsvRecordSource implements RecordSource {
    private final BufferedReader in;
    private final ColumnLayout layout;
    private long bytesRead;
    private long number;

    CsvRecordSource(Path input, ColumnLayout layout) throws IOException {
        this.in = Files.newBufferedReader(input, StandardCharsets.ISO_8859_1);
        this.layout = layout;
    }

    @Override
    public InputRecord next() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
            bytesRead += line.length() + 1;
            number++;
        } while (line.isBlank());
        try {
            return new InputRecord(number, layout.toRecord(split(line)), null);
        } catch (IllegalArgumentException e) {
            return new InputRecord(number, null, e.getMessage());
        }
    }

    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        fields.add(field.toString());
        return fields;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
