package io.cairn.engine.compaction;

import io.cairn.engine.version.FileMeta;
import java.util.List;

/**
 * One piece of compaction work.
 *
 * @param inputs tables to merge (or, with {@code dropOnly}, to delete), each with its level
 * @param outputLevel where merged output goes
 * @param outputRunId the run the output joins, or {@link #NEW_RUN} for a fresh run newer than every run on that level
 * @param dropOnly delete the inputs without writing anything (FIFO)
 * @param reason why the policy chose this work, for logs and statistics
 * @param byBudget with {@code dropOnly}: the inputs go because the tables exceed their byte budget, so they may hold
 *     live entries (the store offers those to its FIFO drop listener first); false when nothing in them is live
 */
public record Compaction(List<Input> inputs, int outputLevel, long outputRunId, boolean dropOnly, String reason,
    boolean byBudget) {
  public static final long NEW_RUN = -1;
  /** The run id of the single run on a leveled level. */
  public static final long LEVELED_RUN = 0;

  /** Work that is not a drop by budget: a merge, or a drop of tables with nothing live in them. */
  public Compaction(List<Input> inputs, int outputLevel, long outputRunId, boolean dropOnly, String reason) {
    this(inputs, outputLevel, outputRunId, dropOnly, reason, false);
  }

  public record Input(int level, FileMeta file) {}

  public int minInputLevel() {
    int min = Integer.MAX_VALUE;
    for (Input i : inputs) {
      min = Math.min(min, i.level());
    }
    return min;
  }

  public long inputBytes() {
    long sum = 0;
    for (Input i : inputs) {
      sum += i.file().fileBytes();
    }
    return sum;
  }
}
