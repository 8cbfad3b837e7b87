package io.cairn.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's loader and writer as the tier store calls them: each failure as the {@link CacheLoaderException} or
 * {@link CacheWriterException} the spec names, with the cache and key in its message. A cache without read-through
 * (or without a loader) gets {@link #NO_LOADER}; without write-through, {@link #NO_WRITER}: null objects, so no call
 * site asks whether they are there.
 */
final class LoaderWriter {
  private LoaderWriter() {}

  /** Read-through. */
  interface Loader<K, V> {
    boolean enabled();

    /** The loaded value, or null. */
    V load(K key);

    /** The loaded values of {@code keys} that the loader found. */
    Map<K, V> loadAll(Collection<K> keys);
  }

  /** Write-through. */
  interface Writer<K, V> {
    boolean enabled();

    void write(K key, V value);

    void delete(K key);

    /**
     * Writes the entries; on failure returns it, and {@code entries} keeps the ones not written (as the spec says the
     * writer leaves them).
     */
    CacheWriterException writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries);

    /** Deletes the keys; on failure returns it, and {@code keys} keeps the ones not deleted. */
    CacheWriterException deleteAll(Collection<K> keys);
  }

  @SuppressWarnings("rawtypes")
  static final Loader NO_LOADER = new Loader() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public Object load(Object key) {
      return null;
    }

    @Override
    public Map loadAll(Collection keys) {
      return Map.of();
    }
  };

  @SuppressWarnings("rawtypes")
  static final Writer NO_WRITER = new Writer() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public void write(Object key, Object value) {}

    @Override
    public void delete(Object key) {}

    @Override
    public CacheWriterException writeAll(Collection entries) {
      return null;
    }

    @Override
    public CacheWriterException deleteAll(Collection keys) {
      return null;
    }
  };

  @SuppressWarnings("unchecked")
  static <K, V> Loader<K, V> loader(String cacheName, CacheLoader<K, V> loader, boolean readThrough) {
    if (loader == null || !readThrough) {
      return NO_LOADER;
    }
    return new Loader<>() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public V load(K key) {
        try {
          return loader.load(key);
        } catch (CacheLoaderException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheLoaderException("cache loader of " + cacheName + " failed to load key " + key + ": " + e, e);
        }
      }

      @Override
      public Map<K, V> loadAll(Collection<K> keys) {
        try {
          Map<K, V> m = loader.loadAll(keys);
          return m == null ? Map.of() : m;
        } catch (CacheLoaderException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheLoaderException("cache loader of " + cacheName + " failed in loadAll: " + e, e);
        }
      }
    };
  }

  /** The loader for {@code loadAll}, which the spec runs whether or not the cache reads through. */
  static <K, V> Loader<K, V> bulkLoader(String cacheName, CacheLoader<K, V> loader) {
    return loader(cacheName, loader, true);
  }

  @SuppressWarnings("unchecked")
  static <K, V> Writer<K, V> writer(String cacheName, CacheWriter<? super K, ? super V> writer, boolean writeThrough) {
    if (writer == null || !writeThrough) {
      return NO_WRITER;
    }
    return new Writer<>() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public void write(K key, V value) {
        try {
          writer.write(new CairnEntry<>(key, value));
        } catch (CacheWriterException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheWriterException("cache writer of " + cacheName + " failed to write key " + key + ": " + e, e);
        }
      }

      @Override
      public void delete(K key) {
        try {
          writer.delete(key);
        } catch (CacheWriterException e) {
          throw e;
        } catch (Exception e) {
          throw new CacheWriterException("cache writer of " + cacheName + " failed to delete key " + key + ": " + e,
              e);
        }
      }

      @Override
      public CacheWriterException writeAll(Collection<Cache.Entry<? extends K, ? extends V>> entries) {
        try {
          ((CacheWriter<K, V>) writer).writeAll(entries);
          return null;
        } catch (CacheWriterException e) {
          return e;
        } catch (Exception e) {
          return new CacheWriterException("cache writer of " + cacheName + " failed in writeAll: " + e, e);
        }
      }

      @Override
      public CacheWriterException deleteAll(Collection<K> keys) {
        try {
          ((CacheWriter<K, V>) writer).deleteAll((Collection<?>) keys);
          return null;
        } catch (CacheWriterException e) {
          return e;
        } catch (Exception e) {
          return new CacheWriterException("cache writer of " + cacheName + " failed in deleteAll: " + e, e);
        }
      }
    };
  }

  /** Entries for {@link Writer#writeAll}, in the map's order. */
  static <K, V> List<Cache.Entry<? extends K, ? extends V>> entries(Map<K, V> map) {
    List<Cache.Entry<? extends K, ? extends V>> out = new ArrayList<>(map.size());
    map.forEach((k, v) -> out.add(new CairnEntry<>(k, v)));
    return out;
  }
}
