package io.cairn.benchmarks.jcache;

import java.util.Random;

/**
 * A precomputed sequence of Zipf-distributed keys over {@code [0, n)} (skew 0.99, the YCSB default), shuffled so hot
 * keys are spread over the key space. Threads walk the sequence from their own offsets.
 */
final class ZipfKeys {
  private final Integer[] keys;
  private final int mask;

  ZipfKeys(int n, int sequenceLength, long seed) {
    if (Integer.bitCount(sequenceLength) != 1) {
      throw new IllegalArgumentException("sequence length must be a power of two, was " + sequenceLength);
    }
    double s = 0.99;
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    int[] permutation = new int[n];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
    keys = new Integer[sequenceLength];
    for (int i = 0; i < sequenceLength; i++) {
      double u = r.nextDouble() * sum;
      int lo = 0;
      int hi = n - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      keys[i] = permutation[lo];
    }
    mask = sequenceLength - 1;
  }

  Integer at(int index) {
    return keys[index & mask];
  }
}
