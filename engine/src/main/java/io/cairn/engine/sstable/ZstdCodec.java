package io.cairn.engine.sstable;

import com.github.luben.zstd.Zstd;
import io.cairn.engine.CorruptionException;
import java.nio.file.Path;

/**
 * The zstd calls of {@link BlockCodec}, apart so that zstd-jni (an optional dependency of the engine) is loaded only
 * when a store reads or writes a zstd block. Level 3, zstd's default.
 */
final class ZstdCodec {
  static final int LEVEL = 3;

  private ZstdCodec() {}

  static int bound(int rawLength) {
    return (int) Zstd.compressBound(rawLength);
  }

  /** Compresses {@code raw} into {@code dst} from {@code at}; returns the compressed length. */
  static int compress(byte[] raw, byte[] dst, int at) {
    long z = Zstd.compressByteArray(dst, at, dst.length - at, raw, 0, raw.length, LEVEL);
    if (Zstd.isError(z)) {
      throw new IllegalStateException("zstd failed to compress a block of " + raw.length + " bytes: "
          + Zstd.getErrorName(z));
    }
    return (int) z;
  }

  /** Decompresses {@code src[off, off + len)} into {@code raw}; returns the decompressed length. */
  static int decompress(byte[] src, int off, int len, byte[] raw, Path path, long offset) {
    long z = Zstd.decompressByteArray(raw, 0, raw.length, src, off, len);
    if (Zstd.isError(z)) {
      throw new CorruptionException(path, offset, "zstd block does not decompress: " + Zstd.getErrorName(z));
    }
    return (int) z;
  }
}
