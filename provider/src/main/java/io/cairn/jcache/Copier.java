package io.cairn.jcache;

/**
 * Turns values into the one form a cache keeps them in, and back into what a caller receives: the value itself under
 * store-by-reference (and for immutable types under store-by-value), else its encoding, which each read decodes into
 * a fresh copy. Keys of store-by-value caches get a private copy as they enter the heap map.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class Copier<K, V> {
  private final Codec<K> keyCodec;
  private final Codec<V> valueCodec;
  private final boolean byValue;
  /** Store-by-value with a value type whose instances cannot change: values read from disk are decoded once. */
  private final boolean immutableType;
  /** Classes whose encoded values were read back once (see {@link #in}); bounded, since classes are few. */
  private final java.util.concurrent.ConcurrentHashMap<Class<?>, Boolean> readable =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_READABLE_CLASSES = 1024;

  Copier(Codec<K> keyCodec, Codec<V> valueCodec, boolean byValue, Class<V> valueType) {
    this.keyCodec = keyCodec;
    this.valueCodec = valueCodec;
    this.byValue = byValue;
    this.immutableType = Codecs.isImmutableType(valueType);
  }

  boolean byValue() {
    return byValue;
  }

  Codec<K> keyCodec() {
    return keyCodec;
  }

  Codec<V> valueCodec() {
    return valueCodec;
  }

  /** The key as the heap map holds it: a private copy under store-by-value. */
  K heapKey(K key) {
    return byValue && !Codecs.isImmutable(key) ? keyCodec.decode(keyCodec.encode(key)) : key;
  }

  /**
   * The form a cache keeps {@code value} in. The first value of each class to be encoded is decoded again at once, so
   * a value that could not be read back (a serial filter refuses its class, a codec that does not round-trip) fails
   * its write instead of every later read; values of a class seen before are only encoded.
   */
  Object in(V value) {
    if (!byValue || Codecs.isImmutable(value)) {
      return value;
    }
    byte[] bytes = valueCodec.encode(value);
    Class<?> type = value.getClass();
    if (!readable.containsKey(type)) {
      valueCodec.decode(bytes);
      if (readable.size() < MAX_READABLE_CLASSES) {
        readable.put(type, Boolean.TRUE);
      }
    }
    return bytes;
  }

  /** The form of a value read from the tier below as {@code bytes}. */
  Object fromBytes(byte[] bytes) {
    return byValue && !immutableType ? bytes : valueCodec.decode(bytes);
  }

  /** What a caller receives for a kept form: a fresh copy of an encoded one, else the value itself. */
  @SuppressWarnings("unchecked")
  V out(Object form) {
    return byValue && form instanceof byte[] b ? valueCodec.decode(b) : (V) form;
  }

  /** The encoding of a kept form, for the tier below (never modified by anyone once made). */
  @SuppressWarnings("unchecked")
  byte[] bytes(Object form) {
    return byValue && form instanceof byte[] b ? b : valueCodec.encode((V) form);
  }
}
