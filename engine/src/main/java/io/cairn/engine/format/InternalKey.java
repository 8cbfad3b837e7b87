package io.cairn.engine.format;

import java.util.Arrays;
import java.util.Comparator;

/**
 * An internal key is the user key followed by an 8-byte big-endian trailer {@code (sequence << 8) | type}.
 *
 * <p>Internal keys order by user key (unsigned lexicographic), then by trailer <em>descending</em>, so the newest
 * version of a key comes first. Every sorted structure in the engine (memtable, data blocks, index blocks,
 * compaction) uses this order.
 */
public final class InternalKey {
  /** A tombstone: the key was deleted at this sequence number. */
  public static final byte TYPE_DELETION = 0;
  /** A plain value without an expiry time. */
  public static final byte TYPE_VALUE = 1;
  /** A value whose first 8 bytes (big-endian) are its absolute expiry time in epoch milliseconds. */
  public static final byte TYPE_EXPIRING_VALUE = 2;

  public static final int TRAILER_BYTES = 8;
  /** Sequence numbers use 56 bits. */
  public static final long MAX_SEQUENCE = (1L << 56) - 1;

  public static final Comparator<byte[]> COMPARATOR = InternalKey::compare;

  private InternalKey() {}

  public static byte[] encode(byte[] userKey, long sequence, byte type) {
    byte[] key = Arrays.copyOf(userKey, userKey.length + TRAILER_BYTES);
    writeTrailer(key, userKey.length, sequence, type);
    return key;
  }

  /** The largest internal key for {@code userKey} visible at {@code sequence}: seeks land on the newest visible version. */
  public static byte[] seekKey(byte[] userKey, long sequence) {
    return encode(userKey, sequence, (byte) 0xff);
  }

  static void writeTrailer(byte[] dst, int at, long sequence, byte type) {
    long trailer = (sequence << 8) | (type & 0xff);
    for (int i = 7; i >= 0; i--) {
      dst[at + i] = (byte) trailer;
      trailer >>>= 8;
    }
  }

  public static long trailer(byte[] key) {
    return trailer(key, key.length);
  }

  /** The trailer of an internal key that occupies {@code key[0, length)}. */
  public static long trailer(byte[] key, int length) {
    long t = 0;
    for (int i = length - TRAILER_BYTES; i < length; i++) {
      t = (t << 8) | (key[i] & 0xff);
    }
    return t;
  }

  public static long sequence(byte[] key) {
    return trailer(key) >>> 8;
  }

  public static byte type(byte[] key) {
    return key[key.length - 1];
  }

  public static byte[] userKey(byte[] key) {
    return Arrays.copyOf(key, key.length - TRAILER_BYTES);
  }

  public static int compare(byte[] a, byte[] b) {
    int c = Arrays.compareUnsigned(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(trailer(b), trailer(a));
  }

  /** Compares the internal key held in {@code a[off, off + len)} with the internal key {@code b}. */
  public static int compare(byte[] a, int off, int len, byte[] b) {
    int c = Arrays.compareUnsigned(a, off, off + len - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
    if (c != 0) {
      return c;
    }
    long ta = 0;
    for (int i = off + len - TRAILER_BYTES; i < off + len; i++) {
      ta = (ta << 8) | (a[i] & 0xff);
    }
    return Long.compareUnsigned(trailer(b), ta);
  }

  /** Compares the user key part of internal key {@code internal} with the plain user key {@code user}. */
  public static int compareUserKey(byte[] internal, byte[] user) {
    return Arrays.compareUnsigned(internal, 0, internal.length - TRAILER_BYTES, user, 0, user.length);
  }

  public static boolean sameUserKey(byte[] a, byte[] b) {
    return Arrays.equals(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
  }

  public static String describe(byte[] internal) {
    return Bytes.toDisplay(internal, internal.length - TRAILER_BYTES) + "@" + sequence(internal) + "/" + type(internal);
  }
}
