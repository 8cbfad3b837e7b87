package io.cairn.engine.format;

/** Fixed-width and varint coding, and a printable form of keys for error messages. */
public final class Bytes {
  private Bytes() {}

  public static void putInt(byte[] dst, int at, int v) {
    dst[at] = (byte) (v >>> 24);
    dst[at + 1] = (byte) (v >>> 16);
    dst[at + 2] = (byte) (v >>> 8);
    dst[at + 3] = (byte) v;
  }

  public static int getInt(byte[] src, int at) {
    return ((src[at] & 0xff) << 24) | ((src[at + 1] & 0xff) << 16) | ((src[at + 2] & 0xff) << 8) | (src[at + 3] & 0xff);
  }

  public static void putLong(byte[] dst, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      dst[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static long getLong(byte[] src, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (src[at + i] & 0xff);
    }
    return v;
  }

  /** Number of bytes {@link #putVarint} writes for {@code v} (an unsigned long). */
  public static int varintLength(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes {@code v} as an unsigned LEB128 varint at {@code at}; returns the position after it. */
  public static int putVarint(byte[] dst, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      dst[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    dst[at++] = (byte) v;
    return at;
  }

  /** Reads a varint at {@code pos[0]} bounded by {@code limit}, advancing {@code pos[0]}; -1 if it runs past the limit. */
  public static long getVarint(byte[] src, int[] pos, int limit) {
    long v = 0;
    int shift = 0;
    int p = pos[0];
    while (p < limit && shift <= 63) {
      byte b = src[p++];
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        pos[0] = p;
        return v;
      }
      shift += 7;
    }
    return -1;
  }

  /** A printable rendering: ASCII shown as is, other bytes as {@code \xNN}; long keys are cut. */
  public static String toDisplay(byte[] key, int length) {
    StringBuilder sb = new StringBuilder();
    int shown = Math.min(length, 64);
    for (int i = 0; i < shown; i++) {
      int c = key[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    if (shown < length) {
      sb.append("…(").append(length).append(" bytes)");
    }
    return sb.toString();
  }

  public static String toDisplay(byte[] key) {
    return key == null ? "null" : toDisplay(key, key.length);
  }

  /**
   * The smallest byte string greater than every string that starts with {@code prefix}, or null if there is none
   * (the prefix is empty or all 0xff bytes).
   */
  public static byte[] prefixSuccessor(byte[] prefix) {
    int i = prefix.length - 1;
    while (i >= 0 && prefix[i] == (byte) 0xff) {
      i--;
    }
    if (i < 0) {
      return null;
    }
    byte[] s = java.util.Arrays.copyOf(prefix, i + 1);
    s[i]++;
    return s;
  }
}
