package io.cairn.engine.wal;

import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.Checksum;
import io.cairn.engine.fs.FileSystem.WritableFile;
import java.io.Closeable;
import java.io.IOException;

/**
 * Appends records to a log file.
 *
 * <h2>Format (version 1)</h2>
 * A log is a sequence of 32 KiB blocks (the last one may be short). A record is written as one or more chunks; a chunk
 * never crosses a block boundary. When fewer than 7 bytes remain in a block they are zero-filled and the next chunk
 * starts in the next block.
 * <pre>
 * chunk := crc:uint32   masked CRC32C of type and payload (big-endian)
 *          length:uint16 payload length (big-endian)
 *          type:uint8    1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST
 *          payload:byte[length]
 * </pre>
 * A record is either one FULL chunk, or FIRST, any number of MIDDLE, and LAST. A record is appended whole before
 * {@link #flush()} or {@link #sync()} returns, so a write batch is atomic: the reader returns all of it or none.
 *
 * <p>Not thread-safe: the store's commit leader is the only writer of a log.
 */
public final class LogWriter implements Closeable {
  public static final int BLOCK_BYTES = 32 * 1024;
  public static final int HEADER_BYTES = 7;
  static final byte FULL = 1;
  static final byte FIRST = 2;
  static final byte MIDDLE = 3;
  static final byte LAST = 4;

  private final WritableFile file;
  private final byte[] header = new byte[HEADER_BYTES];
  private static final byte[] ZEROS = new byte[HEADER_BYTES];
  private int blockOffset;

  public LogWriter(WritableFile file) {
    this.file = file;
    this.blockOffset = (int) (file.size() % BLOCK_BYTES);
  }

  public void addRecord(byte[] record) throws IOException {
    addRecord(record, 0, record.length);
  }

  public void addRecord(byte[] record, int off, int len) throws IOException {
    boolean begin = true;
    do {
      int leftover = BLOCK_BYTES - blockOffset;
      if (leftover < HEADER_BYTES) {
        if (leftover > 0) {
          file.append(ZEROS, 0, leftover);
        }
        blockOffset = 0;
        leftover = BLOCK_BYTES;
      }
      int avail = leftover - HEADER_BYTES;
      int fragment = Math.min(len, avail);
      boolean end = fragment == len;
      byte type = begin && end ? FULL : begin ? FIRST : end ? LAST : MIDDLE;
      emit(type, record, off, fragment);
      off += fragment;
      len -= fragment;
      begin = false;
    } while (len > 0);
  }

  private void emit(byte type, byte[] data, int off, int len) throws IOException {
    int crc = Checksum.mask(Checksum.crc(type, data, off, len));
    Bytes.putInt(header, 0, crc);
    header[4] = (byte) (len >>> 8);
    header[5] = (byte) len;
    header[6] = type;
    file.append(header, 0, HEADER_BYTES);
    file.append(data, off, len);
    blockOffset += HEADER_BYTES + len;
  }

  public void flush() throws IOException {
    file.flush();
  }

  public void sync() throws IOException {
    file.sync();
  }

  public long size() {
    return file.size();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
