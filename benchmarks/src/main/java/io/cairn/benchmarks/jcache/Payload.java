package io.cairn.benchmarks.jcache;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The cached value of the JCache benchmarks: a Serializable wrapper of bytes with value equality (one providers'
 * type rules accept, where cache2k refuses arrays), so store-by-value copies it through each provider's serializer.
 */
public final class Payload implements Serializable {
  private static final long serialVersionUID = 1L;
  private final byte[] bytes;

  public Payload(int size) {
    this.bytes = new byte[size];
  }

  public int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
