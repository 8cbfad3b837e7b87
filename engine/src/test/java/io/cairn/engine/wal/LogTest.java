package io.cairn.engine.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.fs.LocalFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {
  @TempDir Path dir;

  private List<byte[]> records(int n, Random r) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(100);
        case 2 -> LogWriter.BLOCK_BYTES - LogWriter.HEADER_BYTES - r.nextInt(3);
        default -> r.nextInt(3 * LogWriter.BLOCK_BYTES);
      };
      byte[] b = new byte[len];
      r.nextBytes(b);
      out.add(b);
    }
    return out;
  }

  private Path write(List<byte[]> recs) throws IOException {
    Path p = dir.resolve("000001.log");
    try (LogWriter w = new LogWriter(LocalFileSystem.INSTANCE.create(p))) {
      for (byte[] rec : recs) {
        w.addRecord(rec);
      }
      w.sync();
    }
    return p;
  }

  private List<byte[]> readAll(Path p) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (LogReader r = new LogReader(LocalFileSystem.INSTANCE, p)) {
      byte[] rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
    }
    return out;
  }

  @Test
  void recordsOfEverySizeRoundTripAcrossBlocks() throws IOException {
    List<byte[]> recs = records(200, new Random(1));
    Path p = write(recs);
    List<byte[]> got = readAll(p);
    assertEquals(recs.size(), got.size());
    for (int i = 0; i < recs.size(); i++) {
      assertArrayEquals(recs.get(i), got.get(i), "record " + i);
    }
  }

  @Test
  void tornTailIsCutAtTheLastWholeRecord() throws IOException {
    List<byte[]> recs = records(40, new Random(2));
    Path p = write(recs);
    byte[] all = Files.readAllBytes(p);
    for (int cut = all.length - 1; cut > all.length - 3 * LogWriter.BLOCK_BYTES; cut -= 997) {
      Files.write(p, Arrays.copyOf(all, cut));
      List<byte[]> got = readAll(p);
      assertTrue(got.size() < recs.size());
      for (int i = 0; i < got.size(); i++) {
        assertArrayEquals(recs.get(i), got.get(i), "cut at " + cut + ", record " + i);
      }
    }
  }

  @Test
  void zeroFilledTailIsATornTail() throws IOException {
    List<byte[]> recs = records(8, new Random(3));
    Path p = write(recs);
    byte[] all = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(all, all.length + 5000));
    assertEquals(recs.size(), readAll(p).size());
  }

  @Test
  void damageFollowedByValidRecordsIsCorruptionNamingFileAndOffset() throws IOException {
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      recs.add(("record number " + i).getBytes());
    }
    Path p = write(recs);
    byte[] all = Files.readAllBytes(p);
    all[30] ^= 0x40;
    Files.write(p, all);
    CorruptionException e = assertThrows(CorruptionException.class, () -> readAll(p));
    assertEquals(p, e.file());
    assertTrue(e.getMessage().contains(p.toString()) && e.offset() >= 0 && e.offset() <= 30, e.getMessage());
  }

  @Test
  void damageInTheLastRecordIsCutNeverReturned() throws IOException {
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      recs.add(("record number " + i).getBytes());
    }
    Path p = write(recs);
    byte[] all = Files.readAllBytes(p);
    all[all.length - 3] ^= 1;
    Files.write(p, all);
    try (LogReader r = new LogReader(LocalFileSystem.INSTANCE, p)) {
      for (int i = 0; i < 9; i++) {
        assertArrayEquals(recs.get(i), r.next());
      }
      assertNull(r.next());
      assertTrue(r.tornTail());
    }
  }

  /**
   * A manifest's last record whose length field was damaged to run past the end of the file looks like a write cut by
   * a crash; its bytes still match the checksum, so the strict (manifest) reader calls it corruption instead of
   * dropping the record, and names the chunk's offset.
   */
  @Test
  void aWholeLastChunkWithADamagedLengthIsCorruptionToAStrictReader() throws IOException {
    List<byte[]> recs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      recs.add(("record number " + i).getBytes());
    }
    Path p = write(recs);
    byte[] all = Files.readAllBytes(p);
    int last = all.length - LogWriter.HEADER_BYTES - recs.get(9).length;
    all[last + 5] += 3;
    Files.write(p, all);
    try (LogReader r = new LogReader(LocalFileSystem.INSTANCE, p, true)) {
      for (int i = 0; i < 9; i++) {
        assertArrayEquals(recs.get(i), r.next());
      }
      CorruptionException e = assertThrows(CorruptionException.class, r::next);
      assertEquals(last, e.offset(), e.getMessage());
      assertTrue(e.getMessage().contains("length is damaged"), e.getMessage());
    }
    Files.write(p, Arrays.copyOf(all, all.length - 2));
    try (LogReader r = new LogReader(LocalFileSystem.INSTANCE, p, true)) {
      for (int i = 0; i < 9; i++) {
        assertArrayEquals(recs.get(i), r.next());
      }
      assertNull(r.next(), "a record really cut short is still a torn tail");
      assertTrue(r.tornTail());
    }
  }
}
