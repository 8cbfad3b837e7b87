package io.cairn.engine.compaction;

import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code LEVELED}: one sorted run per level below level 0; level n may hold {@code baseBytes * ratio^(n-1)} bytes.
 * Level 0 is merged into level 1 once it has {@code l0Trigger} runs. A level over its budget pushes one table (taken
 * round-robin across the key space) into the tables of the next level it overlaps. Lowest space amplification and
 * read cost; highest write amplification.
 */
public final class LeveledPolicy implements CompactionPolicy {
  private final int levels;
  private final int ratio;
  private final long baseBytes;
  private final int l0Trigger;
  /** Per level, the largest user key of the last table pushed down: the next pick starts after it. */
  private final byte[][] cursor;

  public LeveledPolicy(int levels, int ratio, long baseBytes, int l0Trigger) {
    this.levels = levels;
    this.ratio = ratio;
    this.baseBytes = baseBytes;
    this.l0Trigger = l0Trigger;
    this.cursor = new byte[levels][];
  }

  long targetBytes(int level) {
    double t = baseBytes;
    for (int i = 1; i < level; i++) {
      t *= ratio;
    }
    return (long) Math.min(t, Long.MAX_VALUE / 2);
  }

  @Override
  public Compaction pick(Version v, long nowMillis) {
    double bestScore = 1.0;
    int best = -1;
    if (v.runCount(0) >= l0Trigger) {
      bestScore = (double) v.runCount(0) / l0Trigger;
      best = 0;
    }
    for (int level = 1; level < levels - 1; level++) {
      double score = (double) v.levelBytes(level) / targetBytes(level);
      if (score > bestScore) {
        bestScore = score;
        best = level;
      }
    }
    if (best < 0) {
      return null;
    }
    if (best == 0) {
      List<Compaction.Input> in = CompactionPolicy.wholeLevel(v, 0);
      List<Compaction.Input> all = new ArrayList<>(in);
      all.addAll(CompactionPolicy.overlapping(v, 1, in));
      return new Compaction(all, 1, Compaction.LEVELED_RUN, false, "level 0 has " + v.runCount(0) + " runs");
    }
    FileMeta pick = nextTable(v, best);
    List<Compaction.Input> in = new ArrayList<>();
    in.add(new Compaction.Input(best, pick));
    List<Compaction.Input> all = new ArrayList<>(in);
    all.addAll(CompactionPolicy.overlapping(v, best + 1, in));
    cursor[best] = pick.largestUserKey();
    return new Compaction(all, best + 1, Compaction.LEVELED_RUN, false,
        "level " + best + " holds " + v.levelBytes(best) + " bytes, budget " + targetBytes(best));
  }

  private FileMeta nextTable(Version v, int level) {
    Run run = v.runs(level).get(0);
    if (cursor[level] != null) {
      for (FileMeta f : run.files()) {
        if (Arrays.compareUnsigned(f.smallestUserKey(), cursor[level]) > 0) {
          return f;
        }
      }
    }
    return run.files().get(0);
  }

  @Override
  public Compaction full(Version v, long nowMillis) {
    return CompactionPolicy.fullInto(v, levels - 1);
  }

  @Override
  public int slowdownRuns() {
    return l0Trigger * 2 + 4;
  }

  @Override
  public int stopRuns() {
    return l0Trigger * 3 + 6;
  }
}
