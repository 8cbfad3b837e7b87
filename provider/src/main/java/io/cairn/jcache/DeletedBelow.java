package io.cairn.jcache;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Settles the keys whose entries the tier below deleted by itself (a FIFO drop for its budget, or for space on a full
 * disk) and kept no copy of, told once the drop's tables are gone ({@link LowerTier#onLost}). Each key is settled
 * under its lock: a key still on the heap keeps its value there, marked dirty so that its eviction writes it down again
 * (the heap took it for below; a write-through cache also writes it on flush and close, see {@link #rewritesPending});
 * a key neither on the heap nor written below again since is lost, an eviction the statistics and loss listeners see.
 *
 * <p>Settling runs on one shared thread, not the dropping one: that one holds the store's compaction lock, which a
 * writer stalled under a key's lock may be waiting for. Batches are settled in the order they were told.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class DeletedBelow<K, V> {
  private static final System.Logger LOG = System.getLogger(DeletedBelow.class.getName());
  /** The settling thread of every cache; it stops after two idle seconds. */
  private static final ThreadPoolExecutor SETTLER;

  static {
    SETTLER = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "cairn-losses");
      t.setDaemon(true);
      return t;
    });
    SETTLER.allowCoreThreadTimeOut(true);
  }

  private final TierStore<K, V> store;
  /** Entries the cache lost this way: neither on the heap nor below. */
  private final LongAdder lost = new LongAdder();
  /** Batches told and not settled yet. */
  private final AtomicInteger unsettled = new AtomicInteger();
  /**
   * Set when a heap entry of a write-through (persistent) cache lost its copy below: its flush and its close then
   * write the heap's dirty entries down again, as a write-back cache's do.
   */
  volatile boolean rewritesPending;

  DeletedBelow(TierStore<K, V> store) {
    this.store = store;
  }

  /** The tier below deleted these keys' entries (encoded keys): settled later, in order. */
  void deleted(List<byte[]> keys) {
    unsettled.incrementAndGet();
    try {
      SETTLER.execute(() -> {
        try {
          for (byte[] kb : keys) {
            settle(kb);
          }
        } catch (RuntimeException e) {
          if (store.lower.isOpen()) {
            LOG.log(System.Logger.Level.WARNING, "cache " + store.name + ": the keys the tier below dropped were not"
                + " all settled: " + e, e);
          }
        } finally {
          unsettled.decrementAndGet();
        }
      });
    } catch (RuntimeException rejected) {
      unsettled.decrementAndGet();
      throw rejected;
    }
  }

  private void settle(byte[] kb) {
    K key = store.keyCodec.decode(kb);
    boolean[] gone = {false};
    store.map.compute(key, (k, h) -> {
      if (h != null) {
        h.dirty = true;
        if (store.lower.writeThrough()) {
          rewritesPending = true;
        }
      } else {
        gone[0] = store.lower.read(kb) == null;
      }
      return h;
    });
    if (gone[0]) {
      lost.increment();
      store.stats.recordEviction();
      store.lost(key);
    }
  }

  /** Entries the cache lost this way. */
  long lost() {
    return lost.sum();
  }

  /** Waits (up to a minute) until the batches told so far are settled; for close, and for tests. */
  void awaitSettled() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (unsettled.get() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cache " + store.name + ": losses unsettled for 60 s");
      }
      Thread.sleep(5);
    }
  }
}
