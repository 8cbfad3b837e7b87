package io.cairn.engine.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.LocalFileSystem;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.version.Version;
import io.cairn.engine.version.VersionEdit;
import io.cairn.engine.version.VersionSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionPolicyTest {
  @TempDir Path dir;
  private long next = 10;

  private FileMeta file(long runId, String lo, String hi, long bytes) throws IOException {
    long n = next++;
    Files.write(FileNames.table(dir, n), new byte[1]);
    return new FileMeta(n, bytes, runId < 0 ? n : runId, 10, 0, 0, Long.MIN_VALUE,
        InternalKey.encode(lo.getBytes(), 1, InternalKey.TYPE_VALUE),
        InternalKey.encode(hi.getBytes(), 2, InternalKey.TYPE_VALUE));
  }

  private FileMeta expiring(String lo, String hi, long maxExpire) throws IOException {
    long n = next++;
    Files.write(FileNames.table(dir, n), new byte[1]);
    return new FileMeta(n, 100, n, 10, 0, 10, maxExpire,
        InternalKey.encode(lo.getBytes(), 1, InternalKey.TYPE_VALUE),
        InternalKey.encode(hi.getBytes(), 2, InternalKey.TYPE_VALUE));
  }

  private Version version(VersionEdit e) throws IOException {
    VersionSet vs = new VersionSet(LocalFileSystem.INSTANCE, dir, 4, "X", () -> {});
    vs.writeSnapshotManifest();
    vs.logAndApply(e);
    return vs.current();
  }

  @Test
  void leveledMergesLevel0IntoOverlappingLevel1Tables() throws IOException {
    VersionEdit e = new VersionEdit();
    for (int i = 0; i < 4; i++) {
      e.addFile(0, file(-1, "c", "f", 100));
    }
    FileMeta overlap = file(0, "e", "g", 100);
    FileMeta apart = file(0, "x", "z", 100);
    e.addFile(1, overlap).addFile(1, apart);
    Compaction c = new LeveledPolicy(4, 10, 1000, 4).pick(version(e), 0);
    assertNotNull(c);
    assertEquals(1, c.outputLevel());
    assertEquals(5, c.inputs().size(), "all level-0 runs plus the one overlapping level-1 table");
    assertTrue(c.inputs().stream().noneMatch(i -> i.file() == apart));
    assertNull(new LeveledPolicy(4, 10, 1000, 5).pick(version(new VersionEdit().addFile(0, file(-1, "a", "b", 1))), 0));
  }

  @Test
  void leveledPushesOneTableFromAnOverfullLevel() throws IOException {
    VersionEdit e = new VersionEdit();
    e.addFile(1, file(0, "a", "c", 600)).addFile(1, file(0, "d", "f", 600));
    e.addFile(2, file(0, "b", "b", 100)).addFile(2, file(0, "e", "e", 100));
    LeveledPolicy p = new LeveledPolicy(4, 10, 1000, 4);
    Version v = version(e);
    Compaction first = p.pick(v, 0);
    assertEquals(2, first.outputLevel());
    assertEquals(2, first.inputs().size(), "one level-1 table and the level-2 table under it");
    Compaction second = p.pick(v, 0);
    assertTrue(first.inputs().get(0).file() != second.inputs().get(0).file(), "round-robin over the key space");
  }

  @Test
  void tieredMergesAFullLevelIntoANewRunBelow() throws IOException {
    VersionEdit e = new VersionEdit();
    for (int i = 0; i < 3; i++) {
      e.addFile(0, file(-1, "a", "z", 100));
    }
    e.addFile(1, file(-1, "a", "z", 300));
    Compaction c = new TieredPolicy(4, 3, false).pick(version(e), 0);
    assertEquals(1, c.outputLevel());
    assertEquals(Compaction.NEW_RUN, c.outputRunId());
    assertEquals(3, c.inputs().size(), "the level-1 run is left alone");
  }

  @Test
  void lazyLeveledMergesIntoTheLastLevelsSingleRun() throws IOException {
    VersionEdit e = new VersionEdit();
    for (int i = 0; i < 3; i++) {
      e.addFile(2, file(-1, "a", "m", 100));
    }
    e.addFile(3, file(0, "a", "c", 1000)).addFile(3, file(0, "x", "z", 1000));
    Compaction c = new TieredPolicy(4, 3, true).pick(version(e), 0);
    assertEquals(3, c.outputLevel());
    assertEquals(Compaction.LEVELED_RUN, c.outputRunId());
    assertEquals(4, c.inputs().size(), "three runs plus the overlapping last-level table");
  }

  @Test
  void fifoDropsOldestPastBudgetAndExpiredTablesWithNoOlderOverlap() throws IOException {
    FileMeta oldest = file(-1, "a", "b", 600);
    FileMeta middle = file(-1, "c", "d", 600);
    FileMeta newest = file(-1, "e", "f", 600);
    Version v = version(new VersionEdit().addFile(0, oldest).addFile(0, middle).addFile(0, newest));
    Compaction c = new FifoPolicy(1500).pick(v, 0);
    assertTrue(c.dropOnly());
    assertEquals(1, c.inputs().size());
    assertEquals(oldest, c.inputs().get(0).file());

    FileMeta base = file(-1, "a", "z", 10);
    FileMeta shadowing = expiring("k", "m", 50);
    FileMeta disjoint = expiring("zz", "zzz", 50);
    Version w = version(new VersionEdit().addFile(0, base).addFile(0, shadowing).addFile(0, disjoint));
    Compaction e = new FifoPolicy(1 << 30).pick(w, 100);
    assertEquals(1, e.inputs().size());
    assertEquals(disjoint, e.inputs().get(0).file(), "an expired table over an older one's range must stay");
    assertNull(new FifoPolicy(1 << 30).pick(w, 10), "nothing has expired yet");
  }
}
