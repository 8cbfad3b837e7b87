package io.cairn.engine.compaction;

import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code FIFO} (cache mode): every table stays on level 0, and age decides what is lost. While the tables hold more
 * than {@code maxBytes}, the oldest run is deleted whole. A table whose entries have all expired is deleted as soon as
 * no older table shares its key range (deleting it then could not bring back an older value it shadows).
 *
 * <p>Without merging, every flush adds a run that stays until the budget pushes it out: a 1 GiB budget filled by
 * 4 MiB memtables is 256 runs, and every read that misses the memtable asks each run's filter. So, unless
 * {@code mergeWidth} is 0, runs of similar size that sit next to each other are merged in place (intra-level-0
 * compaction): at least {@code mergeWidth} of them, or fewer once together they make half a merged run's cap. The
 * output takes the inputs' place in the age order, so drops still go oldest first. A merged run is capped at
 * {@code maxBytes / 8}, which bounds what one drop deletes at once; runs at the cap are never merged again. Sizes grow
 * by about {@code mergeWidth} per merge, so each entry is rewritten about log<sub>width</sub>(cap / memtable) times,
 * and level 0 holds about {@code (width - 1)} runs per size tier plus the runs at the cap. Merging also drops
 * overwritten versions early, so more distinct entries fit the budget.
 */
public final class FifoPolicy implements CompactionPolicy {
  /** A merged run holds at most this share of the budget. */
  static final int MERGED_RUN_SHARE = 8;
  /** Runs merge together only while the largest is at most this many times the smallest. */
  static final int SIMILAR_SIZE = 2;

  private final long maxBytes;
  private final int mergeWidth;

  /** A FIFO policy that never merges: write amplification 1, one run per flush. */
  public FifoPolicy(long maxBytes) {
    this(maxBytes, 0);
  }

  /**
   * @param maxBytes the byte budget of all tables
   * @param mergeWidth the fewest adjacent similar-sized runs merged at once; 0 never merges
   */
  public FifoPolicy(long maxBytes, int mergeWidth) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("FIFO maxBytes must be at least 1, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.mergeWidth = io.cairn.engine.Options.checkFifoMergeWidth("FIFO mergeWidth", mergeWidth);
  }

  @Override
  public Compaction pick(Version v, long nowMillis) {
    return pick(v, nowMillis, Long.MAX_VALUE);
  }

  /** As {@link #pick(Version, long)}, with the budget lowered to {@code tableBytesLimit} when the disk is smaller. */
  @Override
  public Compaction pick(Version v, long nowMillis, long tableBytesLimit) {
    Compaction drop = pickDrop(v, nowMillis, Math.min(maxBytes, tableBytesLimit));
    if (drop != null || mergeWidth == 0) {
      return drop;
    }
    return pickMerge(v.runs(0), false);
  }

  /**
   * The oldest runs that together hold at least {@code bytes} (all of them if they hold less), to make room after a
   * write found the disk full. Not offered to a drop listener, since keeping entries would need the room there is
   * not; the store tells it of the entries deleted.
   */
  @Override
  public Compaction dropForSpace(Version v, long bytes) {
    List<Run> runs = v.runs(0);
    List<Compaction.Input> drop = new ArrayList<>();
    long freed = 0;
    for (int i = runs.size() - 1; i >= 0 && freed < bytes; i--) {
      for (FileMeta f : runs.get(i).files()) {
        drop.add(new Compaction.Input(0, f));
        freed += f.fileBytes();
      }
    }
    if (drop.isEmpty()) {
      return null;
    }
    return new Compaction(drop, 0, Compaction.NEW_RUN, true, "fifo: out of disk space, dropping " + freed
        + " bytes of the oldest tables", false);
  }

  /**
   * The oldest runs while the tables exceed {@code budget} (a drop by budget, oldest first), else the oldest run whose
   * tables have all expired and shadow nothing older. The two never mix, so that a drop by budget is one the store
   * offers to its drop listener; an expired run found past the budgeted ones waits for the next pick.
   */
  private Compaction pickDrop(Version v, long nowMillis, long budget) {
    List<Run> runs = v.runs(0);
    List<Compaction.Input> drop = new ArrayList<>();
    long total = 0;
    for (int level = 0; level < v.levelCount(); level++) {
      total += v.levelBytes(level);
    }
    // Oldest first: runs are ordered newest first.
    for (int i = runs.size() - 1; i >= 0; i--) {
      Run r = runs.get(i);
      boolean overBudget = total > budget;
      if (!overBudget && !drop.isEmpty()) {
        break;
      }
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
        return new Compaction(drop, 0, Compaction.NEW_RUN, true, "fifo: every entry expired", false);
      }
    }
    if (drop.isEmpty()) {
      return null;
    }
    String why = budget == maxBytes ? "fifo: budget " + maxBytes + " bytes"
        : "fifo: the disk holds " + budget + " bytes of tables (budget " + maxBytes + ")";
    return new Compaction(drop, 0, Compaction.NEW_RUN, true, why, true);
  }

  /**
   * The newest group of adjacent runs worth merging, or null. A group starts at a run under the cap and takes older
   * neighbours while their sum stays within the cap and, unless {@code anySize}, their sizes within
   * {@link #SIMILAR_SIZE} of each other.
   */
  private Compaction pickMerge(List<Run> runs, boolean anySize) {
    long cap = Math.max(1, maxBytes / MERGED_RUN_SHARE);
    for (int start = 0; start < runs.size(); start++) {
      long first = runs.get(start).bytes();
      if (first >= cap) {
        continue;
      }
      long sum = first;
      long smallest = first;
      long largest = first;
      int end = start + 1;
      for (; end < runs.size(); end++) {
        long size = runs.get(end).bytes();
        long lo = Math.min(smallest, size);
        long hi = Math.max(largest, size);
        if ((!anySize && hi > SIMILAR_SIZE * lo) || sum + size > cap) {
          break;
        }
        sum += size;
        smallest = lo;
        largest = hi;
      }
      int width = end - start;
      if (width >= 2 && (anySize || width >= mergeWidth || sum >= cap / 2)) {
        List<Compaction.Input> in = new ArrayList<>();
        for (Run r : runs.subList(start, end)) {
          for (FileMeta f : r.files()) {
            in.add(new Compaction.Input(0, f));
          }
        }
        // The output replaces the group where it stands: it takes the newest input's run id, and no other run's id
        // lies between the inputs', so it is older than every run newer than the group and newer than the rest.
        return new Compaction(in, 0, runs.get(start).runId(), false,
            "fifo: merge " + width + " adjacent level-0 runs (" + sum + " bytes)");
      }
    }
    return null;
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

  /**
   * A manual compaction: the drops due, else (with merging on) one merge of the newest adjacent runs under the cap
   * whatever their sizes, so that it cleans what merging cleans (overwritten versions, filtered keys) without making
   * a run that one drop would delete whole.
   */
  @Override
  public Compaction full(Version v, long nowMillis) {
    Compaction drop = pickDrop(v, nowMillis, maxBytes);
    if (drop != null || mergeWidth == 0) {
      return drop;
    }
    return pickMerge(v.runs(0), true);
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
