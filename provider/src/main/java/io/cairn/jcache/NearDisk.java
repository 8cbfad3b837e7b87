package io.cairn.jcache;

import io.cairn.engine.Entry;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A remote cache's local second level ({@code near-disk=true}): the near copies its heap tier evicted, in a disk tier
 * of its own that is not persistent (its files go when the cache closes), so a key read again after its eviction is
 * served from this machine's disk instead of from Redis, for as long as no invalidation of it came and the copy is
 * younger than the maximum local age.
 *
 * <h2>Record</h2>
 * The disk tier's entry for an encoded key holds {@code format:u8 stamp:u64 expireAt:u64 tick:u64} then the value's
 * codec bytes: the stamp of the shared version it copies (what a conditional write of the key expects), the entry's
 * absolute expiry (the engine's own expiry is not used, so no expiry index is kept), and the age tick from when the
 * copy was known current, which keeps counting while the copy is on disk. The disk tier's byte budget drops the
 * oldest copies (FIFO); a dropped copy is a miss that reads Redis, nothing is lost.
 *
 * <h2>Coherence</h2>
 * The invalidation of one key must reach its disk copy exactly, not its stripe (a stripe holds thousands of keys on a
 * large disk, and one write to any of them would void them all). An invalidation ({@link NearCoherence#invalidated})
 * first marks its key pending here ({@link #invalidating}), then bumps its stripe and voids the key's heap holder,
 * then queues the delete of the disk copy ({@link #invalidated}), which a background thread runs and then clears the
 * mark: the I/O thread that delivers invalidations never waits on the disk. The queue is bounded
 * ({@link #MAX_QUEUED_DELETES}): an invalidation that finds it full is not queued; instead every copy on disk stops
 * being served at once, by raising the age tick a copy must carry ({@link #servableFrom}) past the tick of every
 * copy made so far (see {@link #fellBehind}). A copy of a key that was marked when the read looked (before it read
 * the disk) is stale and deleted at once. A copy the heap evicts is written under the key's lock, then, after a
 * fence, the holder is checked again and the copy deleted if an invalidation voided it meanwhile: an invalidation
 * either voids the holder before that check (the evictor deletes the copy), or after it, and then its queued delete
 * comes after the write. A holder the evictor sees has been checked against its stripe under the lock that linked it
 * ({@link HeapIndex#compute}), so an invalidation that overtook its read has voided it already. A copy promoted back to
 * the heap is current as of a reservation taken before the disk was read, like a copy read from Redis. An invalidation
 * of everything ages every copy past the maximum at once ({@link NearCoherence#invalidatedAll}).
 *
 * <h2>Failures</h2>
 * Nothing here fails a cache operation. A copy the disk cannot take (full, past the engine's key or value limit) is
 * not kept. A copy it cannot delete could be stale, so the first refused delete turns the tier off for good (one
 * WARNING; every read goes to Redis from then on). An unreadable copy is read from Redis instead.
 *
 * <p>Thread-safety: the disk tier is thread-safe; the pending marks are a concurrent map of counts; one daemon thread
 * drains the queued deletes of every remote cache's near disk, a batch of one cache at a time.
 */
final class NearDisk {
  private static final byte FORMAT = 2;
  private static final int HEADER = 1 + 8 + 8 + 8;
  private static final System.Logger LOG = System.getLogger(NearDisk.class.getName());

  /** Runs the queued deletes of every near disk, one cache's batch at a time. */
  private static final ExecutorService DELETER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cairn-near-disk");
    t.setDaemon(true);
    return t;
  });

  private final String cacheName;
  private final DiskTier disk;
  /** Keys (encoded) with an invalidation whose disk delete has not run yet, each with how many are queued. */
  private final ConcurrentHashMap<ByteBuffer, Integer> pending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<byte[]> deletes = new ConcurrentLinkedQueue<>();
  /** How many keys {@link #deletes} holds (its own size() walks it). */
  private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
  /** The least age tick a copy must carry to be served; raised (never lowered) when the queue is full. */
  private final java.util.concurrent.atomic.AtomicLong servableFrom = new java.util.concurrent.atomic.AtomicLong(
      Long.MIN_VALUE);
  private final LongAdder overflows = new LongAdder();
  private final AtomicBoolean overflowLogged = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final LongAdder hits = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private volatile boolean failureLogged;
  /**
   * Set when the disk refused a delete: a copy that may be stale could not be removed, so from then on nothing is
   * served from or written to this tier (every read goes to Redis); logged once.
   */
  private volatile boolean broken;
  /** Queued deletes one drain runs before it yields the deleter thread to other caches' near disks. */
  private static final int DRAIN_BATCH = 1024;
  /** Queued deletes past which the tier drops every copy it holds rather than queue more (see {@link #fellBehind}). */
  static final int MAX_QUEUED_DELETES = 1 << 16;
  /** Test seam: runs under the key's lock just before an evicted copy is written (NearDiskTest races it there). */
  static volatile java.util.function.Consumer<byte[]> beforeWrite;
  /** Test seam: runs on the deleter thread before it deletes queued copies (NearDiskTest holds it there). */
  static volatile Runnable beforeDrain;
  private volatile boolean closed;

  NearDisk(String cacheName, DiskTier disk) {
    this.cacheName = cacheName;
    this.disk = disk;
  }

  /** A servable copy read from disk. */
  record Copy(byte[] value, long stamp, long expireAt, long tick) {}

  /**
   * Under the key's lock, as the heap evicts a servable near copy: writes it here. Returns false if it could not be
   * written (a full disk: the copy is simply not kept, the first failure is logged).
   */
  boolean write(byte[] key, byte[] value, long stamp, long expireAt, long tick) {
    if (broken || !fits(key) || value.length > io.cairn.engine.WriteBatch.MAX_VALUE_BYTES - HEADER - 64) {
      // Past the engine's limits (Redis takes larger keys and values): such a copy is read from Redis again.
      return false;
    }
    byte[] rec = new byte[HEADER + value.length];
    rec[0] = FORMAT;
    Codecs.putLong(rec, 1, stamp);
    Codecs.putLong(rec, 9, expireAt);
    Codecs.putLong(rec, 17, tick);
    System.arraycopy(value, 0, rec, HEADER, value.length);
    java.util.function.Consumer<byte[]> seam = beforeWrite;
    if (seam != null) {
      seam.accept(key);
    }
    try {
      disk.write(key, rec, Holder.ETERNAL, Holder.ETERNAL);
      return true;
    } catch (RuntimeException failed) {
      if (!failureLogged && !closed) {
        failureLogged = true;
        LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": the near disk tier could not keep a copy the"
            + " heap evicted (later failures are not logged; such copies are read from Redis again): "
            + failed.getMessage());
      }
      return false;
    }
  }

  /**
   * Under the key's lock: the key's copy if one is here and may be served at age tick {@code tickNow}; a copy that may
   * not (its key has an invalidation under way, it is older than the maximum age, it has expired by {@code clock},
   * or it is unreadable) is deleted. An expired one is read from Redis instead, which still holds it for its grace
   * and where the read finds it expired and fires the event.
   */
  Copy read(byte[] key, long tickNow, java.util.function.LongSupplier clock) {
    // The mark first, the copy after: a delete that ran between a read of the copy and a look at the mark would have
    // cleared the mark of the copy just read. A mark set after this look comes with a stripe bump after the caller's
    // reservation, which voids the copy once it is linked.
    if (broken || !fits(key)) {
      return null;
    }
    boolean marked = pending.containsKey(ByteBuffer.wrap(key));
    Entry e;
    try {
      e = disk.read(key);
    } catch (RuntimeException unreadable) {
      // A damaged table or an I/O error: the copy is read from Redis instead.
      return staleCopy(key);
    }
    if (e == null) {
      return null;
    }
    byte[] rec = e.value();
    if (rec.length < HEADER || rec[0] != FORMAT) {
      return staleCopy(key);
    }
    long tick = Codecs.getLong(rec, 17);
    long expireAt = Codecs.getLong(rec, 9);
    if (marked || tickNow - tick >= NearCoherence.MAX_AGE_TICKS || tick < servableFrom.get()
        || expireAt != Holder.ETERNAL && expireAt <= clock.getAsLong()) {
      return staleCopy(key);
    }
    hits.increment();
    return new Copy(java.util.Arrays.copyOfRange(rec, HEADER, rec.length), Codecs.getLong(rec, 1), expireAt, tick);
  }

  private Copy staleCopy(byte[] key) {
    stale.increment();
    delete(key);
    return null;
  }

  /** Under the key's lock: the key's copy goes (the key is written, removed or forgotten here). */
  void delete(byte[] key) {
    if (broken || !fits(key)) {
      return;
    }
    try {
      disk.delete(key, Holder.ETERNAL, null);
    } catch (RuntimeException failed) {
      refused(failed);
    }
  }

  /** Whether an encoded key is within the engine's key limit (with the disk tier's one-byte prefix). */
  private static boolean fits(byte[] key) {
    return key.length < io.cairn.engine.WriteBatch.MAX_KEY_BYTES;
  }

  /** A copy that may be stale could not be deleted: the tier serves nothing from now on (see {@link #broken}). */
  private void refused(RuntimeException failed) {
    if (broken || closed) {
      return;
    }
    broken = true;
    deletes.clear();
    queued.set(0);
    pending.clear();
    LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": the near disk tier could not delete a copy an"
        + " invalidation or a write made stale, so it is no longer used (reads go to Redis): " + failed.getMessage());
  }

  /** On the shared tier's I/O thread, before the key's stripe is bumped: copies of the key must not be served. */
  void invalidating(byte[] key) {
    if (!broken && fits(key)) {
      markPending(key);
    }
  }

  /**
   * On the shared tier's I/O thread, after the key's heap holder was voided: queues the delete of its copy. {@code
   * tickNow} is the cache's age tick now.
   */
  void invalidated(byte[] key, long tickNow) {
    if (!broken && fits(key)) {
      if (queued.incrementAndGet() > MAX_QUEUED_DELETES) {
        queued.decrementAndGet();
        fellBehind(key, tickNow);
        return;
      }
      deletes.add(key);
      drainLater();
    }
  }

  /**
   * On the shared tier's I/O thread, with the queue full: {@code key}'s delete finds no room. Its copy on disk, like
   * every other, was made current at a tick no later than now, so requiring a later tick makes each of them a miss
   * (deleted when read, or dropped by the budget). The mark goes only after that: a read that no longer sees it then
   * sees the raised tick (it reads the tick after the mark). The queued deletes still run; while the queue stays
   * full, each invalidation raises the tick again, so the tier serves only copies made after the last of them.
   */
  private void fellBehind(byte[] key, long tickNow) {
    servableFrom.accumulateAndGet(tickNow + 1, Math::max);
    overflows.increment();
    unmark(key);
    if (overflowLogged.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": invalidations came faster than the near disk"
          + " tier could delete their copies (" + MAX_QUEUED_DELETES + " queued), so every copy it held is no longer"
          + " served (they are read from Redis again); later overflows are not logged");
    }
  }

  private void unmark(byte[] key) {
    pending.computeIfPresent(ByteBuffer.wrap(key), (b, c) -> c == 1 ? null : c - 1);
  }

  private void markPending(byte[] key) {
    pending.merge(ByteBuffer.wrap(key), 1, Integer::sum);
  }

  private void drainLater() {
    if (draining.compareAndSet(false, true)) {
      try {
        DELETER.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException never) {
        draining.set(false);
      }
    }
  }

  /**
   * On the deleter thread: deletes up to a batch of the queued keys' copies, each before its mark is cleared, then
   * yields the thread (the rest is queued again behind other caches' drains).
   */
  private void drain() {
    try {
      Runnable seam = beforeDrain;
      if (seam != null) {
        seam.run();
      }
      byte[] k;
      for (int n = 0; n < DRAIN_BATCH && !broken && (k = deletes.poll()) != null; n++) {
        queued.decrementAndGet();
        if (!closed && !deleteIfPresent(k)) {
          return;
        }
        unmark(k);
      }
    } finally {
      draining.set(false);
      if (!deletes.isEmpty() && !closed && !broken) {
        drainLater();
      }
    }
  }

  /** Deletes the key's copy if the disk has one; false if the disk refused (the tier is then {@link #broken}). */
  private boolean deleteIfPresent(byte[] key) {
    try {
      if (disk.isOpen() && disk.read(key) != null) {
        disk.delete(key, Holder.ETERNAL, null);
      }
      return true;
    } catch (RuntimeException failed) {
      refused(failed);
      return false;
    }
  }

  /** Every copy goes (the cache is cleared; its copies were aged past serving before). */
  void clear() {
    if (broken) {
      return;
    }
    try {
      disk.deleteAll();
    } catch (RuntimeException failed) {
      refused(failed);
    }
  }

  DiskTier disk() {
    return disk;
  }

  /** Copies served from disk. */
  long hits() {
    return hits.sum();
  }

  /** Copies found on disk that could not be served (invalidated, too old, expired) and were deleted. */
  long stale() {
    return stale.sum();
  }

  /** Invalidations that found the delete queue full, each of which stopped every copy on disk being served. */
  long overflows() {
    return overflows.sum();
  }

  /** Deletes the disk tier's files. */
  void close() {
    closed = true;
    deletes.clear();
    queued.set(0);
    pending.clear();
    disk.close();
  }
}
