package io.cairn.engine.version;

import io.cairn.engine.format.InternalKey;

/**
 * One table as the manifest records it. {@code runId} groups the tables of one sorted run within a level: tables of a
 * run do not overlap, and a run with a larger id holds newer data than every run with a smaller id on its level.
 */
public record FileMeta(long fileNumber, long fileBytes, long runId, long entries, long tombstones,
    long expiringEntries, long maxExpireAtMillis, byte[] smallest, byte[] largest) {

  /** True when this table's user key range intersects {@code [smallestUser, largestUser]} (user keys, inclusive). */
  public boolean overlaps(byte[] smallestUser, byte[] largestUser) {
    return InternalKey.compareUserKey(largest, smallestUser) >= 0
        && InternalKey.compareUserKey(smallest, largestUser) <= 0;
  }

  /** True when every entry carries an expiry at or before {@code nowMillis}. */
  public boolean allExpiredAt(long nowMillis) {
    return entries > 0 && expiringEntries == entries && maxExpireAtMillis <= nowMillis;
  }

  public byte[] smallestUserKey() {
    return InternalKey.userKey(smallest);
  }

  public byte[] largestUserKey() {
    return InternalKey.userKey(largest);
  }
}
