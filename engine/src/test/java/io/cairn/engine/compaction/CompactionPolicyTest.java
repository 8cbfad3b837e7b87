package io.cairn.engine.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
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
    ReentrantLock mutex = new ReentrantLock();
    mutex.lock();
    VersionSet vs = new VersionSet(LocalFileSystem.INSTANCE, dir, 4, CompactionStyle.LEVELED, mutex, () -> {});
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

  /**
   * A drop by budget is marked so (the store offers it to its drop listener) and never takes an expired run with it;
   * the expired run goes in a drop of its own, not marked, once the budget holds.
   */
  @Test
  void fifoDropsByBudgetAndDropsOfExpiredRunsNeverMix() throws IOException {
    FileMeta oldest = file(-1, "a", "b", 600);
    FileMeta expired = expiring("c", "d", 50);
    FileMeta newest = file(-1, "e", "f", 600);
    Version v = version(new VersionEdit().addFile(0, oldest).addFile(0, expired).addFile(0, newest));
    Compaction byBudget = new FifoPolicy(1000).pick(v, 100);
    assertTrue(byBudget.dropOnly() && byBudget.byBudget(), byBudget.toString());
    assertEquals(List.of(oldest), inputs(byBudget), "the expired run waits for a drop of its own");

    Version after = version(new VersionEdit().addFile(0, expired).addFile(0, newest));
    Compaction e = new FifoPolicy(1000).pick(after, 100);
    assertTrue(e.dropOnly(), e.toString());
    assertFalse(e.byBudget(), "nothing live is lost: not offered");
    assertEquals(List.of(expired), inputs(e));
  }

  /** A FIFO version holding one single-table run per size, given oldest first; returns the tables oldest first. */
  private List<FileMeta> runsOldestFirst(VersionEdit e, long... sizes) throws IOException {
    List<FileMeta> out = new ArrayList<>();
    for (long size : sizes) {
      FileMeta f = file(-1, "a", "z", size);
      e.addFile(0, f);
      out.add(f);
    }
    return out;
  }

  private static List<FileMeta> inputs(Compaction c) {
    List<FileMeta> out = new ArrayList<>();
    for (Compaction.Input i : c.inputs()) {
      assertEquals(0, i.level());
      out.add(i.file());
    }
    return out;
  }

  @Test
  void fifoMergesTheNewestGroupOfSimilarRunsInPlace() throws IOException {
    // Budget 80 000 caps a merged run at 10 000. Oldest first: a run at the cap, a 4 000 run, four runs of about
    // 1 000 and, newest, one of 150 that is too small to join them.
    VersionEdit e = new VersionEdit();
    List<FileMeta> t = runsOldestFirst(e, 10_000, 4_000, 1_100, 900, 1_000, 1_200, 150);
    Compaction c = new FifoPolicy(80_000, 4).pick(version(e), 0);
    assertNotNull(c);
    assertFalse(c.dropOnly());
    assertEquals(0, c.outputLevel());
    assertEquals(List.of(t.get(5), t.get(4), t.get(3), t.get(2)), inputs(c), "the four similar runs, newest first");
    assertEquals(t.get(5).runId(), c.outputRunId(), "the output takes the newest input's place");
    assertTrue(t.get(6).runId() > c.outputRunId() && c.outputRunId() > t.get(1).runId());
  }

  @Test
  void fifoLeavesRunsThatAreFewDissimilarOrAtTheCap() throws IOException {
    VersionEdit few = new VersionEdit();
    runsOldestFirst(few, 1_000, 1_000, 1_000);
    assertNull(new FifoPolicy(80_000, 4).pick(version(few), 0), "three similar runs are fewer than the width");

    VersionEdit mixed = new VersionEdit();
    runsOldestFirst(mixed, 100, 400, 100, 400, 100, 400, 100);
    assertNull(new FifoPolicy(80_000, 4).pick(version(mixed), 0), "neighbours differ by more than twice");

    VersionEdit full = new VersionEdit();
    runsOldestFirst(full, 10_000, 10_000, 12_000, 10_000, 10_000);
    assertNull(new FifoPolicy(80_000, 4).pick(version(full), 0), "runs at the cap are never merged again");

    VersionEdit off = new VersionEdit();
    runsOldestFirst(off, 100, 100, 100, 100, 100, 100);
    assertNull(new FifoPolicy(80_000, 0).pick(version(off), 0), "width 0 never merges");
    assertNull(new FifoPolicy(80_000).pick(version(off), 0), "the one-argument policy never merges");
  }

  @Test
  void fifoMergesTwoRunsThatTogetherMakeHalfTheCap() throws IOException {
    VersionEdit e = new VersionEdit();
    List<FileMeta> t = runsOldestFirst(e, 3_000, 2_600, 200);
    Compaction c = new FifoPolicy(80_000, 4).pick(version(e), 0);
    assertNotNull(c);
    assertEquals(List.of(t.get(1), t.get(0)), inputs(c));

    VersionEdit over = new VersionEdit();
    runsOldestFirst(over, 6_000, 6_000);
    assertNull(new FifoPolicy(80_000, 4).pick(version(over), 0), "together they would pass the cap");
  }

  @Test
  void fifoManualCompactionMergesRunsOfAnySizeUnderTheCap() throws IOException {
    VersionEdit e = new VersionEdit();
    List<FileMeta> t = runsOldestFirst(e, 10_000, 4_000, 100, 1_000);
    Version v = version(e);
    assertNull(new FifoPolicy(80_000, 4).pick(v, 0), "too few and too unlike for a background merge");
    Compaction c = new FifoPolicy(80_000, 4).full(v, 0);
    assertNotNull(c);
    assertEquals(List.of(t.get(3), t.get(2), t.get(1)), inputs(c), "everything under the cap, the capped run left");
    assertNull(new FifoPolicy(80_000, 0).full(v, 0), "width 0 never merges, not even by hand");
  }

  @Test
  void fifoDropsBeforeItMerges() throws IOException {
    VersionEdit e = new VersionEdit();
    List<FileMeta> t = runsOldestFirst(e, 500, 100, 100, 100, 100);
    Compaction c = new FifoPolicy(600, 4).pick(version(e), 0);
    assertTrue(c.dropOnly());
    assertEquals(List.of(t.get(0)), inputs(c));
  }

  @Test
  void fifoRefusesBadSettings() {
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> new FifoPolicy(100, 1));
    assertTrue(w.getMessage().contains("mergeWidth") && w.getMessage().contains("was 1"), w.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> new FifoPolicy(0, 4));
    assertTrue(b.getMessage().contains("maxBytes") && b.getMessage().contains("was 0"), b.getMessage());
  }
}
