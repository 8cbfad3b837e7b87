package io.cairn.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who WATCHes which key: (database number, key) to the watching sessions, each with whether the key was live when it
 * watched. A write marks them dirty ({@link #touch}) while it holds its key's stripe, and EXEC checks and runs under
 * the exclusive mode of every watched key's stripe, so a write lands either before the check (EXEC answers nil) or
 * after the transaction. A key the database loses by itself (its disk tier's budget, a heap-only eviction) dirties
 * its watchers as Redis's eviction does ({@link #touchLost}), from whichever thread dropped it. Expiry needs no
 * event: EXEC also treats a key that was live when watched and is gone now as changed.
 *
 * <p>Thread-safety: concurrent maps; a session's own list of its watches is its event loop's.
 */
final class Watches {
  private record Slot(int db, Key key) {}

  /** Per watched key, its watchers and whether each saw the key live when it watched. */
  private final Map<Slot, Map<Session, Boolean>> bySlot = new ConcurrentHashMap<>();

  void watch(Session s, int db, Key key, boolean live) {
    for (Transaction.Watched w : s.tx.watched) {
      if (w.db() == db && w.key().equals(key)) {
        return;
      }
    }
    s.tx.watched.add(new Transaction.Watched(db, key, live));
    bySlot.computeIfAbsent(new Slot(db, key), k -> new ConcurrentHashMap<>()).put(s, live);
  }

  /** A write to {@code key} of database {@code db}: its watchers' transactions will fail. */
  void touch(int db, Key key) {
    if (bySlot.isEmpty()) {
      return;
    }
    Map<Session, Boolean> ss = bySlot.get(new Slot(db, key));
    if (ss != null) {
      for (Session s : ss.keySet()) {
        s.tx.dirty = true;
      }
    }
  }

  /**
   * Database {@code db} lost {@code key} by itself: watchers that saw it live are dirtied, as Redis's eviction
   * (signalModifiedKey) does; one that watched it already gone (expired, not yet purged) sees no change, as Redis's
   * touchWatchedKey decides for a key that was expired when watched.
   */
  void touchLost(int db, Key key) {
    if (bySlot.isEmpty()) {
      return;
    }
    Map<Session, Boolean> ss = bySlot.get(new Slot(db, key));
    if (ss != null) {
      ss.forEach((s, liveWhenWatched) -> {
        if (liveWhenWatched) {
          s.tx.dirty = true;
        }
      });
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
    for (Map.Entry<Slot, Map<Session, Boolean>> e : bySlot.entrySet()) {
      if (e.getKey().db() == db && live.test(e.getKey().key())) {
        for (Session s : e.getValue().keySet()) {
          s.tx.dirty = true;
        }
      }
    }
  }

  void unwatchAll(Session s) {
    for (Transaction.Watched w : s.tx.watched) {
      Slot slot = new Slot(w.db(), w.key());
      bySlot.computeIfPresent(slot, (k, watchers) -> {
        watchers.remove(s);
        return watchers.isEmpty() ? null : watchers;
      });
    }
    s.tx.watched.clear();
    s.tx.dirty = false;
  }
}
