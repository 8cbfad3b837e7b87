package io.cairn.engine;

import java.util.Arrays;

/**
 * A prefix extractor for tests: keys {@code 0x02 len name[len] rest} have the prefix {@code 0x02 len name}; keys that
 * do not start with 0x02 have none. Groups are named by their decimal number.
 */
public final class LengthPrefixed implements PrefixExtractor {
  public static final LengthPrefixed INSTANCE = new LengthPrefixed();

  private LengthPrefixed() {}

  @Override
  public String name() {
    return "test.length-prefixed";
  }

  @Override
  public int prefixLength(byte[] key, int length) {
    if (length < 2 || key[0] != 0x02) {
      return -1;
    }
    int n = 2 + (key[1] & 0xff);
    return n <= length ? n : -1;
  }

  public static byte[] prefix(int group) {
    byte[] p = String.valueOf(group).getBytes();
    byte[] k = new byte[2 + p.length];
    k[0] = 0x02;
    k[1] = (byte) p.length;
    System.arraycopy(p, 0, k, 2, p.length);
    return k;
  }

  public static byte[] key(int group, int member) {
    byte[] p = prefix(group);
    byte[] m = String.format("/%03d", member).getBytes();
    byte[] k = Arrays.copyOf(p, p.length + m.length);
    System.arraycopy(m, 0, k, p.length, m.length);
    return k;
  }
}
