package io.cairn.server;

import io.cairn.jcache.CairnCache;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * What the server uses of a database beyond JCache, as {@link CairnCache} names it: the cache's clock, per-entry
 * expiry, the live-entry count, ordered ranges, keys it loses by itself, and flushing. A database the server created
 * is its own Cairn cache ({@link #of}); an application's cache served embedded is seen through its codecs
 * ({@link ApplicationCache}).
 */
interface CairnView {
  long currentTimeMillis();

  /** As {@link CairnCache#put(Object, Object, long)}. */
  void put(Key key, byte[] value, long expireAtMillis);

  /** As {@link CairnCache#getExpiry}. */
  long getExpiry(Key key);

  /** As {@link CairnCache#peek}: the value without counting an access (OBJECT, MEMORY USAGE). */
  byte[] peek(Key key);

  /** As {@link CairnCache#size}. */
  long size();

  /** As {@link CairnCache#range}: a null bound is open. */
  Iterable<Cache.Entry<Key, byte[]>> range(Key fromInclusive, Key toExclusive);

  /** As {@link CairnCache#addLossListener}. */
  void addLossListener(Consumer<? super Key> lost);

  /** As {@link CairnCache#flush}. */
  void flush();

  /** As {@link CairnCache#prefetch}: a hint, so a view that keeps other keys than {@link Key}s ignores it. */
  default void prefetch(Object[] keys, int count) {}

  /** The server's own database: the Cairn cache itself. */
  static CairnView of(CairnCache<Key, byte[]> cache) {
    return new CairnView() {
      @Override
      public long currentTimeMillis() {
        return cache.currentTimeMillis();
      }

      @Override
      public void put(Key key, byte[] value, long expireAtMillis) {
        cache.put(key, value, expireAtMillis);
      }

      @Override
      public long getExpiry(Key key) {
        return cache.getExpiry(key);
      }

      @Override
      public byte[] peek(Key key) {
        return cache.peek(key);
      }

      @Override
      public long size() {
        return cache.size();
      }

      @Override
      public Iterable<Cache.Entry<Key, byte[]>> range(Key fromInclusive, Key toExclusive) {
        return cache.range(fromInclusive, toExclusive);
      }

      @Override
      public void addLossListener(Consumer<? super Key> lost) {
        cache.addLossListener(lost);
      }

      @Override
      public void flush() {
        cache.flush();
      }

      @Override
      public void prefetch(Object[] keys, int count) {
        cache.prefetch(keys, count);
      }
    };
  }
}
