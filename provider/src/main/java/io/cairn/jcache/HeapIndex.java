package io.cairn.jcache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The heap tier's hash index: a chained hash table whose nodes are the {@link Holder}s themselves, so a hit is a
 * table slot, a holder and its key, with no map node in between.
 *
 * <h2>Concurrency</h2>
 * Reads take no lock. Writers take one of a fixed set of stripe locks, chosen by the key's hash; {@link #compute}
 * runs its function under that lock, which makes it the key's lock for the tier store. A holder is linked at the
 * head of its bin with a release store, so a reader that sees it sees its key, hash and chain; an unlinked holder
 * keeps its chain, so a reader standing on it walks on. Growing the table takes every stripe lock and relinks the
 * holders into a new table; readers that overlap a resize may walk a chain that is being moved, so every lock-free
 * read is bracketed by {@link #resizes} (odd while a resize runs, bumped twice by each) and retried when it changed:
 * a read never misses a holder that is in the index. The table only grows, at one holder per slot on average (short
 * chains, and a slot costs a reference per entry); the heap tier's capacity bounds it. Holders keep no hash: a chain
 * is short, so a key comparison costs what a hash comparison would, and a resize asks each key again.
 *
 * <p>A function run by {@link #compute} must not compute another key: stripes are reentrant, and a nested write to
 * the same stripe would change the bin the outer one is editing.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class HeapIndex<K, V> {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Holder[].class);
  private static final int MAX_TABLE = 1 << 30;

  private volatile Holder<V>[] table;
  private final ReentrantLock[] stripes;
  /** Even when no resize runs; odd while one does. Written under every stripe lock. */
  private volatile int resizes;
  /** Holders linked, counted under the stripe locks (a sum of per-stripe counts would cost a lookup per write). */
  private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array is made raw and cast
  HeapIndex(long expectedEntries) {
    int slots = tableSize(Math.min(expectedEntries, 1 << 16));
    this.table = (Holder<V>[]) new Holder[slots];
    int n = (int) Math.min(1024, Math.max(16, Long.highestOneBit(Math.max(1, expectedEntries / 8)) << 1));
    this.stripes = new ReentrantLock[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Slots for {@code entries} at a load of at most one holder per slot: a power of two, at least 16. */
  static int tableSize(long entries) {
    long n = Math.max(16, entries);
    return (int) Math.min(MAX_TABLE, Long.highestOneBit(n - 1) << 1);
  }

  /** Spreads a hash code over the bits a table index takes (never negative). */
  static int spread(int h) {
    return (h ^ (h >>> 16)) & 0x7fffffff;
  }

  @SuppressWarnings("unchecked")
  private static <V> Holder<V> slot(Holder<V>[] t, int i) {
    return (Holder<V>) SLOTS.getAcquire(t, i);
  }

  private static <V> void setSlot(Holder<V>[] t, int i, Holder<V> h) {
    SLOTS.setRelease(t, i, h);
  }

  private static boolean matches(Holder<?> e, Object key) {
    Object k = e.key;
    return k == key || key.equals(k);
  }

  /**
   * Run on the key's holder after each {@link #compute} that leaves one, still under the key's lock, once it is
   * linked (a remote cache checks its near copy against its stripe there); null for none. Set before first use.
   */
  private java.util.function.Consumer<Holder<V>> linked;

  void onLinked(java.util.function.Consumer<Holder<V>> action) {
    linked = action;
  }

  /** The key's holder, or null; takes no lock. */
  Holder<V> get(Object key) {
    int hash = spread(key.hashCode());
    while (true) {
      int r = resizes;
      if ((r & 1) == 0) {
        Holder<V>[] t = table;
        Holder<V> e = slot(t, hash & (t.length - 1));
        while (e != null && !matches(e, key)) {
          e = e.chain;
        }
        if (resizes == r) {
          return e;
        }
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Loads what lookups of {@code keys[0..count)} will touch, in passes over the batch (the slots, then the holders in
   * them, then those holders' keys, compared with the wanted ones, then the found holders' values) so that the cache
   * misses of one pass overlap instead of coming one lookup after another; a hint that takes no lock and changes
   * nothing. Only a bin's first holder is looked at (chains average under one holder); a null key is skipped.
   * {@code found} (at least
   * {@code count} long) receives each key's holder, or null where the first holder of its bin is another key's; it is
   * a snapshot, stale at once, and storing into it keeps the loads from being optimised away.
   */
  void prefetch(Object[] keys, int count, Object[] found) {
    Holder<V>[] t = table;
    int mask = t.length - 1;
    for (int i = 0; i < count; i++) {
      Object k = keys[i];
      found[i] = k == null ? null : slot(t, spread(k.hashCode()) & mask);
    }
    Object[] seen = new Object[count];
    for (int i = 0; i < count; i++) {
      if (found[i] instanceof Holder<?> h) {
        seen[i] = h.key;
      }
    }
    for (int i = 0; i < count; i++) {
      Object k = seen[i];
      if (k == null || !k.equals(keys[i])) {
        found[i] = null;
      }
    }
    for (int i = 0; i < count; i++) {
      if (found[i] instanceof Holder<?> h) {
        Object form = h.form;
        seen[i] = form == null ? null : form.getClass();
      }
    }
  }

  private ReentrantLock stripe(int hash) {
    return stripes[hash & (stripes.length - 1)];
  }

  /**
   * Runs {@code fn} on the key's holder (null if none) under the key's stripe lock, and makes what it returns the
   * key's holder: null removes it, another holder (made for this key) replaces it. Returns the key's holder after.
   */
  Holder<V> compute(K key, BiFunction<? super K, Holder<V>, Holder<V>> fn) {
    return compute(key, fn, false);
  }

  /** {@link #compute}, only if the key has a holder; null otherwise. */
  Holder<V> computeIfPresent(K key, BiFunction<? super K, Holder<V>, Holder<V>> fn) {
    return compute(key, fn, true);
  }

  private Holder<V> compute(K key, BiFunction<? super K, Holder<V>, Holder<V>> fn, boolean onlyIfPresent) {
    int hash = spread(key.hashCode());
    ReentrantLock lock = stripe(hash);
    boolean grow;
    Holder<V> result;
    lock.lock();
    try {
      Holder<V>[] t = table;
      int i = hash & (t.length - 1);
      Holder<V> pred = null;
      Holder<V> e = slot(t, i);
      while (e != null && !matches(e, key)) {
        pred = e;
        e = e.chain;
      }
      if (e == null && onlyIfPresent) {
        return null;
      }
      result = fn.apply(key, e);
      grow = false;
      if (result != e) {
        if (e != null) {
          Holder<V> after = e.chain;
          if (pred == null) {
            setSlot(t, i, after);
          } else {
            pred.chain = after;
          }
        }
        if (result != null) {
          if (!result.key.equals(key)) {
            throw new IllegalStateException("a holder for key " + result.key + " was given for key " + key);
          }
          result.chain = slot(t, i);
          setSlot(t, i, result);
        }
        // A replacement leaves the count as it is: only an insert or a removal touches the shared counter.
        if (e == null) {
          grow = count.incrementAndGet() > t.length && t.length < MAX_TABLE;
        } else if (result == null) {
          count.decrementAndGet();
        }
      }
      if (result != null && linked != null) {
        linked.accept(result);
      }
    } finally {
      lock.unlock();
    }
    if (grow) {
      grow();
    }
    return result;
  }

  /** Doubles the table (if no other thread did meanwhile), relinking every holder, with every stripe locked. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void grow() {
    for (ReentrantLock l : stripes) {
      l.lock();
    }
    try {
      Holder<V>[] old = table;
      if (count.get() <= old.length || old.length >= MAX_TABLE) {
        return;
      }
      resizes++;
      Holder<V>[] t = (Holder<V>[]) new Holder[old.length << 1];
      for (int i = 0; i < old.length; i++) {
        Holder<V> e = slot(old, i);
        while (e != null) {
          Holder<V> next = e.chain;
          int j = spread(e.key.hashCode()) & (t.length - 1);
          e.chain = t[j];
          t[j] = e;
          e = next;
        }
      }
      table = t;
      resizes++;
    } finally {
      for (int i = stripes.length - 1; i >= 0; i--) {
        stripes[i].unlock();
      }
    }
  }

  /** Every holder linked now (a snapshot; holders linked or unlinked meanwhile may or may not be in it). */
  List<Holder<V>> holders() {
    while (true) {
      int r = resizes;
      if ((r & 1) == 0) {
        List<Holder<V>> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, count.get())));
        Holder<V>[] t = table;
        for (int i = 0; i < t.length; i++) {
          for (Holder<V> e = slot(t, i); e != null; e = e.chain) {
            out.add(e);
          }
        }
        if (resizes == r) {
          return out;
        }
      }
      Thread.onSpinWait();
    }
  }

  /** The keys of {@link #holders}. */
  @SuppressWarnings("unchecked")
  List<K> keys() {
    List<Holder<V>> hs = holders();
    List<K> out = new ArrayList<>(hs.size());
    for (Holder<V> h : hs) {
      out.add((K) h.key);
    }
    return out;
  }

  /** Holders linked now. */
  long size() {
    return count.get();
  }

  /** Forgets every holder at once (the cache is closing). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void discardAll() {
    for (ReentrantLock l : stripes) {
      l.lock();
    }
    try {
      table = (Holder<V>[]) new Holder[table.length];
      count.set(0);
    } finally {
      for (int i = stripes.length - 1; i >= 0; i--) {
        stripes[i].unlock();
      }
    }
  }
}
