package dev.locksmith.cli.rms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.cli.Locksmith;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the rms commands in-process on temporary files. */
class RmsCommandTest {
    static final String FDL = """
            FILE
                    ORGANIZATION            indexed
                    BUCKET_SIZE             2
            RECORD
                    FORMAT                  fixed
                    SIZE                    40
            KEY 0
                    NAME                    "ID"
                    SEG0_LENGTH             10
                    SEG0_POSITION           0
                    TYPE                    string
            KEY 1
                    DUPLICATES              yes
                    NAME                    "QTY"
                    SEG0_LENGTH             4
                    SEG0_POSITION           36
                    TYPE                    int4
            """;

    @TempDir
    Path dir;
    Path fdl;
    Path data;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void writeFdl() throws IOException {
        fdl = Files.writeString(dir.resolve("stock.fdl"), FDL);
        data = dir.resolve("stock.rms");
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return execute(out, err, args);
    }

    /** Runs {@code locksmith args} in-process, its output and errors going to {@code out} and {@code err}. */
    static int execute(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = Locksmith.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path csv(int count, boolean shuffled) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(String.format("ITEM%06d,\"widget, size %d\",%d", i, i % 7, i % 10));
        }
        if (shuffled) {
            Collections.shuffle(lines, new Random(3));
        }
        return Files.write(dir.resolve(shuffled ? "random.csv" : "sorted.csv"), lines);
    }

    @Test
    void createMakesAnEmptyFileFromFdl() {
        assertThat(run("rms", "create", "--fdl", fdl.toString(), data.toString())).isZero();
        assertThat(out.toString()).contains("INDEXED").contains("2 key(s)");
        assertThat(data).exists();
    }

    @Test
    void createWithBadFdlExitsWithTheRmsStatusAndLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.fdl"), "FILE\n ORGANIZATION indexed\nRECORD\n SIZE forty\n");
        assertThat(run("rms", "create", "--fdl", bad.toString(), data.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("%RMS-E-FDL").contains("line 4").contains("RECORD SIZE");
        assertThat(data).doesNotExist();
    }

    @Test
    void createOverAnExistingFileExitsWithFex() {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "create", "--fdl", fdl.toString(), data.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("%RMS-E-FEX");
    }

    @Test
    void loadOfSortedCsvTakesTheFastPathAndAnalyzesClean() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "load", data.toString(), csv(3000, false).toString(), "--columns", "10,26,int4",
                "--progress")).isZero();
        assertThat(out.toString()).contains("Loaded 3000 record(s)").contains("0 rejected")
                .contains("primary key order: yes").contains("3 batch(es)");
        assertThat(err.toString()).contains("100%");
        assertThat(run("rms", "analyze", data.toString())).isZero();
        assertThat(out.toString()).contains("Key 0 (ID): depth").contains("records 3000").contains("entries 3000")
                .contains("No inconsistencies");
    }

    @Test
    void loadOfUnsortedCsvStoresEveryRecord() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "load", data.toString(), csv(2000, true).toString(), "--columns", "10,26,int4",
                "--no-progress")).isZero();
        assertThat(out.toString()).contains("Loaded 2000 record(s)").contains("primary key order: no");
        assertThat(run("rms", "analyze", data.toString())).isZero();
        assertThat(out.toString()).contains("records 2000");
    }

    @Test
    void analyzeShowsRrvCountsIncludingRetiredBuckets() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 2999; i >= 0; i--) {
            lines.add(String.format("ITEM%06d,part %d,%d", i, i % 7, i % 10));
        }
        Path descending = Files.write(dir.resolve("descending.csv"), lines);
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "load", data.toString(), descending.toString(), "--columns", "10,26,int4",
                "--no-progress")).isZero();
        assertThat(run("rms", "analyze", data.toString())).isZero();
        assertThat(out.toString()).containsPattern("Key 0 \\(ID\\): .*records 3000, RRVs [1-9]\\d* \\([1-9]\\d* retired RRV-only buckets\\)")
                .containsPattern("Key 1 \\(QTY\\): .*entries 3000, RRVs 0")
                .contains("No inconsistencies");
    }

    @Test
    void loadReportsBadLinesAndDuplicatesAndKeepsTheRest() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        Path input = Files.write(dir.resolve("mixed.csv"), List.of(
                "ITEM000001,first,1",
                "ITEM000002,second,two",
                "ITEM000001,duplicate,3",
                "ITEM000003,a description far too long for its column,4",
                "ITEM000004,fourth,4"));
        assertThat(run("rms", "load", data.toString(), input.toString(), "--columns", "10,26,int4", "--no-progress"))
                .isEqualTo(Locksmith.PROBLEM_FOUND);
        assertThat(out.toString()).contains("Loaded 2 record(s)").contains("3 rejected");
        assertThat(err.toString()).contains("line 2: column 3 'two' is not an integer")
                .contains("line 3: %RMS-E-DUP").contains("line 4: column 2");
    }

    @Test
    void loadOfFixedLengthRecords() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        byte[] input = new byte[40 * 50];
        for (int i = 0; i < 50; i++) {
            byte[] id = String.format("FIX%07d", i).getBytes();
            System.arraycopy(id, 0, input, i * 40, 10);
        }
        Path fixed = Files.write(dir.resolve("fixed.dat"), input);
        assertThat(run("rms", "load", data.toString(), fixed.toString(), "--format", "fixed", "--no-progress")).isZero();
        assertThat(out.toString()).contains("Loaded 50 record(s)");
    }

    @Test
    void dumpPrintsRecordsInTheChosenKeyOrder() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        Path input = Files.write(dir.resolve("three.csv"), List.of("B,bee,2", "A,ay,3", "C,see,1"));
        run("rms", "load", data.toString(), input.toString(), "--columns", "10,26,int4", "--no-progress");
        assertThat(run("rms", "dump", data.toString(), "--key", "1")).isZero();
        String dump = out.toString();
        assertThat(dump.indexOf("C         see")).isLessThan(dump.indexOf("B         bee"));
        assertThat(dump.indexOf("B         bee")).isLessThan(dump.indexOf("A         ay"));
        assertThat(dump).contains("3 record(s)");
    }

    @Test
    void defineKeepsARecordDefinitionThatDumpPrintsAsFields() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        Path input = Files.write(dir.resolve("two.csv"), List.of("B,bee,2", "A,ay,-3"));
        run("rms", "load", data.toString(), input.toString(), "--columns", "10,26,int4", "--no-progress");
        Path spec = Files.writeString(dir.resolve("stock.fields"), "ID TEXT 0 10\nNAME TEXT 10 26 # description\nQTY INTEGER 36 4\n");
        assertThat(run("rms", "define", data.toString(), "--fields", spec.toString())).isZero();
        assertThat(run("rms", "dump", data.toString())).isZero();
        assertThat(out.toString()).contains("ID='A' NAME='ay' QTY=-3").contains("ID='B' NAME='bee' QTY=2");
        assertThat(run("rms", "define", data.toString())).isZero();
        assertThat(out.toString()).contains("QTY INTEGER 36 4");
    }

    @Test
    void aBadDefinitionExitsWithAnFdlErrorNamingTheFieldAndKeepsTheOldOne() {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        run("rms", "define", data.toString(), "--fields", "ID TEXT 0 10; QTY INTEGER 36 4");
        assertThat(run("rms", "define", data.toString(), "--fields", "ID TEXT 0 10; QTY UNSIGNED 36 4")).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("%RMS-E-FDL").contains("field QTY").contains("INT4");
        assertThat(run("rms", "define", data.toString(), "--fields", "ID TEXT 0 10; NOTE TEXT 30 8")).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("field NOTE").contains("overlaps key 1");
        run("rms", "define", data.toString());
        assertThat(out.toString()).isEqualTo("ID TEXT 0 10\nQTY INTEGER 36 4\n");
    }

    @Test
    void dumpWithBucketsPrintsTheBucketLayout() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        run("rms", "load", data.toString(), csv(500, true).toString(), "--columns", "10,26,int4", "--no-progress");
        assertThat(run("rms", "dump", data.toString(), "--buckets", "--limit", "1")).isZero();
        assertThat(out.toString()).contains("INDEX level 1").contains("DATA level 0").contains("SIDR level 0")
                .contains("bytes used").contains("1 record(s)");
    }

    @Test
    void analyzeOfADamagedFileExitsNonZeroNamingTheProblem() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        run("rms", "load", data.toString(), csv(300, false).toString(), "--columns", "10,26,int4", "--no-progress");
        damageARecordKey();
        assertThat(run("rms", "analyze", data.toString())).isEqualTo(Locksmith.PROBLEM_FOUND);
        assertThat(out.toString()).containsPattern("\\d+ inconsistenc(y|ies):").contains("not its own");
    }

    /** Overwrites the first byte of the last record in some data bucket, so its key no longer matches. */
    private void damageARecordKey() {
        try (MVStore store = new MVStore.Builder().fileName(data.toString()).open()) {
            MVMap<Long, byte[]> buckets = store.openMap("buckets", new MVMap.Builder<Long, byte[]>()
                    .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            for (long id = 2; id < 1000; id++) {
                byte[] image = buckets.get(id);
                if (image != null && image[0] == 2 && image[5] > 0) {
                    byte[] damaged = image.clone();
                    damaged[damaged.length - 40] = 'Z';
                    buckets.put(id, damaged);
                    store.commit();
                    return;
                }
            }
        }
        throw new AssertionError("no data bucket found to damage");
    }

    @Test
    void analyzeOfAMissingFileExitsWithFnf() {
        assertThat(run("rms", "analyze", dir.resolve("none.rms").toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).contains("%RMS-E-FNF");
    }

    @Test
    void loadDrawsNoProgressBarWhenTheErrorStreamIsNotATerminal() throws IOException {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "load", data.toString(), csv(100, false).toString(), "--columns", "10,26,int4")).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void loadOfAMissingInputExitsWithOneFnfLineNamingIt() {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        Path missing = dir.resolve("nosuch.csv");
        assertThat(run("rms", "load", data.toString(), missing.toString(), "--columns", "10,26,int4"))
                .isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).isEqualTo("%RMS-E-FNF, input file " + missing + " does not exist" + System.lineSeparator());
    }

    @Test
    void loadOfADirectoryExitsWithOneFnfLineSayingSo() {
        run("rms", "create", "--fdl", fdl.toString(), data.toString());
        assertThat(run("rms", "load", data.toString(), dir.toString(), "--columns", "10,26,int4"))
                .isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).isEqualTo("%RMS-E-FNF, input file " + dir + " is a directory" + System.lineSeparator());
    }

    @Test
    void createInAMissingDirectoryExitsWithOneDnfLineNamingIt() {
        Path missing = dir.resolve("nonexistent").resolve("dir").resolve("x.rms");
        assertThat(run("rms", "create", "--fdl", fdl.toString(), missing.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).isEqualTo("%RMS-E-DNF, directory " + missing.getParent() + " of file " + missing
                + " does not exist" + System.lineSeparator());
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void dumpOfAFileThatIsNotRmsExitsWithOneIfaLineAndLeavesItAlone() throws IOException {
        Path items = csv(10, false);
        byte[] before = Files.readAllBytes(items);
        assertThat(run("rms", "dump", items.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).isEqualTo("%RMS-E-IFA, file " + items
                + " is not an RMS file (it does not start with a store header)" + System.lineSeparator());
        assertThat(Files.readAllBytes(items)).isEqualTo(before);
    }

    @Test
    void analyzeOfAnEmptyFileThatIsNotRmsExitsWithIfaAndLeavesItEmpty() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.rms"));
        assertThat(run("rms", "analyze", empty.toString())).isEqualTo(Locksmith.RMS_ERROR);
        assertThat(err.toString()).startsWith("%RMS-E-IFA, file " + empty + " is not an RMS file (it is empty)");
        assertThat(empty).isEmptyFile();
    }

    @Test
    void anEmptyRelativeFileCanBeDumpedAnalyzedAndLoadedAfterCreation() throws IOException {
        Path relFdl = Files.writeString(dir.resolve("rel.fdl"), """
                FILE
                        ORGANIZATION            relative
                RECORD
                        FORMAT                  fixed
                        SIZE                    20
                """);
        Path rel = dir.resolve("rel.rms");
        assertThat(run("rms", "create", "--fdl", relFdl.toString(), rel.toString())).isZero();
        assertThat(run("rms", "dump", rel.toString())).isZero();
        assertThat(out.toString()).contains("0 record(s)");
        assertThat(run("rms", "analyze", rel.toString())).isZero();
        Path input = Files.write(dir.resolve("rel.csv"), List.of("first", "second"));
        assertThat(run("rms", "load", rel.toString(), input.toString(), "--columns", "20")).isZero();
        assertThat(out.toString()).contains("Loaded 2 record(s)");
    }

    /** The README's samples, in the repository's docs/samples (tests run in the module's directory). */
    static final Path SAMPLES = Path.of("../docs/samples");
    static final Path README = Path.of("../README.md");

    private void createAndLoadTheSamples() {
        assertThat(run("rms", "create", "--fdl", SAMPLES.resolve("stock.fdl").toString(), data.toString())).isZero();
        assertThat(run("rms", "load", "--columns=16,30,int4", data.toString(), SAMPLES.resolve("stock.csv").toString()))
                .as(err.toString()).isZero();
    }

    @Test
    void theReadmeShowsTheSampleFdlAndCsvAsTheyAre() throws IOException {
        String readme = Files.readString(README);
        assertThat(readme).contains("```\n" + Files.readString(SAMPLES.resolve("stock.fdl")) + "```")
                .contains("```\n" + Files.readString(SAMPLES.resolve("stock.csv")) + "```")
                .contains("rms create --fdl docs/samples/stock.fdl stock.rms")
                .contains("rms load --columns=16,30,int4 stock.rms docs/samples/stock.csv");
    }

    @Test
    void theSamplesLoadWithoutRejectsAndAnalyzeClean() {
        createAndLoadTheSamples();
        assertThat(out.toString()).contains("Loaded 4 record(s)").contains("0 rejected");
        assertThat(run("rms", "analyze", data.toString())).isZero();
        assertThat(out.toString()).contains("Key 1 (QUANTITY)").contains("No inconsistencies");
    }

    @Test
    void theReadmeShowsWhatDumpByQuantityPrints() throws IOException {
        createAndLoadTheSamples();
        assertThat(run("rms", "dump", "--key", "1", data.toString())).isZero();
        assertThat(Files.readString(README)).contains("```\n" + out.toString().replace(System.lineSeparator(), "\n") + "```");
    }

    @Test
    void versionIsTheBuildsVersionSnapshotSuffixIncluded() {
        assertThat(run("--version")).isZero();
        assertThat(System.getProperty("project.version")).isNotBlank();
        assertThat(out.toString().strip()).isEqualTo("locksmith " + System.getProperty("project.version"));
    }

    @Test
    void topLevelHelpListsTheRmsGroup() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("rms");
    }
}
