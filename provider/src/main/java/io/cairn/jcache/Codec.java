package io.cairn.jcache;

/**
 * Turns keys or values into bytes and back. Cairn has codecs for String, the boxed primitives, byte[], UUID and more,
 * with JDK serialization as the fallback; implement this for your own types and set it on
 * {@link CairnConfiguration#setKeyCodec} or {@link CairnConfiguration#setValueCodec}.
 *
 * <p>A codec must be thread-safe and deterministic: equal objects must encode to equal bytes (keys are looked up by
 * their bytes on disk).
 *
 * @param <T> the encoded type
 */
public interface Codec<T> {
  byte[] encode(T value);

  T decode(byte[] bytes);

  /**
   * True if the unsigned byte order of encodings follows the type's natural order, which makes
   * {@link CairnCache#range} available on caches keyed by this type.
   */
  default boolean preservesOrder() {
    return false;
  }

  /** A short name for messages. */
  default String name() {
    return getClass().getSimpleName();
  }
}
