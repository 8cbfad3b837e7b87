package io.cairn.engine.wal;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.Checksum;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.FileSystem.ReadableFile;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the records of a log written by {@link LogWriter}.
 *
 * <p>A crash can leave the end of a log torn: a partial chunk, a record whose last chunks are missing, or garbage
 * (zeros) after the last whole record. Such a tail is cut off: {@link #next()} returns {@code null} and
 * {@link #tornTail()} says so. Any damage that is followed by a valid chunk later in the file cannot be a torn tail; it
 * is corruption and raises a {@link CorruptionException} that names the file and the offset. A damaged record is
 * never returned.
 *
 * <p>A strict reader (the manifest's) tolerates only a truncated tail: each manifest record is forced to disk before
 * it takes effect, so a crash can cut the file short but cannot leave a damaged whole record behind; a checksum
 * failure there is always corruption.
 */
public final class LogReader implements Closeable {
  private final Path path;
  private final byte[] data;
  private final boolean strict;
  private int pos;
  private long lastRecordEnd;
  private boolean tornTail;

  public LogReader(FileSystem fs, Path path) throws IOException {
    this(fs, path, false);
  }

  /** @param strict cut off only a truncated tail; treat any other damage, even at the end, as corruption */
  public LogReader(FileSystem fs, Path path, boolean strict) throws IOException {
    this.path = path;
    this.strict = strict;
    try (ReadableFile f = fs.open(path)) {
      long size = f.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new CorruptionException(path, 0, "log of " + size + " bytes is larger than any log the engine writes");
      }
      data = new byte[(int) size];
      f.read(0, data, 0, data.length);
    }
  }

  /** The next whole record, or {@code null} at the end of the log (or at a torn tail). */
  public byte[] next() {
    ByteArrayOutputStream assembling = null;
    long recordStart = -1;
    while (true) {
      int blockLeft = LogWriter.BLOCK_BYTES - (pos % LogWriter.BLOCK_BYTES);
      if (blockLeft < LogWriter.HEADER_BYTES) {
        pos += blockLeft;
        continue;
      }
      if (pos >= data.length) {
        if (assembling != null) {
          tornTail = true;
        }
        return null;
      }
      int chunkStart = pos;
      String problem = checkChunk(chunkStart);
      if (problem != null) {
        boolean truncated = problem == PARTIAL_HEADER || problem == PAST_END;
        if ((strict && !truncated) || validChunkAfter(chunkStart + 1)) {
          throw new CorruptionException(path, chunkStart, problem);
        }
        tornTail = true;
        return null;
      }
      int len = ((data[chunkStart + 4] & 0xff) << 8) | (data[chunkStart + 5] & 0xff);
      byte type = data[chunkStart + 6];
      int payload = chunkStart + LogWriter.HEADER_BYTES;
      pos = payload + len;
      switch (type) {
        case LogWriter.FULL -> {
          if (assembling != null) {
            throw new CorruptionException(path, chunkStart, "whole record inside an unfinished record that began at "
                + recordStart);
          }
          byte[] rec = new byte[len];
          System.arraycopy(data, payload, rec, 0, len);
          lastRecordEnd = pos;
          return rec;
        }
        case LogWriter.FIRST -> {
          if (assembling != null) {
            throw new CorruptionException(path, chunkStart, "record start inside an unfinished record that began at "
                + recordStart);
          }
          assembling = new ByteArrayOutputStream(len * 2);
          recordStart = chunkStart;
          assembling.write(data, payload, len);
        }
        case LogWriter.MIDDLE, LogWriter.LAST -> {
          if (assembling == null) {
            throw new CorruptionException(path, chunkStart, "record continuation without a record start");
          }
          assembling.write(data, payload, len);
          if (type == LogWriter.LAST) {
            lastRecordEnd = pos;
            return assembling.toByteArray();
          }
        }
        default -> throw new IllegalStateException("unreachable: chunk type checked");
      }
    }
  }

  private static final String PARTIAL_HEADER = "partial chunk header at the end of the file";
  private static final String PAST_END = "chunk runs past the end of the file";

  /** Null if a well-formed chunk with a good checksum starts at {@code at}, else what is wrong with it. */
  private String checkChunk(int at) {
    if (at + LogWriter.HEADER_BYTES > data.length) {
      return PARTIAL_HEADER;
    }
    int len = ((data[at + 4] & 0xff) << 8) | (data[at + 5] & 0xff);
    byte type = data[at + 6];
    if (type < LogWriter.FULL || type > LogWriter.LAST) {
      return "bad chunk type " + type;
    }
    int blockLeft = LogWriter.BLOCK_BYTES - (at % LogWriter.BLOCK_BYTES);
    if (LogWriter.HEADER_BYTES + len > blockLeft) {
      return "chunk length " + len + " crosses a block boundary";
    }
    if (at + LogWriter.HEADER_BYTES + len > data.length) {
      // A write cut by a crash ends the file inside its chunk, and the bytes there do not match the checksum. If they
      // do, the chunk is whole and its length field is what is damaged: not a truncation.
      int present = data.length - at - LogWriter.HEADER_BYTES;
      if (Checksum.unmask(Bytes.getInt(data, at)) == Checksum.crc(type, data, at + LogWriter.HEADER_BYTES, present)) {
        return "chunk length " + len + " runs past the end of the file, but the " + present
            + " bytes there are the whole chunk: its length is damaged";
      }
      return PAST_END;
    }
    int expected = Checksum.unmask(Bytes.getInt(data, at));
    int actual = Checksum.crc(type, data, at + LogWriter.HEADER_BYTES, len);
    if (expected != actual) {
      return "chunk checksum mismatch";
    }
    return null;
  }

  private boolean validChunkAfter(int from) {
    for (int at = from; at + LogWriter.HEADER_BYTES <= data.length; at++) {
      if (checkChunk(at) == null) {
        return true;
      }
    }
    return false;
  }

  /** Offset just past the last whole record returned. */
  public long lastRecordEnd() {
    return lastRecordEnd;
  }

  /** True once {@link #next()} has cut off a torn tail. */
  public boolean tornTail() {
    return tornTail;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {}
}
