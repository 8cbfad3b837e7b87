package io.cairn.jcache;

/**
 * A cache's argument rules from the spec: {@link NullPointerException} for a null key or value,
 * {@link ClassCastException} for one of the wrong type (when the cache is typed), each naming the cache.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class TypeCheck<K, V> {
  private final String cacheName;
  private final Class<K> keyType;
  private final Class<V> valueType;
  private final boolean checkKeyType;
  private final boolean checkValueType;

  TypeCheck(String cacheName, Class<K> keyType, Class<V> valueType) {
    this.cacheName = cacheName;
    this.keyType = keyType;
    this.valueType = valueType;
    this.checkKeyType = keyType != Object.class;
    this.checkValueType = valueType != Object.class;
  }

  K key(K key) {
    if (key == null) {
      throw new NullPointerException("key is null (cache " + cacheName + ")");
    }
    if (checkKeyType && !keyType.isInstance(key)) {
      throw new ClassCastException("key of type " + key.getClass().getName() + " in cache " + cacheName
          + " configured for keys of type " + keyType.getName());
    }
    return key;
  }

  V value(V value) {
    if (value == null) {
      throw new NullPointerException("value is null (cache " + cacheName + ")");
    }
    if (checkValueType && !valueType.isInstance(value)) {
      throw new ClassCastException("value of type " + value.getClass().getName() + " in cache " + cacheName
          + " configured for values of type " + valueType.getName());
    }
    return value;
  }
}
