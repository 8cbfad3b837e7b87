package io.cairn.engine.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.CorruptionException;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.LocalFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  @TempDir Path dir;

  private static FileMeta file(long n, String lo, String hi) {
    return new FileMeta(n, 1000 + n, n, 10, 1, 0, Long.MIN_VALUE,
        InternalKey.encode(lo.getBytes(), 1, InternalKey.TYPE_VALUE),
        InternalKey.encode(hi.getBytes(), 2, InternalKey.TYPE_VALUE));
  }

  /** The store's mutex, which every VersionSet call but liveFileNumbers is made with; the test thread holds it. */
  private final ReentrantLock mutex = new ReentrantLock();

  private VersionSet open() {
    mutex.lock();
    return new VersionSet(LocalFileSystem.INSTANCE, dir, 4, CompactionStyle.LEVELED, mutex, () -> {});
  }

  private void touchTable(long n) throws IOException {
    Files.write(FileNames.table(dir, n), new byte[1]);
  }

  @Test
  void editsReplayIntoTheSameVersion() throws IOException {
    VersionSet vs = open();
    vs.writeSnapshotManifest();
    for (long n = 10; n < 15; n++) {
      touchTable(n);
      vs.markFileNumberUsed(n);
      vs.logAndApply(new VersionEdit().addFile(n < 13 ? 0 : 1, file(n, "a" + n, "b" + n)).setLastSequence(n * 100));
    }
    vs.logAndApply(new VersionEdit().deleteFile(0, 11));
    vs.close();

    VersionSet again = open();
    again.recover();
    assertEquals(2, again.current().files(0).size());
    assertEquals(2, again.current().files(1).size());
    assertEquals(1400, again.lastSequence());
    assertTrue(again.newFileNumber() > 14);
    again.close();
  }

  @Test
  void currentIsReplacedAtomicallyAndOldManifestsGo() throws IOException {
    VersionSet vs = open();
    vs.writeSnapshotManifest();
    long first = vs.manifestNumber();
    vs.writeSnapshotManifest();
    long second = vs.manifestNumber();
    assertTrue(second > first);
    String current = Files.readString(dir.resolve(FileNames.CURRENT), StandardCharsets.UTF_8);
    assertEquals(FileNames.manifest(dir, second).getFileName() + "\n", current);
    assertTrue(!Files.exists(FileNames.manifest(dir, first)));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
    vs.close();
  }

  @Test
  void tornLastEditIsDroppedOtherDamageIsAnError() throws IOException {
    VersionSet vs = open();
    vs.writeSnapshotManifest();
    for (long n = 10; n < 20; n++) {
      touchTable(n);
      vs.logAndApply(new VersionEdit().addFile(0, file(n, "k" + n, "k" + n)));
    }
    vs.close();
    Path manifest = FileNames.manifest(dir, vs.manifestNumber());
    byte[] good = Files.readAllBytes(manifest);

    Files.write(manifest, java.util.Arrays.copyOf(good, good.length - 5));
    VersionSet torn = open();
    torn.recover();
    assertEquals(9, torn.current().files(0).size(), "the torn last edit is dropped");
    torn.close();

    byte[] flippedTail = good.clone();
    flippedTail[good.length - 2] ^= 0x01;
    Files.write(manifest, flippedTail);
    assertThrows(CorruptionException.class, () -> open().recover(),
        "a whole last record with a bad checksum is damage, not a torn write");

    byte[] bad = good.clone();
    bad[20] ^= 0x01;
    Files.write(manifest, bad);
    CorruptionException e = assertThrows(CorruptionException.class, () -> open().recover());
    assertTrue(e.getMessage().contains(manifest.getFileName().toString()), e.getMessage());
  }

  @Test
  void missingTableOrBadCurrentIsAClearError() throws IOException {
    VersionSet vs = open();
    vs.writeSnapshotManifest();
    touchTable(10);
    vs.logAndApply(new VersionEdit().addFile(0, file(10, "a", "b")));
    vs.close();
    Files.delete(FileNames.table(dir, 10));
    CorruptionException e = assertThrows(CorruptionException.class, () -> open().recover());
    assertTrue(e.getMessage().contains("000010.sst"), e.getMessage());

    Files.writeString(dir.resolve(FileNames.CURRENT), "garbage");
    e = assertThrows(CorruptionException.class, () -> open().recover());
    assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
  }

  /**
   * A version 1 manifest named its store's compaction style by the enum's name; it is still read, and the snapshot
   * written at open records the style by its code (version 2).
   */
  @Test
  void aVersionOneManifestIsReadAndRewrittenAsVersionTwo() throws IOException {
    java.io.ByteArrayOutputStream rec = new java.io.ByteArrayOutputStream();
    rec.write(new byte[] {1, 1});
    byte[] style = "TIERED".getBytes(StandardCharsets.UTF_8);
    rec.write(7);
    rec.write(style.length);
    rec.write(style);
    rec.write(new byte[] {2, 0, 3, 5, 4, 0});
    try (io.cairn.engine.wal.LogWriter w = new io.cairn.engine.wal.LogWriter(
        LocalFileSystem.INSTANCE.create(FileNames.manifest(dir, 1)))) {
      w.addRecord(rec.toByteArray());
      w.sync();
    }
    Files.writeString(dir.resolve(FileNames.CURRENT), "MANIFEST-000001\n");
    mutex.lock();
    VersionSet leveled = new VersionSet(LocalFileSystem.INSTANCE, dir, 4, CompactionStyle.LEVELED, mutex, () -> {});
    io.cairn.engine.StoreException wrong = assertThrows(io.cairn.engine.StoreException.class, leveled::recover);
    assertTrue(wrong.getMessage().contains("TIERED"), wrong.getMessage());
    VersionSet tiered = new VersionSet(LocalFileSystem.INSTANCE, dir, 4, CompactionStyle.TIERED, mutex, () -> {});
    tiered.recover();
    tiered.writeSnapshotManifest();
    tiered.close();
    byte[] v2;
    try (io.cairn.engine.wal.LogReader r = new io.cairn.engine.wal.LogReader(LocalFileSystem.INSTANCE,
        FileNames.manifest(dir, tiered.manifestNumber()))) {
      v2 = r.next();
    }
    assertEquals(1, v2[0]);
    assertEquals(VersionEdit.FORMAT_VERSION, v2[1], "the snapshot is written in the current format");
    assertEquals(CompactionStyle.TIERED, VersionEdit.decode(v2).style);
    VersionSet again = new VersionSet(LocalFileSystem.INSTANCE, dir, 4, CompactionStyle.LEVELED, mutex, () -> {});
    wrong = assertThrows(io.cairn.engine.StoreException.class, again::recover);
    assertTrue(wrong.getMessage().contains("TIERED"), "the code names the style too: " + wrong.getMessage());
  }

  @Test
  void anUnknownStyleCodeIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VersionEdit.decode(new byte[] {8, 99}));
    assertTrue(e.getMessage().contains("99"), e.getMessage());
  }
}
