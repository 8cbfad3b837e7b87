package io.cairn.engine.sstable;

import io.cairn.engine.format.Bytes;

/** Where a block sits in a table: offset and size of its contents (the 5-byte trailer follows). */
record BlockHandle(long offset, int size) {
  byte[] encode() {
    byte[] b = new byte[Bytes.varintLength(offset) + Bytes.varintLength(size)];
    int p = Bytes.putVarint(b, 0, offset);
    Bytes.putVarint(b, p, size);
    return b;
  }

  /** Decodes a handle, or returns null if the bytes are not one. */
  static BlockHandle decode(byte[] b) {
    int[] pos = {0};
    long offset = Bytes.getVarint(b, pos, b.length);
    long size = Bytes.getVarint(b, pos, b.length);
    if (offset < 0 || size < 0 || size > Integer.MAX_VALUE || pos[0] != b.length) {
      return null;
    }
    return new BlockHandle(offset, (int) size);
  }
}
