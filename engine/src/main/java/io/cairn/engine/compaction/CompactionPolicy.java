package io.cairn.engine.compaction;

import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.util.ArrayList;
import java.util.List;

/** Decides what to compact next. Implementations are called with the store's mutex held and must be quick. */
public interface CompactionPolicy {
  /** The next piece of work, or null when the tree is in shape. */
  Compaction pick(Version v, long nowMillis);

  /**
   * The next piece of work when the disk holds at most {@code tableBytesLimit} bytes of tables (what the tables take
   * now plus what the file system has left, less the room the store keeps for its writes). A policy that drops data
   * to stay within a budget (FIFO) takes the smaller of the two; the others ignore the limit.
   */
  default Compaction pick(Version v, long nowMillis, long tableBytesLimit) {
    return pick(v, nowMillis);
  }

  /**
   * After a write found the disk full: tables to drop, oldest first, that free at least {@code bytes}, or null if this
   * policy never drops data to make room (all but FIFO).
   */
  default Compaction dropForSpace(Version v, long bytes) {
    return null;
  }

  /** Merges every table into one run on the bottom level (a manual full compaction), or null if nothing to do. */
  Compaction full(Version v, long nowMillis);

  /** Level-0 runs at which writers are slowed; {@code Integer.MAX_VALUE} to never slow. */
  int slowdownRuns();

  /** Level-0 runs at which writers wait for compaction; {@code Integer.MAX_VALUE} to never wait. */
  int stopRuns();

  /** All tables of a version as inputs: the building block of a full compaction. */
  static List<Compaction.Input> everything(Version v) {
    List<Compaction.Input> in = new ArrayList<>();
    for (int level = 0; level < v.levelCount(); level++) {
      for (Run r : v.runs(level)) {
        for (FileMeta f : r.files()) {
          in.add(new Compaction.Input(level, f));
        }
      }
    }
    return in;
  }

  /** Every table of every run on {@code level}. */
  static List<Compaction.Input> wholeLevel(Version v, int level) {
    List<Compaction.Input> in = new ArrayList<>();
    for (Run r : v.runs(level)) {
      for (FileMeta f : r.files()) {
        in.add(new Compaction.Input(level, f));
      }
    }
    return in;
  }

  /** Tables on {@code level} whose key range meets the inputs' combined range. */
  static List<Compaction.Input> overlapping(Version v, int level, List<Compaction.Input> inputs) {
    byte[] lo = null;
    byte[] hi = null;
    for (Compaction.Input i : inputs) {
      byte[] s = i.file().smallestUserKey();
      byte[] l = i.file().largestUserKey();
      if (lo == null || java.util.Arrays.compareUnsigned(s, lo) < 0) {
        lo = s;
      }
      if (hi == null || java.util.Arrays.compareUnsigned(l, hi) > 0) {
        hi = l;
      }
    }
    List<Compaction.Input> out = new ArrayList<>();
    if (lo == null) {
      return out;
    }
    for (Run r : v.runs(level)) {
      for (FileMeta f : r.files()) {
        if (f.overlaps(lo, hi)) {
          out.add(new Compaction.Input(level, f));
        }
      }
    }
    return out;
  }

  /** A full compaction into one run on {@code bottom}, unless the tree already is exactly that. */
  static Compaction fullInto(Version v, int bottom) {
    List<Compaction.Input> all = everything(v);
    if (all.isEmpty()) {
      return null;
    }
    boolean alreadyOneRun = v.runCount(bottom) == 1 && all.size() == v.files(bottom).size();
    boolean anyTombstone = false;
    for (Compaction.Input i : all) {
      anyTombstone |= i.file().tombstones() > 0 || i.file().expiringEntries() > 0;
    }
    if (alreadyOneRun && !anyTombstone) {
      return null;
    }
    return new Compaction(all, bottom, Compaction.LEVELED_RUN, false, "manual full compaction");
  }
}
