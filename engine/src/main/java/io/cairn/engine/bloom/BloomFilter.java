package io.cairn.engine.bloom;

import net.openhft.hashing.LongHashFunction;

/**
 * A cache-line-blocked bloom filter.
 *
 * <h2>Format (version 1)</h2>
 * <pre>
 * filter := bits:byte[64 * blocks]   block b holds bits [512 b, 512 b + 512)
 *           probes:uint8             bits set per key (k)
 *           version:uint8            1
 * </pre>
 * A key's 64-bit XXH3 hash picks its block from the high 32 bits (multiply-shift range reduction); the probe bits
 * are 9-bit slices of the hash times a 64-bit odd constant, refreshed by another multiply after seven slices. One
 * key therefore reads one cache line. An empty filter (no blocks) answers "maybe" for every key.
 */
public final class BloomFilter {
  public static final int BLOCK_BITS = 512;
  public static final int BLOCK_BYTES = BLOCK_BITS / 8;
  private static final byte VERSION = 1;
  private static final LongHashFunction HASH = LongHashFunction.xx3();
  private static final long MIX = 0x9E3779B97F4A7C15L;
  private static final long PREFIX_SALT = 0x5DEECE66DA3B1F27L;

  private BloomFilter() {}

  public static long hash(byte[] key, int off, int len) {
    return HASH.hashBytes(key, off, len);
  }

  /**
   * The hash a key prefix enters a filter with. It differs from {@link #hash} of the same bytes, so a prefix that
   * happens to equal a whole key does not make that key look present (or the other way round).
   */
  public static long prefixHash(byte[] key, int off, int len) {
    return HASH.hashBytes(key, off, len) ^ PREFIX_SALT;
  }

  /** Probes per key for a given budget: about ln 2 times the bits per key. */
  public static int probesFor(int bitsPerKey) {
    return Math.max(1, Math.min(24, (int) Math.round(bitsPerKey * 0.69)));
  }

  public static int blocksFor(int keyCount, int bitsPerKey) {
    long bits = (long) keyCount * bitsPerKey;
    return (int) Math.max(1, (bits + BLOCK_BITS - 1) / BLOCK_BITS);
  }

  /** Builds a filter over the first {@code count} hashes. */
  public static byte[] build(long[] hashes, int count, int bitsPerKey) {
    int blocks = blocksFor(count, bitsPerKey);
    int probes = probesFor(bitsPerKey);
    byte[] filter = new byte[blocks * BLOCK_BYTES + 2];
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int base = blockOf(h, blocks) * BLOCK_BYTES;
      long g = h * MIX;
      for (int p = 0; p < probes; p++) {
        if (p > 0 && p % 7 == 0) {
          g = (g ^ (g >>> 29)) * MIX;
        }
        int bit = (int) (g >>> (9 * (p % 7))) & (BLOCK_BITS - 1);
        filter[base + (bit >>> 3)] |= (byte) (1 << (bit & 7));
      }
    }
    filter[blocks * BLOCK_BYTES] = (byte) probes;
    filter[blocks * BLOCK_BYTES + 1] = VERSION;
    return filter;
  }

  /** False only if no key with this hash was added. */
  public static boolean mayContain(byte[] filter, int length, long h) {
    if (length < 2 + BLOCK_BYTES || filter[length - 1] != VERSION) {
      return true;
    }
    int blocks = (length - 2) / BLOCK_BYTES;
    int probes = filter[length - 2] & 0xff;
    int base = blockOf(h, blocks) * BLOCK_BYTES;
    long g = h * MIX;
    for (int p = 0; p < probes; p++) {
      if (p > 0 && p % 7 == 0) {
        g = (g ^ (g >>> 29)) * MIX;
      }
      int bit = (int) (g >>> (9 * (p % 7))) & (BLOCK_BITS - 1);
      if ((filter[base + (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  private static int blockOf(long h, int blocks) {
    return (int) (((h >>> 32) * (long) blocks) >>> 32);
  }

  /**
   * The false-positive rate a blocked filter should show: keys spread over blocks as a Poisson variable, and a block
   * with j keys answers yes with probability (1 - (1 - 1/512)^(j k))^k.
   */
  public static double theoreticalFalsePositiveRate(int bitsPerKey) {
    int k = probesFor(bitsPerKey);
    double lambda = (double) BLOCK_BITS / bitsPerKey;
    double sum = 0;
    double poisson = Math.exp(-lambda);
    for (int j = 0; j < 4 * BLOCK_BITS / bitsPerKey + 50; j++) {
      if (j > 0) {
        poisson *= lambda / j;
      }
      double setFraction = 1 - Math.pow(1 - 1.0 / BLOCK_BITS, (double) j * k);
      sum += poisson * Math.pow(setFraction, k);
    }
    return sum;
  }
}
