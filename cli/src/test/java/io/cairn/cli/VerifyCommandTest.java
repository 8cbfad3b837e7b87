package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify against clean stores and stores with bytes flipped in tables, logs and the manifest. */
class VerifyCommandTest {
  /** A log chunk of the store below: 7 header bytes, then a 72-byte batch (12 header, 1 type, 1+7 key, 1+50 value). */
  private static final int CHUNK_BYTES = 79;
  private static final int LOGGED = 100;

  @TempDir Path tmp;

  /** Three flushed tables of 300 keys each, then 100 single-put batches left in the log. */
  private Path build() {
    Path dir = tmp.resolve("s");
    try (Store s = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.NONE)
        .durability(Durability.BUFFERED))) {
      for (int t = 0; t < 3; t++) {
        for (int i = 0; i < 300; i++) {
          s.put(String.format("t%d-key-%04d", t, i).getBytes(StandardCharsets.UTF_8), new byte[100]);
        }
        s.flush();
      }
      for (int i = 0; i < LOGGED; i++) {
        s.put(String.format("log-%03d", i).getBytes(StandardCharsets.UTF_8), new byte[50]);
      }
    }
    return dir;
  }

  @Test
  void aCleanStoreVerifiesWithExitZero() {
    Path dir = build();
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("clean: manifest, 3 tables (900 entries), 1 log"), r.out());
    assertTrue(r.out().contains("(" + LOGGED + " records): ok"), r.out());
  }

  @Test
  void flippedTableBytesAreNamedByFileAndOffsetInEveryDamagedTable() throws Exception {
    Path dir = build();
    List<Path> tables = Cli.files(dir, "sst");
    assertEquals(3, tables.size());
    Cli.flip(tables.get(0), 100);
    Cli.flip(tables.get(2), Files.size(tables.get(2)) - 20);
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("2 problems:"), r.out());
    assertTrue(r.out().contains(tables.get(0) + " at offset 0: block checksum mismatch"), r.out());
    long footerAt = Files.size(tables.get(2)) - 52;
    assertTrue(r.out().contains(tables.get(2) + " at offset " + footerAt + ": footer checksum mismatch"), r.out());
    assertTrue(r.out().contains(tables.get(1).getFileName() + " (L0, "), "the undamaged table is checked: " + r.out());

    Cli.Result dump = Cli.run("dump", dir);
    assertEquals(2, dump.code(), dump.toString());
    assertTrue(dump.err().contains("corruption in " + tables.get(0) + " at offset 0")
        || dump.err().contains("corruption in " + tables.get(2)), dump.err());
  }

  @Test
  void everyDamagedBlockOfOneTableIsNamed() throws Exception {
    Path dir = build();
    Path table = Cli.files(dir, "sst").get(1);
    Cli.flip(table, 100);
    Cli.flip(table, 20_000);
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("2 problems:"), r.out());
    Matcher m = Pattern.compile(Pattern.quote(table.toString()) + " at offset (\\d+): block checksum mismatch")
        .matcher(r.out());
    List<Long> offsets = new java.util.ArrayList<>();
    while (m.find()) {
      offsets.add(Long.parseLong(m.group(1)));
    }
    assertEquals(2, offsets.size(), r.out());
    assertEquals(0L, offsets.get(0));
    assertTrue(offsets.get(1) > 100 && offsets.get(1) <= 20_000, "the block holding byte 20000: " + offsets);
  }

  @Test
  void aFlippedLogByteIsNamedByFileAndTheOffsetOfItsChunk() throws Exception {
    Path dir = build();
    List<Path> logs = Cli.files(dir, "log");
    assertEquals(1, logs.size(), logs.toString());
    Path log = logs.get(0);
    assertEquals((long) LOGGED * CHUNK_BYTES, Files.size(log), "one chunk per batch");
    int record = 30;
    Cli.flip(log, (long) record * CHUNK_BYTES + 20);
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("1 problem:"), r.out());
    assertTrue(r.out().contains(log + " at offset " + record * CHUNK_BYTES + ": chunk checksum mismatch"), r.out());
    assertTrue(r.out().contains("(" + record + " records before the damage)"), r.out());

    Cli.Result get = Cli.run("get", dir, "log-000");
    assertEquals(2, get.code(), "a read refuses a damaged log as the store's open would: " + get);
    assertTrue(get.err().contains("corruption in " + log + " at offset " + record * CHUNK_BYTES), get.err());
  }

  @Test
  void aTornLogTailIsAWarningAndAnErrorOnlyWhenStrict() throws Exception {
    Path dir = build();
    Path log = Cli.files(dir, "log").get(0);
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.setLength(f.length() - 10);
    }
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(0, r.code(), r.toString());
    long lastWhole = (long) (LOGGED - 1) * CHUNK_BYTES;
    assertTrue(r.out().contains("warning: torn tail after offset " + lastWhole), r.out());
    assertEquals(1, Cli.run("verify", "--strict", dir).code());
    Cli.Result dump = Cli.run("dump", dir, "--from", "log-", "--to", "log.");
    assertEquals(LOGGED - 1, dump.lines().size(), "the cut write is gone, as after the store's own recovery");
    assertTrue(dump.err().contains("torn tail after offset " + lastWhole), dump.err());
  }

  @Test
  void aBadCurrentFileAndAMissingTableAreNamed() throws Exception {
    Path dir = build();
    Path table = Cli.files(dir, "sst").get(1);
    Files.delete(table);
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains("manifest lists table " + table.getFileName() + ", which is missing"), r.out());

    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-\n");
    r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains(dir.resolve("CURRENT") + " at offset 0: does not name a manifest: \"MANIFEST-\""),
        r.out());
    Cli.Result inspect = Cli.run("inspect", dir);
    assertEquals(2, inspect.code());
    assertTrue(inspect.err().contains("cannot read the manifest: CURRENT at offset 0"), inspect.err());
  }

  @Test
  void aFlippedManifestByteIsNamed() throws Exception {
    Path dir = build();
    String manifest = Files.readString(dir.resolve("CURRENT")).strip();
    Cli.flip(dir.resolve(manifest), 12);
    Cli.Result r = Cli.run("verify", dir);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.out().contains(dir.resolve(manifest) + " at offset 0: chunk checksum mismatch"), r.out());
  }
}
