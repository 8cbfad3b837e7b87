package io.cairn.engine.sstable;

import io.cairn.engine.format.Bytes;

/**
 * Constants of the table file format, shared by {@link TableBuilder} (which documents the layout) and
 * {@link TableReader}.
 */
final class TableFormat {
  static final long MAGIC = 0x636169726e535354L; // "cairnSST"
  static final int FORMAT_VERSION = 1;
  static final int FOOTER_BYTES = 52;
  static final int TRAILER_BYTES = 5;
  static final byte BLOCK_RAW = 0;

  private TableFormat() {}

  record Footer(BlockHandle filter, BlockHandle index, BlockHandle properties, IndexLayout layout, int indexLevels,
      int formatVersion) {

    byte[] encode() {
      byte[] b = new byte[FOOTER_BYTES];
      int p = 0;
      for (BlockHandle h : new BlockHandle[] {filter, index, properties}) {
        Bytes.putLong(b, p, h.offset());
        Bytes.putInt(b, p + 8, h.size());
        p += 12;
      }
      b[p++] = (byte) layout.code();
      b[p++] = (byte) indexLevels;
      b[p++] = (byte) (formatVersion >>> 8);
      b[p++] = (byte) formatVersion;
      Bytes.putInt(b, p, io.cairn.engine.format.Checksum.mask(io.cairn.engine.format.Checksum.crc(b, 0, p)));
      Bytes.putLong(b, p + 4, MAGIC);
      return b;
    }
  }
}
