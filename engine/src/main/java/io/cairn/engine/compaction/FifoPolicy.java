package io.cairn.engine.compaction;

import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code FIFO} (cache mode): flushed tables stay on level 0 and are never merged. While the tables hold more than
 * {@code maxBytes}, the oldest is deleted whole. A table whose entries have all expired is deleted as soon as no older
 * table shares its key range (deleting it then could not bring back an older value it shadows). Write amplification
 * is 1; data is lost by age, which is what a cache tier wants.
 */
public final class FifoPolicy implements CompactionPolicy {
  private final long maxBytes;

  public FifoPolicy(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Compaction pick(Version v, long nowMillis) {
    List<Run> runs = v.runs(0);
    List<Compaction.Input> drop = new ArrayList<>();
    long total = 0;
    for (int level = 0; level < v.levelCount(); level++) {
      total += v.levelBytes(level);
    }
    // Oldest first: runs are ordered newest first.
    for (int i = runs.size() - 1; i >= 0; i--) {
      Run r = runs.get(i);
      boolean overBudget = total > maxBytes;
      boolean expired = true;
      for (FileMeta f : r.files()) {
        expired &= f.allExpiredAt(nowMillis) && !olderOverlap(runs, i, f);
      }
      if (!overBudget && !expired) {
        continue;
      }
      for (FileMeta f : r.files()) {
        drop.add(new Compaction.Input(0, f));
        total -= f.fileBytes();
      }
      if (!overBudget) {
        break;
      }
    }
    if (drop.isEmpty()) {
      return null;
    }
    return new Compaction(drop, 0, Compaction.NEW_RUN, true, "fifo: budget " + maxBytes + " bytes or expired");
  }

  private static boolean olderOverlap(List<Run> runs, int index, FileMeta f) {
    for (int j = index + 1; j < runs.size(); j++) {
      for (FileMeta o : runs.get(j).files()) {
        if (o.overlaps(f.smallestUserKey(), f.largestUserKey())) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Compaction full(Version v, long nowMillis) {
    return pick(v, nowMillis);
  }

  @Override
  public int slowdownRuns() {
    return Integer.MAX_VALUE;
  }

  @Override
  public int stopRuns() {
    return Integer.MAX_VALUE;
  }
}
