package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.engine.sstable.IndexLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flips bytes in every kind of file of a closed store (tables, log, manifest, CURRENT), opens it and reads every key
 * with point reads and a full scan. Each flip must be detected with an error that names the file, or (in the log
 * only) cut the log at the last whole record; a wrong value is never returned.
 */
class CorruptionTest {
  @TempDir Path root;

  private static byte[] key(int i) {
    return String.format("key-%05d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i, int gen) {
    return ("value-" + i + "-gen-" + gen + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
  }

  private static Options options() {
    return Options.defaults().durability(Durability.BUFFERED).memtableBytes(64 * 1024).targetFileBytes(64 * 1024)
        .blockBytes(1024).indexLayout(IndexLayout.BTREE);
  }

  /** Builds the pristine store; returns the expected contents and the keys written to the log only, in order. */
  private TreeMap<String, byte[]> build(Path dir, List<String> logOnly) {
    TreeMap<String, byte[]> want = new TreeMap<>();
    try (Store s = Store.open(dir, options())) {
      for (int i = 0; i < 2000; i++) {
        s.put(key(i), value(i, 1));
        want.put(new String(key(i)), value(i, 1));
      }
      s.flush();
      for (int i = 1000; i < 3000; i++) {
        s.put(key(i), value(i, 2));
        want.put(new String(key(i)), value(i, 2));
      }
      s.compact();
      for (int i = 0; i < 500; i++) {
        s.put(key(i), value(i, 3));
        want.put(new String(key(i)), value(i, 3));
      }
      s.flush();
      for (int i = 3000; i < 3200; i++) {
        s.put(key(i), value(i, 4));
        want.put(new String(key(i)), value(i, 4));
        logOnly.add(new String(key(i)));
      }
    }
    return want;
  }

  @Test
  void everyFlipIsDetectedOrCutsTheLogTail() throws IOException {
    long seed = TestSeeds.seed("CorruptionTest");
    Random r = new Random(seed);
    Path pristine = root.resolve("pristine");
    List<String> logOnly = new ArrayList<>();
    TreeMap<String, byte[]> want = build(pristine, logOnly);
    List<Path> files;
    try (Stream<Path> s = Files.list(pristine)) {
      files = s.filter(p -> !p.getFileName().toString().equals("LOCK")).sorted().toList();
    }
    int trials = 0;
    int detected = 0;
    int logCuts = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      long size = Files.size(file);
      List<Long> positions = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        positions.add((long) r.nextInt((int) size));
      }
      for (long i = Math.max(0, size - 60); i < size; i += 3) {
        positions.add(i);
      }
      for (long at : positions) {
        Path copy = root.resolve("trial-" + trials++);
        copyDir(pristine, copy);
        byte[] bytes = Files.readAllBytes(copy.resolve(name));
        bytes[(int) at] ^= (byte) (1 + r.nextInt(255));
        Files.write(copy.resolve(name), bytes);
        String where = "seed " + seed + ": flip in " + name + " at " + at;
        try {
          int missing = readAndCheck(copy, want, logOnly, where);
          if (missing > 0) {
            assertTrue(name.endsWith(".log"), where + ": " + missing + " keys lost without an error");
            logCuts++;
          } else if (!name.endsWith(".log")) {
            fail(where + " went undetected");
          }
        } catch (CorruptionException e) {
          assertTrue(e.getMessage().contains(name), where + ": error does not name the file: " + e.getMessage());
          detected++;
        } catch (StoreException | UncheckedIOException e) {
          Throwable c = e;
          while (c != null && !(c instanceof CorruptionException)) {
            c = c.getCause();
          }
          if (c == null && !(name.equals("CURRENT") && e.getMessage().contains("MANIFEST"))) {
            throw new AssertionError(where + ": failed without naming the corruption", e);
          }
          detected++;
        }
        deleteDir(copy);
      }
    }
    System.out.printf("CorruptionTest: %d flips, %d detected with an error, %d cut the log tail%n", trials, detected,
        logCuts);
    assertTrue(detected > trials / 2);
  }

  /** Opens the copy and reads everything; returns how many log-only keys are missing (a cut log tail). */
  private int readAndCheck(Path dir, TreeMap<String, byte[]> want, List<String> logOnly, String where) {
    try (Store s = Store.open(dir, options())) {
      int present = 0;
      for (var e : want.entrySet()) {
        byte[] got = s.get(e.getKey().getBytes(StandardCharsets.UTF_8));
        if (got != null) {
          assertArrayEquals(e.getValue(), got, where + ": wrong value for " + e.getKey());
          present++;
        } else {
          int idx = logOnly.indexOf(e.getKey());
          assertTrue(idx >= 0, where + ": key " + e.getKey() + " from a table is missing without an error");
        }
      }
      int missing = want.size() - present;
      for (int i = 0; i < logOnly.size(); i++) {
        boolean has = s.get(logOnly.get(i).getBytes(StandardCharsets.UTF_8)) != null;
        assertEquals(i < logOnly.size() - missing, has, where + ": log keys survive as a prefix");
      }
      int scanned = 0;
      try (Cursor c = s.scan(null, null)) {
        while (c.hasNext()) {
          Entry e = c.next();
          assertArrayEquals(want.get(new String(e.key(), StandardCharsets.UTF_8)), e.value(), where + ": scan");
          scanned++;
        }
      }
      assertEquals(present, scanned, where + ": scan and point reads agree");
      return missing;
    }
  }

  private static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  private static void deleteDir(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
