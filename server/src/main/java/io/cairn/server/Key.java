package io.cairn.server;

import java.util.Arrays;
import net.openhft.hashing.LongHashFunction;

/**
 * A Redis key as a cache key: its bytes (never changed after construction) and their XXH3 hash, computed once. The
 * cache maps keys by {@code equals}/{@code hashCode}, which byte[] lacks; {@link KeyCodec} stores the bytes as they
 * are, so the disk tier orders keys as Redis clients expect from {@code CAIRN.RANGE}.
 */
final class Key implements Comparable<Key> {
  private static final LongHashFunction XXH3 = LongHashFunction.xx3();

  final byte[] bytes;
  private final long hash64;

  /** Takes {@code bytes} as they are: the caller must not change them afterwards. */
  Key(byte[] bytes) {
    this.bytes = bytes;
    this.hash64 = XXH3.hashBytes(bytes);
  }

  /** The 64-bit XXH3 hash of the bytes (lock stripes use its high bits, hash maps its low ones). */
  long hash64() {
    return hash64;
  }

  boolean startsWith(byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && k.hash64 == hash64 && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return (int) (hash64 ^ (hash64 >>> 32));
  }

  @Override
  public int compareTo(Key o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
