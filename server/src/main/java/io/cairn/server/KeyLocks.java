package io.cairn.server;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The isolation of commands that touch more than one key: 4096 lock stripes chosen by a key's hash (whatever its
 * database, so a transaction that changes database still locks every key it touches).
 *
 * <ul>
 *   <li>A single-key write (SET, INCR, EXPIRE...) holds its stripe's shared (read) mode: writers of different keys
 *       never wait for each other, and the cache's per-key lock orders writers of the same key.</li>
 *   <li>A single-key read (GET, TTL...) takes no lock: it reads under an optimistic stamp and runs again under the
 *       shared mode if a multi-key command held the stripe meanwhile, so it never sees half of one.</li>
 *   <li>A multi-key command (MSET, MSETNX, MGET, DEL k1 k2, RENAME, COPY) and EXEC take the exclusive mode of every
 *       stripe they touch, in ascending stripe order, so two of them cannot deadlock; whole-keyspace commands
 *       (FLUSHDB, FLUSHALL, SWAPDB, and EXEC of a transaction that has one) take every stripe.</li>
 * </ul>
 * A thread holds at most one shared stripe and never waits for a second while holding it, and exclusive holders lock
 * in one order, so there is no deadlock. StampedLock is not reentrant: code running under an exclusive hold (a
 * transaction) must not lock again, which {@link Session} ensures.
 */
final class KeyLocks {
  static final int STRIPES = 4096;
  private static final int[] ALL = new int[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      ALL[i] = i;
    }
  }

  private final StampedLock[] stripes = new StampedLock[STRIPES];

  KeyLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new StampedLock();
    }
  }

  static int stripeOf(Key key) {
    return (int) (key.hash64() >>> 52);
  }

  StampedLock stripe(Key key) {
    return stripes[stripeOf(key)];
  }

  /** The distinct stripes of {@code keys}, ascending. */
  static int[] stripesOf(Key[] keys, int n) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = stripeOf(keys[i]);
    }
    Arrays.sort(s);
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (m == 0 || s[m - 1] != s[i]) {
        s[m++] = s[i];
      }
    }
    return m == n ? s : Arrays.copyOf(s, m);
  }

  static int[] all() {
    return ALL;
  }

  /** Takes the exclusive mode of {@code sorted} (ascending, distinct) stripes; returns the stamps. */
  long[] lockAll(int[] sorted) {
    long[] stamps = new long[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      stamps[i] = stripes[sorted[i]].writeLock();
    }
    return stamps;
  }

  void unlockAll(int[] sorted, long[] stamps) {
    for (int i = sorted.length - 1; i >= 0; i--) {
      stripes[sorted[i]].unlockWrite(stamps[i]);
    }
  }
}
