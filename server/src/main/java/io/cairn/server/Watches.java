package io.cairn.server;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who WATCHes which key: (database number, key) to the watching sessions. A write marks them dirty
 * ({@link #touch}) while it holds its key's stripe, and EXEC checks and runs under the exclusive mode of every
 * watched key's stripe, so a write lands either before the check (EXEC answers nil) or after the transaction.
 * Expiry needs no event: EXEC also treats a key that was live when watched and is gone now as changed.
 *
 * <p>Thread-safety: a concurrent map of concurrent sets; a session's own list of its watches is its event loop's.
 */
final class Watches {
  private record Slot(int db, Key key) {}

  private final Map<Slot, Set<Session>> bySlot = new ConcurrentHashMap<>();

  void watch(Session s, int db, Key key, boolean live) {
    for (Transaction.Watched w : s.tx.watched) {
      if (w.db() == db && w.key().equals(key)) {
        return;
      }
    }
    s.tx.watched.add(new Transaction.Watched(db, key, live));
    bySlot.computeIfAbsent(new Slot(db, key), k -> ConcurrentHashMap.newKeySet()).add(s);
  }

  /** A write to {@code key} of database {@code db}: its watchers' transactions will fail. */
  void touch(int db, Key key) {
    if (bySlot.isEmpty()) {
      return;
    }
    Set<Session> ss = bySlot.get(new Slot(db, key));
    if (ss != null) {
      for (Session s : ss) {
        s.tx.dirty = true;
      }
    }
  }

  /**
   * Database {@code db} is emptied or swapped (the caller holds every stripe): watchers of keys that exist in it
   * ({@code live} says) are dirtied, as Redis does for FLUSHDB, FLUSHALL and SWAPDB.
   */
  void touchDatabase(int db, java.util.function.Predicate<Key> live) {
    if (bySlot.isEmpty()) {
      return;
    }
    for (Map.Entry<Slot, Set<Session>> e : bySlot.entrySet()) {
      if (e.getKey().db() == db && live.test(e.getKey().key())) {
        for (Session s : e.getValue()) {
          s.tx.dirty = true;
        }
      }
    }
  }

  void unwatchAll(Session s) {
    for (Transaction.Watched w : s.tx.watched) {
      Slot slot = new Slot(w.db(), w.key());
      bySlot.computeIfPresent(slot, (k, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
    }
    s.tx.watched.clear();
    s.tx.dirty = false;
  }
}
