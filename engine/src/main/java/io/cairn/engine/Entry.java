package io.cairn.engine;

/**
 * A key, its value and its absolute expiry time ({@link #NO_EXPIRY} when it has none). The arrays belong to the
 * caller: the store never looks at them again.
 */
public record Entry(byte[] key, byte[] value, long expireAtMillis) {
  public static final long NO_EXPIRY = Long.MAX_VALUE;

  public boolean hasExpiry() {
    return expireAtMillis != NO_EXPIRY;
  }
}
