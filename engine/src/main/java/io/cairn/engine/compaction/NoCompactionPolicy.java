package io.cairn.engine.compaction;

import io.cairn.engine.version.Version;

/**
 * {@code NONE}: flushes pile up as level-0 runs and nothing merges them in the background. Writes never stall on
 * compaction; reads grow slower with every run. Suits bulk loads followed by a manual {@code compact()}.
 */
public final class NoCompactionPolicy implements CompactionPolicy {
  @Override
  public Compaction pick(Version v, long nowMillis) {
    return null;
  }

  @Override
  public Compaction full(Version v, long nowMillis) {
    return CompactionPolicy.fullInto(v, 1);
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
