package io.cairn.engine.sstable;

import io.cairn.engine.format.Bytes;
import java.io.ByteArrayOutputStream;

/**
 * What a table holds, kept on the heap while the table is open (it is small: counts and the two boundary keys).
 *
 * <h2>Format (version 1)</h2>
 * <pre>
 * properties := version:uint8(1) entries:varint tombstones:varint expiringEntries:varint
 *               minExpireAtMillis:uint64 maxExpireAtMillis:uint64 minSequence:varint maxSequence:varint
 *               rawKeyBytes:varint rawValueBytes:varint dataBlocks:varint
 *               smallestLength:varint smallest:byte[] largestLength:varint largest:byte[]
 * </pre>
 * {@code smallest} and {@code largest} are internal keys. Expiry bounds cover expiring entries only
 * ({@code Long.MAX_VALUE}/{@code Long.MIN_VALUE} when there are none).
 */
public record TableProperties(long entries, long tombstones, long expiringEntries, long minExpireAtMillis,
    long maxExpireAtMillis, long minSequence, long maxSequence, long rawKeyBytes, long rawValueBytes, long dataBlocks,
    byte[] smallest, byte[] largest) {

  private static final int VERSION = 1;

  /** True when every entry carries an expiry that is at or before {@code nowMillis}. */
  public boolean allExpiredAt(long nowMillis) {
    return entries > 0 && expiringEntries == entries && maxExpireAtMillis <= nowMillis;
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + smallest.length + largest.length);
    out.write(VERSION);
    byte[] buf = new byte[10];
    for (long v : new long[] {entries, tombstones, expiringEntries}) {
      out.write(buf, 0, Bytes.putVarint(buf, 0, v));
    }
    for (long v : new long[] {minExpireAtMillis, maxExpireAtMillis}) {
      Bytes.putLong(buf, 0, v);
      out.write(buf, 0, 8);
    }
    for (long v : new long[] {minSequence, maxSequence, rawKeyBytes, rawValueBytes, dataBlocks, smallest.length}) {
      out.write(buf, 0, Bytes.putVarint(buf, 0, v));
    }
    out.write(smallest, 0, smallest.length);
    out.write(buf, 0, Bytes.putVarint(buf, 0, largest.length));
    out.write(largest, 0, largest.length);
    return out.toByteArray();
  }

  /** Decodes properties; returns null when the bytes are not version-1 properties. */
  static TableProperties decode(byte[] b) {
    if (b.length < 1 || b[0] != VERSION) {
      return null;
    }
    int[] pos = {1};
    long[] head = new long[3];
    for (int i = 0; i < 3; i++) {
      head[i] = Bytes.getVarint(b, pos, b.length);
    }
    if (pos[0] + 16 > b.length) {
      return null;
    }
    long minExpire = Bytes.getLong(b, pos[0]);
    long maxExpire = Bytes.getLong(b, pos[0] + 8);
    pos[0] += 16;
    long[] mid = new long[6];
    for (int i = 0; i < 6; i++) {
      mid[i] = Bytes.getVarint(b, pos, b.length);
      if (mid[i] < 0) {
        return null;
      }
    }
    int smallLen = (int) mid[5];
    if (smallLen < 0 || pos[0] + smallLen > b.length) {
      return null;
    }
    byte[] smallest = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + smallLen);
    pos[0] += smallLen;
    long largeLen = Bytes.getVarint(b, pos, b.length);
    if (largeLen < 0 || pos[0] + largeLen != b.length) {
      return null;
    }
    byte[] largest = java.util.Arrays.copyOfRange(b, pos[0], b.length);
    if (head[0] < 0 || head[1] < 0 || head[2] < 0) {
      return null;
    }
    return new TableProperties(head[0], head[1], head[2], minExpire, maxExpire, mid[0], mid[1], mid[2], mid[3], mid[4],
        smallest, largest);
  }
}
