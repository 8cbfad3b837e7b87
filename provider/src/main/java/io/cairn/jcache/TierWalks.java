package io.cairn.jcache;

import io.cairn.engine.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's operations over many keys, each key's part a {@link TierStore.Step} under that key's lock, one key at a
 * time: putAll and removeAll (the writer's batch call first), listing and counting every key, clearing, the expiry timer's sweep, range scans, and a write-back cache's
 * writing of its unsaved heap entries. None holds two key locks at once, so none sees the cache at one instant: a
 * write racing a walk is seen by it whole or not at all, key by key.
 *
 * <p>Thread-safety: stateless past construction; the tier store is thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class TierWalks<K, V> {
  private final TierStore<K, V> store;
  private final HeapIndex<K, V> map;
  private final HeapTier<K, V> heap;
  private final LowerTier lower;
  private final SharedLowerTier shared;
  private final Codec<K> keyCodec;
  private final ValueClaims<K, V> claims;
  private final Copier<K, V> copier;

  TierWalks(TierStore<K, V> store) {
    this.store = store;
    this.map = store.map;
    this.heap = store.heap;
    this.lower = store.lower;
    this.shared = store.shared;
    this.keyCodec = store.keyCodec;
    this.claims = store.claims;
    this.copier = store.copier;
  }

  /** A remote cache's keys whose entries live in this JVM only (see {@link NearCoherence#JVM_ONLY}). */
  @SuppressWarnings("unchecked") // a holder's key is the heap key, a K
  private List<K> jvmOnlyKeys() {
    List<K> keys = new ArrayList<>();
    for (Holder<V> h : map.holders()) {
      if (h instanceof NearHolder<V> n && n.stripe == NearCoherence.JVM_ONLY) {
        keys.add((K) n.key);
      }
    }
    return keys;
  }

  /** Every key in the cache, heap first, then keys only below (a remote cache: the shared tier's keys). */
  List<K> allKeys() {
    if (shared != null) {
      List<K> keys = jvmOnlyKeys();
      shared.keys().forEachRemaining(kb -> keys.add(keyCodec.decode(kb)));
      return keys;
    }
    Set<K> seen = new HashSet<>(map.keys());
    List<K> keys = new ArrayList<>(seen);
    Iterator<Entry> it = lower.scan(null, null);
    while (it.hasNext()) {
      K k = keyCodec.decode(it.next().key());
      if (seen.add(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** Empties the cache with no events and no writer calls: entry by entry on the heap, each releasing its claim. */
  void clear() {
    for (K key : map.keys()) {
      store.computeIfPresent(key, store.new Step(PendingEvents.none()) {
        @Override
        Holder<V> run(K k, Holder<V> h) {
          claims.released(h);
          return null;
        }
      });
    }
    heap.clearQueues();
    lower.deleteAll();
  }

  /** Counts the live entries on both tiers, reading every key. */
  long size() {
    long now = store.now();
    long n = 0;
    if (shared != null) {
      for (K k : jvmOnlyKeys()) {
        Holder<V> h = map.get(k);
        n += h != null && !h.isExpired(now) ? 1 : 0;
      }
      for (Iterator<byte[]> it = shared.keys(); it.hasNext(); ) {
        n += lower.read(it.next()) != null ? 1 : 0;
      }
      return n;
    }
    Set<K> heapKeys = new HashSet<>(map.keys());
    for (K k : heapKeys) {
      Holder<V> h = map.get(k);
      if (h != null ? !h.isExpired(now) : lower.read(keyCodec.encode(k)) != null) {
        n++;
      }
    }
    Iterator<Entry> it = lower.scan(null, null);
    while (it.hasNext()) {
      if (!heapKeys.contains(keyCodec.decode(it.next().key()))) {
        n++;
      }
    }
    return n;
  }

  /** Expires what is due on the heap and below, firing EXPIRED events without anyone touching the keys. */
  void expireDue(long now, java.util.function.Supplier<PendingEvents<K, V>> eventsFactory) {
    if (store.anyExpiry) {
      for (Holder<V> holder : map.holders()) {
        if (holder.isExpired(now)) {
          PendingEvents<K, V> events = eventsFactory.get();
          @SuppressWarnings("unchecked")
          K key = (K) holder.key;
          store.computeIfPresent(key, store.new Step(events) {
            @Override
            Holder<V> run(K k, Holder<V> h) {
              Holder<V> cur = shared == null ? h : store.resolve(k, h);
              if (cur == null || !cur.isExpired(now)) {
                return cur;
              }
              events.expired(k, cur.form);
              return store.drop(k, cur);
            }
          });
          events.dispatch();
        }
      }
    }
    if (!lower.isOpen()) {
      return;
    }
    for (LowerTier.Due due : lower.due(now, 10_000)) {
      K key = keyCodec.decode(due.key());
      PendingEvents<K, V> events = eventsFactory.get();
      store.compute(key, store.new Step(events) {
        @Override
        Holder<V> run(K k, Holder<V> h) {
          if (h != null) {
            if (h.below() && h.lowerExpireAt == due.expireAt()) {
              lower.delete(due.key(), due.expireAt(), claims.lowerValue(h));
              h.goneBelow();
              claims.wroteBelow(h, null);
              h.dirty = true;
            } else {
              lower.deleteIndex(due.expireAt(), due.key());
            }
            return h;
          }
          Entry e = lower.readIncludingExpired(due.key());
          if (e != null && e.expireAtMillis() == due.expireAt()) {
            events.expired(k, copier.fromBytes(e.value()));
            lower.delete(due.key(), due.expireAt(), e.value());
          } else {
            lower.deleteIndex(due.expireAt(), due.key());
          }
          return null;
        }
      });
      events.dispatch();
    }
  }

  /** The keys on the heap now (a remote cache: those of its JVM-only entries, its other keys are all below). */
  List<K> heapKeys() {
    return shared != null ? jvmOnlyKeys() : map.keys();
  }

  /** The keys below, in key order (a remote cache: in the shared tier's order). */
  Iterator<K> lowerKeys() {
    if (shared != null) {
      Iterator<byte[]> keys = shared.keys();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return keys.hasNext();
        }

        @Override
        public K next() {
          return keyCodec.decode(keys.next());
        }
      };
    }
    Iterator<Entry> it = lower.scan(null, null);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public K next() {
        return keyCodec.decode(it.next().key());
      }
    };
  }

  /**
   * Entries with encoded keys in [from, to), in key order, from below over a snapshot. A write-back cache first writes
   * its unsaved heap entries in the range; writes racing with that are each seen whole or not at all.
   */
  Iterator<Entry> range(byte[] from, byte[] to) {
    writeBackHeap(from, to);
    return lower.scan(from, to);
  }

  /**
   * A write-back cache, or a write-through one whose drops deleted copies of heap entries: writes the heap entries
   * whose copy below is missing or stale, those with encoded keys in [from, to) (null: unbounded), each under its lock.
   */
  void writeBackHeap(byte[] from, byte[] to) {
    if (!lower.enabled()) {
      return;
    }
    if (lower.writeThrough()) {
      if (!store.deletedBelow.rewritesPending) {
        return;
      }
      if (from == null && to == null) {
        store.deletedBelow.rewritesPending = false;
      }
    }
    for (K key : map.keys()) {
      if (from != null || to != null) {
        byte[] k = keyCodec.encode(key);
        if (from != null && Arrays.compareUnsigned(k, from) < 0 || to != null && Arrays.compareUnsigned(k, to) >= 0) {
          continue;
        }
      }
      store.computeIfPresent(key, store.new Step(PendingEvents.none()) {
        @Override
        Holder<V> run(K kk, Holder<V> h) {
          if (h.dirty && !expired(h)) {
            store.writeBelow(kk, h);
          }
          return h;
        }
      });
    }
  }

  /** Writes the heap's unsaved entries below, then the tier's buffers. */
  void flush() {
    writeBackHeap(null, null);
    lower.flush();
  }

  /**
   * Puts many entries; with the writer, only those it wrote are put, and its failure is rethrown after. A
   * bidirectional cache first refuses, changing nothing, a map that gives one value to two keys or a value another
   * key holds; each entry's write then claims its value as a single put does. Returns how many were put.
   */
  long putAll(Map<? extends K, ? extends V> entries, boolean replace, boolean useWriter, PendingEvents<K, V> events) {
    claims.checkPutAll(entries, replace, store::containsKey);
    Map<K, V> toPut = new LinkedHashMap<>(entries);
    CacheWriterException failure = null;
    if (useWriter && store.writer.enabled() && !toPut.isEmpty()) {
      List<javax.cache.Cache.Entry<? extends K, ? extends V>> pending = LoaderWriter.entries(toPut);
      failure = store.writer.writeAll(pending);
      if (failure != null) {
        for (javax.cache.Cache.Entry<? extends K, ? extends V> e : pending) {
          toPut.remove(e.getKey());
        }
      }
    }
    long count = 0;
    for (Map.Entry<K, V> e : toPut.entrySet()) {
      V value = e.getValue();
      TierStore<K, V>.Step s = store.compute(e.getKey(), store.new Step(events) {
        @Override
        Holder<V> run(K k, Holder<V> h) {
          Holder<V> cur = store.live(this, k, h);
          Object f = copier.in(value);
          if (cur == null) {
            return store.create(this, k, f, value);
          }
          if (!replace) {
            return h == null ? null : cur;
          }
          return store.update(this, k, cur, f, value);
        }
      });
      count += s.done ? 1 : 0;
    }
    if (failure != null) {
      throw failure;
    }
    return count;
  }

  /** Removes the keys' entries (the writer's deleteAll first); returns how many live entries went. */
  long removeAll(Set<K> keys, PendingEvents<K, V> events) {
    Set<K> toRemove = new java.util.LinkedHashSet<>(keys);
    CacheWriterException failure = null;
    if (store.writer.enabled() && !toRemove.isEmpty()) {
      Set<K> pending = new java.util.LinkedHashSet<>(toRemove);
      failure = store.writer.deleteAll(pending);
      if (failure != null) {
        toRemove.removeAll(pending);
      }
    }
    long count = 0;
    for (K key : toRemove) {
      TierStore<K, V>.Step s = store.compute(key, store.new Step(events) {
        @Override
        Holder<V> run(K k, Holder<V> h) {
          Holder<V> cur = store.resolve(k, h);
          if (cur == null) {
            return null;
          }
          if (expired(cur)) {
            events.expired(k, cur.form);
          } else {
            events.removed(k, cur.form);
            done = true;
          }
          return store.drop(k, cur);
        }
      });
      count += s.done ? 1 : 0;
    }
    if (failure != null) {
      throw failure;
    }
    return count;
  }
}
