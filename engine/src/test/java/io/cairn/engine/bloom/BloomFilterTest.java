package io.cairn.engine.bloom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BloomFilterTest {
  private static byte[] key(long i) {
    return ByteBuffer.allocate(16).putLong(i * 0x9E3779B97F4A7C15L).putLong(i).array();
  }

  private static byte[] buildFor(int n, int bitsPerKey) {
    long[] hashes = new long[n];
    for (int i = 0; i < n; i++) {
      byte[] k = key(i);
      hashes[i] = BloomFilter.hash(k, 0, k.length);
    }
    return BloomFilter.build(hashes, n, bitsPerKey);
  }

  @Test
  void noFalseNegatives() {
    byte[] f = buildFor(100_000, 10);
    for (int i = 0; i < 100_000; i++) {
      byte[] k = key(i);
      assertTrue(BloomFilter.mayContain(f, f.length, BloomFilter.hash(k, 0, k.length)), "key " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 10, 16})
  void falsePositiveRateIsWithinTwentyPercentOfTheory(int bitsPerKey) {
    int n = 200_000;
    byte[] f = buildFor(n, bitsPerKey);
    int probes = 2_000_000;
    int fp = 0;
    for (int i = 0; i < probes; i++) {
      byte[] k = key(n + 1L + i);
      if (BloomFilter.mayContain(f, f.length, BloomFilter.hash(k, 0, k.length))) {
        fp++;
      }
    }
    double measured = (double) fp / probes;
    double theory = BloomFilter.theoreticalFalsePositiveRate(bitsPerKey);
    int k = BloomFilter.probesFor(bitsPerKey);
    double classic = Math.pow(1 - Math.exp(-(double) k / bitsPerKey), k);
    System.out.printf("bloom %d bits/key: measured %.4f%%, blocked theory %.4f%%, unblocked theory %.4f%%%n",
        bitsPerKey, measured * 100, theory * 100, classic * 100);
    assertTrue(Math.abs(measured - theory) <= 0.2 * theory,
        "measured " + measured + " vs theory " + theory + " at " + bitsPerKey + " bits per key");
    if (bitsPerKey == 10) {
      assertTrue(measured < 0.012, "about 1% at 10 bits per key, measured " + measured);
    }
  }

  @Test
  void emptyOrForeignFilterAnswersMaybe() {
    assertTrue(BloomFilter.mayContain(new byte[0], 0, 42));
    assertTrue(BloomFilter.mayContain(new byte[3], 3, 42));
  }
}
