package io.cairn.engine.iterator;

/**
 * A cursor over internal keys in {@link io.cairn.engine.format.InternalKey#COMPARATOR} order. Not thread-safe.
 */
public interface InternalIterator extends AutoCloseable {
  boolean valid();

  void seekToFirst();

  /** Positions at the first entry whose internal key is at or after {@code internalKey}. */
  void seek(byte[] internalKey);

  void next();

  /** The current internal key. Valid until the next move. */
  byte[] key();

  /** The current stored value (for expiring entries: the 8-byte expiry, then the value). */
  byte[] value();

  @Override
  default void close() {}
}
