package io.cairn.engine.sstable;

import io.cairn.engine.Compression;
import io.cairn.engine.format.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a table holds, kept on the heap while the table is open (it is small: counts and the two boundary keys).
 *
 * <h2>Format (version 3)</h2>
 * <pre>
 * properties := version:uint8(3) entries:varint tombstones:varint expiringEntries:varint
 *               minExpireAtMillis:uint64 maxExpireAtMillis:uint64 minSequence:varint maxSequence:varint
 *               rawKeyBytes:varint rawValueBytes:varint dataBlocks:varint
 *               smallestLength:varint smallest:byte[] largestLength:varint largest:byte[]
 *               prefixExtractorLength:uint8 prefixExtractor:utf8
 *               compression:uint8 rawBlockBytes:varint storedBlockBytes:varint
 * </pre>
 * {@code smallest} and {@code largest} are internal keys. Expiry bounds cover expiring entries only
 * ({@code Long.MAX_VALUE}/{@code Long.MIN_VALUE} when there are none). {@code prefixExtractor} names the
 * {@link io.cairn.engine.PrefixExtractor} whose prefixes the filter also holds; empty when none. {@code compression}
 * is the table's codec ({@link Compression#code()}); {@code rawBlockBytes} is what its data and index blocks hold,
 * {@code storedBlockBytes} what they take in the file (their ratio is {@link #compressionRatio()}). Version 2 is the
 * same without the last three fields, version 1 without the last five (a table written before prefixes existed);
 * both are still read, as raw tables, version 1 as having no extractor.
 */
public record TableProperties(long entries, long tombstones, long expiringEntries, long minExpireAtMillis,
    long maxExpireAtMillis, long minSequence, long maxSequence, long rawKeyBytes, long rawValueBytes, long dataBlocks,
    byte[] smallest, byte[] largest, String prefixExtractor, Compression compression, long rawBlockBytes,
    long storedBlockBytes) {

  private static final int VERSION = 3;
  private static final int VERSION_WITHOUT_COMPRESSION = 2;
  private static final int VERSION_WITHOUT_PREFIX = 1;

  public TableProperties {
    if (!prefixExtractor.isEmpty()) {
      checkExtractorName(prefixExtractor);
    }
  }

  /** Returns {@code name} if it can name a prefix extractor in a table (1 to 255 bytes of UTF-8), else throws. */
  public static String checkExtractorName(String name) {
    int bytes = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < 1 || bytes > 255) {
      throw new IllegalArgumentException("prefix extractor name must be 1 to 255 bytes of UTF-8, was "
          + (name == null ? "null" : "\"" + name + "\" (" + bytes + " bytes)"));
    }
    return name;
  }

  /** What the data and index blocks hold per byte they take in the file; 1 for a raw table (or one written raw). */
  public double compressionRatio() {
    return storedBlockBytes == 0 ? 1 : (double) rawBlockBytes / storedBlockBytes;
  }

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
    byte[] name = prefixExtractor.getBytes(StandardCharsets.UTF_8);
    out.write(name.length);
    out.write(name, 0, name.length);
    out.write(compression.code());
    out.write(buf, 0, Bytes.putVarint(buf, 0, rawBlockBytes));
    out.write(buf, 0, Bytes.putVarint(buf, 0, storedBlockBytes));
    return out.toByteArray();
  }

  /** Decodes properties; returns null when the bytes are not version 1, 2 or 3 properties. */
  static TableProperties decode(byte[] b) {
    if (b.length < 1 || b[0] != VERSION && b[0] != VERSION_WITHOUT_COMPRESSION && b[0] != VERSION_WITHOUT_PREFIX) {
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
    if (largeLen < 0 || pos[0] + largeLen > b.length) {
      return null;
    }
    int largeEnd = pos[0] + (int) largeLen;
    byte[] largest = java.util.Arrays.copyOfRange(b, pos[0], largeEnd);
    String prefixExtractor = "";
    Compression compression = Compression.NONE;
    long rawBlockBytes = 0;
    long storedBlockBytes = 0;
    if (b[0] == VERSION_WITHOUT_PREFIX) {
      if (largeEnd != b.length) {
        return null;
      }
    } else {
      int nameEnd = largeEnd + 1 + (largeEnd < b.length ? b[largeEnd] & 0xff : 0);
      if (largeEnd >= b.length || nameEnd > b.length) {
        return null;
      }
      prefixExtractor = new String(b, largeEnd + 1, nameEnd - largeEnd - 1, StandardCharsets.UTF_8);
      if (b[0] == VERSION_WITHOUT_COMPRESSION) {
        if (nameEnd != b.length) {
          return null;
        }
      } else {
        if (nameEnd >= b.length) {
          return null;
        }
        compression = Compression.fromCode(b[nameEnd] & 0xff);
        pos[0] = nameEnd + 1;
        rawBlockBytes = Bytes.getVarint(b, pos, b.length);
        storedBlockBytes = Bytes.getVarint(b, pos, b.length);
        if (compression == null || rawBlockBytes < 0 || storedBlockBytes < 0 || pos[0] != b.length) {
          return null;
        }
      }
    }
    if (head[0] < 0 || head[1] < 0 || head[2] < 0) {
      return null;
    }
    return new TableProperties(head[0], head[1], head[2], minExpire, maxExpire, mid[0], mid[1], mid[2], mid[3], mid[4],
        smallest, largest, prefixExtractor, compression, rawBlockBytes, storedBlockBytes);
  }
}
