package dev.locksmith.rms;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record store example of the README, compiled and run; the README shows it as it is here. */
class ReadmeExampleTest {
    private static final Path THIS_SOURCE = Path.of("src/test/java/dev/locksmith/rms/ReadmeExampleTest.java");
    private static final Path README = Path.of("../README.md");

    @TempDir
    Path dir;

    // README:begin
    static byte[] record(String item, String description, int quantity) {       // ITEM 16, DESCRIPTION 30, QUANTITY
        return ByteBuffer.allocate(50).put(String.format("%-16s%-30s", item, description).getBytes(US_ASCII))
                .putInt(quantity).array();                                       // INT4 keys are big-endian
    }
    // README:end

    @Test
    void theExampleStoresUpdatesAndReadsByEitherKey() {
        // README:begin
        FileDefinition stock = FileDefinition.builder(Organization.INDEXED)          // or FdlParser.parse(fdlText)
                .format(RecordFormat.FIXED).recordSize(50)
                .key(KeyDefinition.builder(0).name("ITEM").segment(0, 16).build())
                .key(KeyDefinition.builder(1).name("QUANTITY").segment(46, 4).type(KeyType.INT4)
                        .duplicates(true).changes(true).build())                         // an update may change it
                .build();
        try (RmsFile file = RmsFile.create(dir.resolve("stock.rms"), stock)) {      // RmsFile.open(path) later
            RecordStream stream = file.stream();                                     // one per thread, like a RAB
            stream.put(record("BOLT-M6", "Hex bolt, M6 x 20", 1200));                // DUP if the ITEM exists
            stream.put(record("NUT-M6", "Hex nut M6", 950));
            byte[] bolt = stream.get(0, "BOLT".getBytes(US_ASCII), KeyMatch.GE);     // a shorter key matches generically
            ByteBuffer.wrap(bolt).putInt(46, 1100);
            stream.update(bolt);                                                     // rewrites the current record
            stream.rewind(1);                                                        // QUANTITY order from here on
            byte[] fewest = stream.next();                                           // NUT-M6; EOF after the last one
            assertThat(new String(fewest, 0, 16, US_ASCII).trim()).isEqualTo("NUT-M6");
        }
        // README:end
        try (RmsFile file = RmsFile.open(dir.resolve("stock.rms"))) {
            byte[] bolt = file.stream().get(0, "BOLT-M6".getBytes(US_ASCII));
            assertThat(ByteBuffer.wrap(bolt).getInt(46)).isEqualTo(1100);
        }
    }

    @Test
    void theReadmeShowsTheExampleAsCompiledHere() throws IOException {
        String source = Files.readString(THIS_SOURCE);
        Matcher blocks = Pattern.compile("// README:begin\n(.*?)\n *// README:end", Pattern.DOTALL).matcher(source);
        assertThat(blocks.find()).isTrue();
        String helper = blocks.group(1);
        assertThat(blocks.find()).isTrue();
        String body = blocks.group(1).lines().filter(line -> !line.contains("assertThat")).reduce((a, b) -> a + "\n" + b)
                .orElse("");
        String expected = dedent(body) + "\n\n" + dedent(helper);
        assertThat(Files.readString(README)).contains("```java\n" + expected + "\n```");
    }

    /** The lines without the indentation they share. */
    private static String dedent(String block) {
        int indent = block.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return block.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
