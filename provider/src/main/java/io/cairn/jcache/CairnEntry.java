package io.cairn.jcache;

import java.util.Objects;
import javax.cache.Cache;

/** A key and value handed to a caller, writer or iterator. */
final class CairnEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  CairnEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a Cairn cache entry cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CairnEntry<?, ?> e && Objects.equals(key, e.key) && Objects.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(key) * 31 + Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
