package io.cairn.redis;

import io.cairn.jcache.spi.SharedTier;
import java.nio.ByteBuffer;

/**
 * The format of an entry's value in Redis: Cairn's codec bytes behind a small versioned header.
 *
 * <pre>
 * offset size
 *  0     1    magic 0xC4
 *  1     1    format version (1)
 *  2     8    stamp: a random 64-bit number, new on every write, never 0; what a conditional write compares
 *  10    8    absolute expiry, epoch milliseconds (big-endian); Long.MAX_VALUE: none
 *  18    n    the value as the cache's value codec wrote it
 * </pre>
 * Redis's own TTL (PXAT) is set to the expiry plus a grace, so the entry outlives its expiry long enough for an access
 * to see it expired and fire the EXPIRED event; readers decide expiry by the header, never by the TTL. The stamp sits
 * at a fixed offset so a script compares it with one GETRANGE. A value without the magic or of another version is not
 * Cairn's: reading it fails naming the key, it is never decoded as a value.
 */
final class ValueHeader {
  static final byte MAGIC = (byte) 0xC4;
  static final byte VERSION = 1;
  static final int STAMP_OFFSET = 2;
  static final int LENGTH = 18;

  private ValueHeader() {}

  /** The stored form of {@code value} written with {@code stamp}, expiring at {@code expireAtMillis}. */
  static byte[] wrap(long stamp, long expireAtMillis, byte[] value) {
    return ByteBuffer.allocate(LENGTH + value.length).put(MAGIC).put(VERSION).putLong(stamp).putLong(expireAtMillis)
        .put(value).array();
  }

  /** A stamp as the 8 bytes a script compares ({@link SharedTier#ABSENT}: empty, what GETRANGE of no key returns). */
  static byte[] stampBytes(long stamp) {
    return stamp == SharedTier.ABSENT ? new byte[0] : ByteBuffer.allocate(8).putLong(stamp).array();
  }

  /** Reads a stored value; {@code what} names the key for an error. */
  static SharedTier.Version read(byte[] stored, String what) {
    if (stored.length < LENGTH || stored[0] != MAGIC) {
      throw new IllegalStateException(what + " does not hold a Cairn value (no 0xC4 header; " + stored.length
          + " bytes): another application wrote it, or remote.prefix clashes with its keys");
    }
    if (stored[1] != VERSION) {
      throw new IllegalStateException(what + " holds a Cairn value of format version " + stored[1] + "; this Cairn"
          + " reads version " + VERSION);
    }
    ByteBuffer b = ByteBuffer.wrap(stored);
    long stamp = b.getLong(STAMP_OFFSET);
    long expireAt = b.getLong(STAMP_OFFSET + 8);
    byte[] value = new byte[stored.length - LENGTH];
    System.arraycopy(stored, LENGTH, value, 0, value.length);
    return new SharedTier.Version(value, stamp, expireAt);
  }
}
