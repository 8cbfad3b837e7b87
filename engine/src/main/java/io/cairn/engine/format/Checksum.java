package io.cairn.engine.format;

import java.util.zip.CRC32C;

/**
 * Masked CRC32C. A CRC stored next to the data it covers is masked (rotated and offset) so that a CRC computed over
 * bytes that themselves contain CRCs does not degenerate.
 */
public final class Checksum {
  private static final int MASK_DELTA = 0xa282ead8;

  private Checksum() {}

  public static int crc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }

  public static int crc(byte first, byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(first);
    c.update(data, off, len);
    return (int) c.getValue();
  }

  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }
}
