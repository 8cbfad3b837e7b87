package io.cairn.engine.sstable;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.Checksum;
import java.nio.file.Path;

/**
 * Constants of the table file format, shared by {@link TableBuilder} (which documents the layout) and
 * {@link TableReader}.
 */
final class TableFormat {
  static final long MAGIC = 0x636169726e535354L; // "cairnSST"
  static final int FORMAT_VERSION = 2;
  /** Tables whose blocks are all raw (before compression); still read. */
  static final int FORMAT_VERSION_RAW_BLOCKS = 1;
  static final int FOOTER_BYTES = 52;
  static final int TRAILER_BYTES = 5;
  static final byte BLOCK_RAW = 0;

  private TableFormat() {}

  /**
   * The footer, encoded and decoded here alone: {@code filterOffset:uint64 filterSize:uint32 indexOffset:uint64
   * indexSize:uint32 propertiesOffset:uint64 propertiesSize:uint32 indexLayout:uint8 indexLevels:uint8
   * formatVersion:uint16 crc:uint32 magic:uint64}, the crc over the 40 bytes before it (see {@link TableBuilder}).
   */
  record Footer(BlockHandle filter, BlockHandle index, BlockHandle properties, IndexLayout layout, int indexLevels,
      int formatVersion) {
    private static final int CRC_AT = 40;
    private static final int MAGIC_AT = 44;
    private static final int LAYOUT_AT = 36;
    private static final int VERSION_AT = 38;

    byte[] encode() {
      byte[] b = new byte[FOOTER_BYTES];
      int p = 0;
      for (BlockHandle h : new BlockHandle[] {filter, index, properties}) {
        Bytes.putLong(b, p, h.offset());
        Bytes.putInt(b, p + 8, h.size());
        p += 12;
      }
      b[LAYOUT_AT] = (byte) layout.code();
      b[LAYOUT_AT + 1] = (byte) indexLevels;
      b[VERSION_AT] = (byte) (formatVersion >>> 8);
      b[VERSION_AT + 1] = (byte) formatVersion;
      Bytes.putInt(b, CRC_AT, Checksum.mask(Checksum.crc(b, 0, CRC_AT)));
      Bytes.putLong(b, MAGIC_AT, MAGIC);
      return b;
    }

    /**
     * Decodes the footer {@code b} read at {@code footerAt} of {@code path}, checking magic, checksum, version,
     * layout and that every handle lies before the footer.
     *
     * @throws CorruptionException naming the file and the offset of the bad field
     */
    static Footer decode(Path path, byte[] b, long footerAt) {
      if (Bytes.getLong(b, MAGIC_AT) != MAGIC) {
        throw new CorruptionException(path, footerAt + MAGIC_AT, "bad table magic number (not a Cairn table)");
      }
      if (Checksum.unmask(Bytes.getInt(b, CRC_AT)) != Checksum.crc(b, 0, CRC_AT)) {
        throw new CorruptionException(path, footerAt, "footer checksum mismatch");
      }
      int version = ((b[VERSION_AT] & 0xff) << 8) | (b[VERSION_AT + 1] & 0xff);
      if (version != FORMAT_VERSION && version != FORMAT_VERSION_RAW_BLOCKS) {
        throw new CorruptionException(path, footerAt + VERSION_AT, "unsupported table format version " + version);
      }
      IndexLayout layout = IndexLayout.fromCode(b[LAYOUT_AT]);
      int levels = b[LAYOUT_AT + 1] & 0xff;
      if (layout == null || levels < 1) {
        throw new CorruptionException(path, footerAt + LAYOUT_AT, "bad index layout " + b[LAYOUT_AT] + " or levels "
            + levels);
      }
      BlockHandle[] handles = new BlockHandle[3];
      for (int i = 0; i < 3; i++) {
        long off = Bytes.getLong(b, i * 12);
        int len = Bytes.getInt(b, i * 12 + 8);
        if (off < 0 || len < 0 || off + len + TRAILER_BYTES > footerAt) {
          throw new CorruptionException(path, footerAt + i * 12, "block handle out of range");
        }
        handles[i] = new BlockHandle(off, len);
      }
      return new Footer(handles[0], handles[1], handles[2], layout, levels, version);
    }
  }
}
