package io.cairn.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.cache.Cache;

/**
 * A connection's open SCAN iterations. Redis's cursor encodes a position in its hash table; a Cairn database is a
 * heap tier over an LSM tree, so a cursor here names an iteration the server keeps: every key present from the first
 * call to the last is returned (a key may come twice, as Redis allows). A connection keeps its 16 most recent
 * iterations; a cursor that is no longer kept (or that belongs to another database) ends its scan with cursor 0.
 *
 * <p>Not thread-safe: the connection's event loop only.
 */
final class ScanCursors {
  private static final int KEPT = 16;

  record Scan(Database db, Iterator<Cache.Entry<Key, byte[]>> entries) {}

  private long next = 1;
  private final Map<Long, Scan> open = new LinkedHashMap<>(KEPT, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Scan> e) {
      return size() > KEPT;
    }
  };

  /** Starts an iteration over {@code db}. */
  Scan start(Database db) {
    return new Scan(db, db.cache.iterator());
  }

  /** The iteration {@code cursor} names, or null. */
  Scan resume(long cursor, Database db) {
    Scan s = open.remove(cursor);
    return s != null && s.db() == db ? s : null;
  }

  /** Keeps {@code scan} for a later call; returns its cursor. */
  long keep(Scan scan) {
    long c = next++;
    if (next <= 0) {
      next = 1;
    }
    open.put(c, scan);
    return c;
  }
}
