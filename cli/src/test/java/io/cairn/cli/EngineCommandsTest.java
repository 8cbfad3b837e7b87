package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect, dump, get and compact against stores the tests build with the engine. */
class EngineCommandsTest {
  @TempDir Path tmp;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Two flushed tables (200 keys, then 50 tombstones and two expiring keys, one already expired) and two writes left
   * in the log only (a new key and a newer value of key-001).
   */
  static Path build(Path dir, CompactionStyle style) {
    Options o = Options.defaults().compactionStyle(style).durability(Durability.BUFFERED);
    long now = System.currentTimeMillis();
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 200; i++) {
        s.put(utf8(String.format("key-%03d", i)), utf8(String.format("value-%03d", i)));
      }
      s.flush();
      for (int i = 0; i < 200; i += 4) {
        s.delete(utf8(String.format("key-%03d", i)));
      }
      s.put(utf8("exp-soon"), utf8("soon"), now + 3_600_000);
      s.put(utf8("exp-past"), utf8("past"), now - 1_000);
      s.flush();
      s.put(utf8("log-only"), utf8("in the log"));
      s.put(utf8("key-001"), utf8("value-001-new"));
    }
    return dir;
  }

  /** The keys dump prints for {@link #build}: 150 live key-NNN, exp-soon and log-only. */
  private static List<String> expectedLines() {
    List<String> keys = new ArrayList<>();
    keys.add("exp-soon");
    for (int i = 0; i < 200; i++) {
      if (i % 4 != 0) {
        keys.add(String.format("key-%03d", i));
      }
    }
    keys.add("log-only");
    return keys;
  }

  private static List<String> keysOf(Cli.Result r) {
    return r.lines().stream().map(l -> l.substring(0, l.indexOf(" => "))).toList();
  }

  @Test
  void inspectShowsLevelsRunsCountsRangesAndAmplification() {
    Path dir = build(tmp.resolve("s"), CompactionStyle.NONE);
    Cli.Result r = Cli.run("inspect", dir);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("compaction NONE"), r.out());
    assertTrue(r.out().contains("2 write batches not yet in tables"), r.out());
    Matcher total = Pattern.compile("total\\s+(\\d+)\\s+(\\d+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)")
        .matcher(r.out());
    assertTrue(total.find(), r.out());
    assertEquals("2", total.group(1), "runs");
    assertEquals("2", total.group(2), "tables");
    assertEquals("252", total.group(4), "entries: 200 puts, 50 tombstones, 2 expiring");
    assertEquals("50", total.group(5), "tombstones");
    assertEquals("2", total.group(6), "expiring");
    assertTrue(r.out().contains("read amplification   2 (sorted runs a point read may ask: 2 in L0)"), r.out());
    assertTrue(r.out().contains("space amplification  1.00"), r.out());
    assertTrue(r.out().contains("keys    key-000 .. key-199"), r.out());
    assertTrue(r.out().contains("keys    exp-past .. key-196"), r.out());
    assertTrue(r.out().contains("(2 expiring entries)"), r.out());

    Cli.Result hex = Cli.run("inspect", "--format", "hex", dir);
    assertTrue(hex.out().contains("keys    6b65792d303030 .. 6b65792d313939"), hex.out());
  }

  @Test
  void dumpMergesTablesAndLogsNewestVersionFirst() {
    Path dir = build(tmp.resolve("s"), CompactionStyle.NONE);
    Cli.Result r = Cli.run("dump", dir);
    assertEquals(0, r.code(), r.toString());
    assertEquals(expectedLines(), keysOf(r));
    assertTrue(r.lines().contains("key-001 => value-001-new"), "the log's newer value wins");
    assertTrue(r.lines().contains("key-002 => value-002"), r.out());
    assertTrue(r.lines().get(0).startsWith("exp-soon => soon  (expires "), r.lines().get(0));
    assertTrue(r.err().contains("152 entries"), r.err());

    Cli.Result all = Cli.run("dump", "--include-expired", dir);
    assertTrue(all.lines().get(0).startsWith("exp-past => past"), all.out());
    assertEquals(153, all.lines().size());

    Cli.Result range = Cli.run("dump", dir, "--from", "key-010", "--to", "key-020");
    assertEquals(List.of("key-010", "key-011", "key-013", "key-014", "key-015", "key-017", "key-018", "key-019"),
        keysOf(range));

    Cli.Result limited = Cli.run("dump", dir, "--from", "key-1", "--limit", "3");
    assertEquals(List.of("key-101", "key-102", "key-103"), keysOf(limited));
    assertTrue(limited.err().contains("3 entries (--limit)"), limited.err());

    Cli.Result json = Cli.run("dump", dir, "--format", "json", "--from", "key-001", "--limit", "1");
    assertTrue(json.out().startsWith("{\"key\":\"key-001\",\"value\":\"value-001-new\",\"sequence\":"), json.out());

    Cli.Result hex = Cli.run("dump", dir, "--format", "hex", "--key-format", "hex", "--from", "6b65792d303032",
        "--limit", "1");
    assertEquals("6b65792d303032 => 76616c75652d303032", hex.out().strip());
  }

  @Test
  void dumpShowsBinaryKeysEscapedAndTakesThemBack() {
    Path dir = tmp.resolve("bin");
    try (Store s = Store.open(dir, Options.defaults())) {
      s.put(new byte[] {0, 1, 'a'}, new byte[] {(byte) 0xff, '\\'});
      s.put(new byte[] {0, 2}, utf8("two"));
    }
    Cli.Result r = Cli.run("dump", dir);
    assertEquals(List.of("\\x00\\x01a => \\xff\\x5c", "\\x00\\x02 => two"), r.lines());
    Cli.Result json = Cli.run("dump", dir, "--format", "json", "--limit", "1");
    assertTrue(json.out().startsWith("{\"key\":\"\\u0000\\u0001a\",\"valueHex\":\"ff5c\""), json.out());
    Cli.Result got = Cli.run("get", dir, "\\x00\\x02");
    assertEquals("two", got.out().strip(), got.toString());
  }

  @Test
  void getReadsOneKeyAndSaysWhenThereIsNone() {
    Path dir = build(tmp.resolve("s"), CompactionStyle.NONE);
    Cli.Result r = Cli.run("get", dir, "key-001");
    assertEquals(0, r.code(), r.toString());
    assertEquals("value-001-new", r.out().strip());

    assertEquals("value-002", Cli.run("get", "--key-format", "hex", dir, "6b65792d303032").out().strip());
    Cli.Result deleted = Cli.run("get", dir, "key-004");
    assertEquals(1, deleted.code(), deleted.toString());
    assertTrue(deleted.err().contains("no live value for key key-004"), deleted.err());
    assertEquals(1, Cli.run("get", dir, "exp-past").code());
    Cli.Result expired = Cli.run("get", "--include-expired", dir, "exp-past");
    assertEquals("past", expired.out().strip());
    assertTrue(expired.err().contains("expires "), expired.err());
    Cli.Result json = Cli.run("get", "--format", "json", dir, "exp-soon");
    assertTrue(json.out().startsWith("{\"key\":\"exp-soon\",\"value\":\"soon\",\"expireAt\":\""), json.out());
    assertEquals(Formats.hex(utf8("in the log")), Cli.run("get", "--format", "hex", dir, "log-only").out().strip());
  }

  @Test
  void compactMergesEverythingIntoOneRunAndKeepsWhatReadsSee() {
    Path dir = build(tmp.resolve("s"), CompactionStyle.LEVELED);
    List<String> before = Cli.run("dump", dir).lines();
    Cli.Result r = Cli.run("compact", dir);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("after   1 table in 1 run (L3: 1 run)"), r.out());
    assertTrue(r.out().contains(", 0 tombstones"), r.out());
    assertEquals(before, Cli.run("dump", dir).lines(), "compaction changes nothing a read sees");
    Cli.Result inspect = Cli.run("inspect", dir);
    assertTrue(inspect.out().contains("logs         none to replay"), inspect.out());
    assertTrue(inspect.out().contains("read amplification   1"), inspect.out());
    assertEquals(0, Cli.run("verify", dir).code());
    assertEquals(0, Cli.run("compact", dir).code(), "a second compaction finds nothing to do and succeeds");
  }

  @Test
  void compactKeepsAFifoStoresDataWhateverItsBudgetWas() {
    Path dir = tmp.resolve("fifo");
    try (Store s = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.FIFO).fifoMaxBytes(1L << 30))) {
      for (int i = 0; i < 100; i++) {
        s.put(utf8("k" + i), new byte[1000]);
        if (i % 25 == 24) {
          s.flush();
        }
      }
    }
    Cli.Result r = Cli.run("compact", dir);
    assertEquals(0, r.code(), r.toString());
    assertTrue(Cli.run("dump", dir).err().contains("100 entries"));
  }

  @Test
  void everyCommandRefusesADirectoryHeldByAnOpenStore() {
    Path dir = build(tmp.resolve("s"), CompactionStyle.NONE);
    try (Store held = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.NONE))) {
      List<List<Object>> lines = List.of(List.of("inspect", dir), List.of("verify", dir), List.of("dump", dir),
          List.of("get", dir, "key-001"), List.of("compact", dir), List.of("cache", dir));
      for (List<Object> line : lines) {
        Cli.Result r = Cli.run(line.toArray());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("store directory " + dir + " is in use by another open store or process"),
            r.err());
      }
      assertTrue(held.get(utf8("key-001")) != null, "the open store is untouched");
    }
  }

  @Test
  void readingCommandsLeaveEveryFileAsItWas() throws Exception {
    Path dir = build(tmp.resolve("s"), CompactionStyle.LEVELED);
    Map<String, byte[]> before = Cli.contents(dir);
    assertEquals(0, Cli.run("inspect", dir).code());
    assertEquals(0, Cli.run("verify", dir).code());
    assertEquals(0, Cli.run("dump", dir).code());
    assertEquals(0, Cli.run("get", dir, "key-001").code());
    Map<String, byte[]> after = Cli.contents(dir);
    assertEquals(before.keySet(), after.keySet());
    for (String name : before.keySet()) {
      assertTrue(java.util.Arrays.equals(before.get(name), after.get(name)), name + " changed");
    }
  }

  @Test
  void badInputGetsAClearError() throws Exception {
    Path dir = build(tmp.resolve("s"), CompactionStyle.NONE);
    Path missing = tmp.resolve("missing");
    Cli.Result r = Cli.run("inspect", missing);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no such directory: " + missing), r.err());

    Path empty = Files.createDirectory(tmp.resolve("empty"));
    r = Cli.run("dump", empty);
    assertEquals(2, r.code());
    assertTrue(r.err().contains(empty + " is not a Cairn store directory (it has no CURRENT file)"), r.err());
    assertTrue(Cli.contents(empty).isEmpty(), "no LOCK file is left in a directory that is not a store");

    r = Cli.run("dump", dir, "--limit", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--limit must be at least 1, was 0"), r.err());

    r = Cli.run("get", "--key-format", "hex", dir, "6b6");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("KEY \"6b6\" is not hex"), r.err());

    r = Cli.run("get", dir, "bad\\q");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("lone backslash at byte 3"), r.err());

    r = Cli.run("dump", dir, "--from", "b", "--to", "a");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--from b sorts after --to a"), r.err());

    r = Cli.run("dump", dir, "--format", "xml");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--format"), r.err());

    r = Cli.run();
    assertEquals(2, r.code());
    assertTrue(r.err().contains("name a command"), r.err());
  }
}
