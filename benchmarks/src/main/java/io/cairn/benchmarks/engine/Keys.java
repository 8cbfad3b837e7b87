package io.cairn.benchmarks.engine;

/** 16-byte keys spread over the key space (a mixed counter), and 100-byte values. */
final class Keys {
  static final int KEY_BYTES = 16;

  private Keys() {}

  /** The key of item {@code i}: 8 bytes of a bijective mix of i, then i itself, so keys are unique and unordered. */
  static byte[] key(long i) {
    byte[] k = new byte[KEY_BYTES];
    long h = mix(i);
    for (int b = 7; b >= 0; b--) {
      k[b] = (byte) h;
      h >>>= 8;
    }
    long v = i;
    for (int b = 15; b >= 8; b--) {
      k[b] = (byte) v;
      v >>>= 8;
    }
    return k;
  }

  static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  static byte[] value(long i, int bytes) {
    byte[] v = new byte[bytes];
    long h = mix(i + 0x1234);
    for (int b = 0; b < bytes; b++) {
      v[b] = (byte) (h >>> ((b & 7) * 8));
      if ((b & 7) == 7) {
        h = mix(h);
      }
    }
    return v;
  }
}
