package dev.locksmith.rms;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.lock.LockManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void theTransactionExampleCommitsToBothFiles() {
        FileDefinition stock = FileDefinition.builder(Organization.INDEXED).format(RecordFormat.FIXED).recordSize(50)
                .key(KeyDefinition.builder(0).name("ITEM").segment(0, 16).build()).build();
        // README-tx:begin
        try (LockManager locks = LockManager.builder().name("shop").build();
             RecordStore store = RecordStore.open(dir.resolve("shop"), locks)) {       // a directory and its journal
            store.create("stock.rms", stock).stream().put(record("BOLT-M6", "Hex bolt, M6 x 20", 1200));
            store.create("orders.rms", FileDefinition.builder(Organization.SEQUENTIAL).recordSize(50).build());
            Transaction tx = store.begin(TransactionMode.PESSIMISTIC, Duration.ofSeconds(30));
            try {
                TransactionStream items = tx.open("stock.rms").forUpdate(true);      // locks EX what it reads
                byte[] bolt = items.get(String.format("%-16s", "BOLT-M6").getBytes(US_ASCII));
                ByteBuffer.wrap(bolt).putInt(46, ByteBuffer.wrap(bolt).getInt(46) - 10);
                items.update(bolt);                                                    // only this transaction sees it
                tx.open("orders.rms").put(record("BOLT-M6", "order 1", 10));
                tx.commit();                                                           // both files, or neither
            } catch (RmsException e) {                                                 // DEADLOCK, CONFLICT, ...
                tx.rollback();
                throw e;
            }
            assertThat(ByteBuffer.wrap(store.file("stock.rms").stream().get(0, "BOLT-M6".getBytes(US_ASCII))).getInt(46))
                    .isEqualTo(1190);
        }
        // README-tx:end
    }

    @Test
    void theReadmeShowsTheExampleAsCompiledHere() throws IOException {
        String source = Files.readString(THIS_SOURCE);
        Matcher blocks = Pattern.compile("// README:begin\n(.*?)\n *// README:end", Pattern.DOTALL).matcher(source);
        assertThat(blocks.find()).isTrue();
        String helper = blocks.group(1);
        assertThat(blocks.find()).isTrue();
        String expected = withoutAssertions(blocks.group(1)) + "\n\n" + dedent(helper);
        assertThat(Files.readString(README)).contains("```java\n" + expected + "\n```");
    }

    @Test
    void theReadmeShowsTheTransactionExampleAsCompiledHere() throws IOException {
        Matcher block = Pattern.compile("// README-tx:begin\n(.*?)\n *// README-tx:end", Pattern.DOTALL)
                .matcher(Files.readString(THIS_SOURCE));
        assertThat(block.find()).isTrue();
        assertThat(Files.readString(README)).contains("```java\n" + withoutAssertions(block.group(1)) + "\n```");
    }

    /** A block as the README shows it: without the test's assertions, which may span two lines. */
    private static String withoutAssertions(String block) {
        StringBuilder kept = new StringBuilder();
        boolean inAssertion = false;
        for (String line : block.split("\n")) {
            if (line.contains("assertThat(")) {
                inAssertion = !line.stripTrailing().endsWith(";");
                continue;
            }
            if (inAssertion) {
                inAssertion = !line.stripTrailing().endsWith(";");
                continue;
            }
            kept.append(kept.length() == 0 ? "" : "\n").append(line);
        }
        return dedent(kept.toString());
    }

    /** The lines without the indentation they share. */
    private static String dedent(String block) {
        int indent = block.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return block.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
