package io.cairn.jcache;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heap tier: a concurrent map of hot entries bounded in entries, evicting with S3-FIFO (Yang et al., "FIFO queues
 * are all you need for cache eviction", SOSP '23).
 *
 * <h2>Policy</h2>
 * A new key enters a small FIFO queue (a tenth of the capacity). When the small queue's oldest holder is looked at, one
 * hit since it entered moves it to the main queue; none evicts it and leaves its key's fingerprint in the ghost table.
 * A new key whose fingerprint is in the ghost table (it was evicted from the small queue not long ago) enters the
 * main queue directly. The main queue is a CLOCK: its oldest holder, if hit since the evictor last saw it, is queued
 * again as the newest with one hit fewer; otherwise it is evicted. One-hit wonders thus leave after a short stay in the small
 * queue without disturbing the main one, which is what makes the policy scan-resistant.
 *
 * <h2>Concurrency</h2>
 * A hit is a {@link HeapIndex#get} and, unless the holder's count is already saturated, a plain write of
 * {@link Holder#freq}: no lock, no CAS, no shared counter. The map's {@code compute} for a key is that key's lock
 * ({@link TierStore}). The queues, their sizes and the ghost table belong to {@link #evictionLock}. A holder new to
 * the map is linked into a queue by {@link #admitted}, after the compute that created it: with the lock when it is
 * free, else pushed on a lock-free pending stack that the next holder of the lock drains, so writers of new keys do
 * not wait for each other. A writer waits for the lock only when the tier is past its capacity by more than
 * {@link #slack}, which bounds the overshoot. Holders that leave the map ({@link #unmapped}) stay linked until the
 * evictor meets them, or a sweep unlinks them once they outnumber the live ones.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class HeapTier<K, V> {
  static final byte MAX_FREQ = 3;
  private static final byte NONE = 0;
  private static final byte SMALL = 1;
  private static final byte MAIN = 2;

  /** What the tier asks of its owner when it picks a victim: evict it if it is still the key's holder. */
  interface Evictor<K, V> {
    /**
     * Called with the eviction lock held and no key lock; returns whether {@code victim} left the heap tier. Events of
     * the eviction (an entry found expired) go to {@code events}, the operation's whose write made room necessary.
     */
    boolean evict(Holder<V> victim, PendingEvents<K, V> events);
  }

  private final HeapIndex<K, V> map;
  private final long capacity;
  private final long smallCapacity;
  private final long slack;
  private final Evictor<K, V> evictor;
  private final ReentrantLock evictionLock = new ReentrantLock();
  /** Unmapped holders that may still be linked or pending. */
  private final AtomicInteger dead = new AtomicInteger();
  private final AtomicReference<Holder<V>> pending = new AtomicReference<>();

  // Guarded by evictionLock.
  private final Queue<V> small = new Queue<>();
  private final Queue<V> main = new Queue<>();
  private final int[] ghost;
  /** Holders evicted for size; written with the eviction lock held, read without it. */
  private volatile long evictions;
  /** Of those, holders whose entry was written below as it left ({@link #spilled}); as {@link #evictions}. */
  private volatile long spills;

  HeapTier(long capacity, Evictor<K, V> evictor) {
    this.capacity = Math.max(0, capacity);
    this.smallCapacity = Math.max(1, this.capacity / 10);
    this.slack = Math.max(16, Math.min(1 << 16, this.capacity / 16));
    this.evictor = evictor;
    this.map = new HeapIndex<>(this.capacity);
    this.ghost = new int[ghostSlots(this.capacity)];
  }

  /** Ghost fingerprints: about as many as the main queue holds, a power of two from 16 to 2^20. */
  static int ghostSlots(long capacity) {
    long n = Math.max(16, Math.min(1 << 20, capacity));
    return (int) Long.highestOneBit(n - 1) << 1;
  }

  /** The heap map; its compute for a key is the key's lock. Only {@link TierStore} writes it. */
  HeapIndex<K, V> map() {
    return map;
  }

  /**
   * {@link HeapIndex#prefetch} for a batch of keys, and for each key not found there, its slot of the ghost table,
   * which admitting it as a new holder reads.
   */
  void prefetch(Object[] keys, int count) {
    Object[] found = new Object[count];
    map.prefetch(keys, count, found);
    int[] g = ghost;
    int sink = 0;
    for (int i = 0; i < count; i++) {
      if (found[i] == null && keys[i] != null) {
        sink += g[spread(keys[i].hashCode()) & (g.length - 1)];
      }
    }
    found[0] = sink;
  }

  /** A lock-free read: the key's holder, counted as a hit for the eviction policy, or null. */
  Holder<V> get(Object key) {
    Holder<V> h = map.get(key);
    if (h != null && h.freq < MAX_FREQ) {
      h.freq++;
    }
    return h;
  }

  /** The key's holder without counting a hit (for reads that are not uses: iteration bookkeeping, size). */
  Holder<V> peek(Object key) {
    return map.get(key);
  }

  /** Under the holder's key lock, as it leaves the map (removed, expired, evicted or cleared). */
  void unmapped(Holder<V> h) {
    if (!h.unmapped) {
      h.unmapped = true;
      dead.incrementAndGet();
    }
  }

  /** Entries in the map now. */
  long size() {
    return map.size();
  }

  long capacity() {
    return capacity;
  }

  /** Holders evicted for size since the tier was built. */
  long evictions() {
    return evictions;
  }

  /** Entries evicted for size that were written to the tier below as they left. */
  long spills() {
    return spills;
  }

  /** Called by the {@link Evictor}, with the eviction lock held: the victim's entry was written below. */
  void spilled() {
    assert evictionLock.isHeldByCurrentThread();
    spills++;
  }

  /**
   * After the compute that put {@code h} in the map, with no key lock held: links it into its queue and evicts what
   * the capacity asks.
   */
  void admitted(Holder<V> h, PendingEvents<K, V> events) {
    if (evictionLock.tryLock()) {
      try {
        link(h);
        maintain(events);
      } finally {
        evictionLock.unlock();
      }
      return;
    }
    push(h);
    if (map.size() > capacity + slack) {
      evictionLock.lock();
      try {
        maintain(events);
      } finally {
        evictionLock.unlock();
      }
    }
  }

  /** Evicts until the tier is within its capacity (for callers that shrink it or want it settled, such as tests). */
  void cleanUp(PendingEvents<K, V> events) {
    evictionLock.lock();
    try {
      maintain(events);
    } finally {
      evictionLock.unlock();
    }
  }

  private void push(Holder<V> h) {
    while (true) {
      Holder<V> top = pending.get();
      h.next = top;
      if (pending.compareAndSet(top, h)) {
        return;
      }
    }
  }

  /** With the eviction lock: links pending holders, evicts past the capacity, sweeps when the dead pile up. */
  private void maintain(PendingEvents<K, V> events) {
    Holder<V> p = pending.getAndSet(null);
    while (p != null) {
      Holder<V> next = p.next;
      p.next = null;
      link(p);
      p = next;
    }
    while (map.size() > capacity) {
      Holder<V> victim = victim();
      if (victim == null) {
        break;
      }
      if (evictor.evict(victim, events)) {
        evictions++;
      }
      if (victim.unmapped) {
        dead.decrementAndGet();
      } else {
        // Kept by its owner (it could not be moved below): it stays, as the newest of the main queue.
        main.addLast(victim, MAIN);
        break;
      }
    }
    int d = dead.get();
    if (d > 64 && d > map.size()) {
      sweep(small);
      sweep(main);
    }
  }

  private void link(Holder<V> h) {
    if (h.queue != NONE) {
      return;
    }
    if (h.unmapped) {
      dead.decrementAndGet();
      return;
    }
    int hash = spread(h.key.hashCode());
    int slot = hash & (ghost.length - 1);
    if (ghost[slot] == fingerprint(hash)) {
      ghost[slot] = 0;
      main.addLast(h, MAIN);
    } else {
      small.addLast(h, SMALL);
    }
  }

  /** The next holder to evict, taken out of its queue; null when both queues are empty. */
  private Holder<V> victim() {
    while (true) {
      if (small.size >= smallCapacity || main.size == 0) {
        Holder<V> t = small.removeFirst();
        if (t == null) {
          if (main.size == 0) {
            return null;
          }
        } else if (t.unmapped) {
          dead.decrementAndGet();
        } else if (t.freq > 0) {
          t.freq = 0;
          main.addLast(t, MAIN);
        } else {
          int hash = spread(t.key.hashCode());
          ghost[hash & (ghost.length - 1)] = fingerprint(hash);
          return t;
        }
        continue;
      }
      Holder<V> t = main.removeFirst();
      if (t == null) {
        continue;
      }
      if (t.unmapped) {
        dead.decrementAndGet();
      } else if (t.freq > 0) {
        t.freq--;
        main.addLast(t, MAIN);
      } else {
        return t;
      }
    }
  }

  private void sweep(Queue<V> q) {
    Holder<V> pred = null;
    Holder<V> h = q.head;
    while (h != null) {
      Holder<V> next = h.next;
      if (h.unmapped) {
        q.unlink(pred, h);
        dead.decrementAndGet();
      } else {
        pred = h;
      }
      h = next;
    }
  }

  /** Forgets every queue (after the map was emptied entry by entry, each unmapped). */
  void clearQueues() {
    evictionLock.lock();
    try {
      maintain(PendingEvents.none());
      sweep(small);
      sweep(main);
    } finally {
      evictionLock.unlock();
    }
  }

  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    return h ^ (h >>> 16);
  }

  /** A ghost entry for a key hash: never 0, which marks an empty slot. */
  private static int fingerprint(int hash) {
    return hash >>> 8 | 0x1000000;
  }

  /** A singly-linked FIFO of holders: the oldest at the head, new ones at the tail. Guarded by the eviction lock. */
  private static final class Queue<V> {
    Holder<V> head;
    Holder<V> tail;
    long size;

    void addLast(Holder<V> h, byte queue) {
      h.queue = queue;
      h.next = null;
      if (tail == null) {
        head = h;
      } else {
        tail.next = h;
      }
      tail = h;
      size++;
    }

    Holder<V> removeFirst() {
      Holder<V> h = head;
      if (h != null) {
        unlink(null, h);
      }
      return h;
    }

    /** Unlinks {@code h}, whose predecessor is {@code pred} (null: {@code h} is the head). */
    void unlink(Holder<V> pred, Holder<V> h) {
      Holder<V> n = h.next;
      if (pred == null) {
        head = n;
      } else {
        pred.next = n;
      }
      if (tail == h) {
        tail = pred;
      }
      h.next = null;
      h.queue = NONE;
      size--;
    }
  }
}
