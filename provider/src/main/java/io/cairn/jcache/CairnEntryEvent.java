package io.cairn.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** A cache entry event. For REMOVED and EXPIRED events the value is the one the entry held. */
final class CairnEntryEvent<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final K key;
  private final V value;
  private final V oldValue;
  private final boolean oldValueAvailable;

  CairnEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean oldValueAvailable) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
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
  public V getOldValue() {
    return oldValueAvailable ? oldValue : null;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  /**
   * The event as a listener that did not ask for old values sees it: an update loses its old value; a removal or
   * expiry keeps it, since its value is the old value (the spec lets either be available).
   */
  CairnEntryEvent<K, V> withoutOldValue() {
    if (!oldValueAvailable || getEventType() != javax.cache.event.EventType.UPDATED) {
      return this;
    }
    @SuppressWarnings("unchecked") // EventObject's source is raw; it is the Cache<K, V> this event was made with
    Cache<K, V> source = getSource();
    return new CairnEntryEvent<>(source, getEventType(), key, value, null, false);
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("a Cairn cache entry event cannot be unwrapped to " + clazz.getName());
  }
}
