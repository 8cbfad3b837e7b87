package io.cairn.engine.version;

import io.cairn.engine.format.InternalKey;
import java.util.List;

/** A sorted run: non-overlapping tables of one level, ordered by key. */
public record Run(long runId, List<FileMeta> files) {

  /** The table that may hold {@code userKey}, or null. Binary search on the largest keys. */
  public FileMeta find(byte[] userKey) {
    int lo = 0;
    int hi = files.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compareUserKey(files.get(mid).largest(), userKey) < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (lo < files.size() && InternalKey.compareUserKey(files.get(lo).smallest(), userKey) <= 0) {
      return files.get(lo);
    }
    return null;
  }

  /** Index of the first table whose largest user key is at or after {@code userKey}. */
  public int firstAtOrAfter(byte[] userKey) {
    int lo = 0;
    int hi = files.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compareUserKey(files.get(mid).largest(), userKey) < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  public long bytes() {
    long sum = 0;
    for (FileMeta f : files) {
      sum += f.fileBytes();
    }
    return sum;
  }
}
