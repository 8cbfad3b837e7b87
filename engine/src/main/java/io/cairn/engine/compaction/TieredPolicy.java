package io.cairn.engine.compaction;

import io.cairn.engine.version.Version;
import java.util.List;

/**
 * {@code TIERED} (size-tiered): each level gathers up to {@code ratio} runs; when it has that many, all of them are
 * merged into one new run on the next level. On the last level the runs are merged in place. Lowest write
 * amplification; reads and space pay for the extra runs.
 *
 * <p>With {@code leveledLast} it becomes {@code LAZY_LEVELED} (Dostoevsky's lazy leveling): tiered everywhere but the
 * last level, which holds one run that incoming runs are merged into, so space amplification stays that of leveling
 * while most levels keep tiering's low write cost.
 */
public final class TieredPolicy implements CompactionPolicy {
  private final int levels;
  private final int ratio;
  private final boolean leveledLast;

  public TieredPolicy(int levels, int ratio, boolean leveledLast) {
    this.levels = levels;
    this.ratio = ratio;
    this.leveledLast = leveledLast;
  }

  @Override
  public Compaction pick(Version v, long nowMillis) {
    int last = levels - 1;
    for (int level = 0; level < last; level++) {
      if (v.runCount(level) >= ratio) {
        List<Compaction.Input> in = CompactionPolicy.wholeLevel(v, level);
        String why = "level " + level + " has " + v.runCount(level) + " runs";
        if (leveledLast && level + 1 == last) {
          in.addAll(CompactionPolicy.overlapping(v, last, in));
          return new Compaction(in, last, Compaction.LEVELED_RUN, false, why);
        }
        return new Compaction(in, level + 1, Compaction.NEW_RUN, false, why);
      }
    }
    if (!leveledLast && v.runCount(last) >= ratio) {
      return new Compaction(CompactionPolicy.wholeLevel(v, last), last, Compaction.NEW_RUN, false,
          "last level has " + v.runCount(last) + " runs");
    }
    return null;
  }

  @Override
  public Compaction full(Version v, long nowMillis) {
    return CompactionPolicy.fullInto(v, levels - 1);
  }

  @Override
  public int slowdownRuns() {
    return ratio * 2 + 4;
  }

  @Override
  public int stopRuns() {
    return ratio * 3 + 6;
  }
}
