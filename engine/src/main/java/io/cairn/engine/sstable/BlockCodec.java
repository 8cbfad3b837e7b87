package io.cairn.engine.sstable;

import io.cairn.engine.Compression;
import io.cairn.engine.CorruptionException;
import io.cairn.engine.format.Bytes;
import java.nio.file.Path;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Compresses block contents and decompresses them again, for {@link TableBuilder} and {@link TableReader}.
 *
 * <h2>Stored form (table format version 2)</h2>
 * <pre>
 * stored := rawLength:varint compressed      (blocks of type LZ4 and ZSTD; a raw block is its contents)
 * </pre>
 * The block trailer's type byte names the codec ({@link Compression#code()}); its checksum covers the stored bytes.
 * A block is stored compressed only when that saves at least an eighth of it. Decompression is bounds-checked
 * (LZ4's safe decompressor; zstd's) and must yield exactly {@code rawLength} bytes, or the block is corrupt. zstd
 * is reached through {@link ZstdCodec} only, so the zstd-jni library is loaded only by a store that uses it.
 *
 * <p>Thread-safe: the codecs keep no state between calls; a {@link Compressor} is one builder's.
 */
final class BlockCodec {
  private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();
  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4_FACTORY.fastCompressor();
  private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4_FACTORY.safeDecompressor();

  private BlockCodec() {}

  /** One table builder's compressor, with a scratch buffer it reuses from block to block. */
  static final class Compressor {
    private final Compression codec;
    private byte[] scratch = new byte[0];
    /** The length of the stored form the last {@link #compress} returned. */
    int length;

    Compressor(Compression codec) {
      this.codec = codec;
    }

    Compression codec() {
      return codec;
    }

    /**
     * {@code raw}'s stored form under this codec, in a buffer reused by the next call ({@link #length} bytes of it),
     * or null if the codec is {@link Compression#NONE} or compression would not save an eighth of the block.
     */
    byte[] compress(byte[] raw) {
      if (codec == Compression.NONE) {
        return null;
      }
      int bound = 10 + switch (codec) {
        case LZ4 -> LZ4_COMPRESSOR.maxCompressedLength(raw.length);
        case ZSTD -> ZstdCodec.bound(raw.length);
        case NONE -> 0;
      };
      if (scratch.length < bound) {
        scratch = new byte[bound];
      }
      int at = Bytes.putVarint(scratch, 0, raw.length);
      int n = switch (codec) {
        case LZ4 -> LZ4_COMPRESSOR.compress(raw, 0, raw.length, scratch, at, scratch.length - at);
        case ZSTD -> ZstdCodec.compress(raw, scratch, at);
        case NONE -> 0;
      };
      length = at + n;
      return length <= raw.length - raw.length / 8 ? scratch : null;
    }

  }

  /**
   * The contents of a block stored as {@code stored[0, storedLength)} with codec {@code codec} (not
   * {@link Compression#NONE}).
   *
   * @throws CorruptionException naming {@code path} and the block's {@code offset} if the bytes do not decompress to
   *     their recorded length
   */
  static byte[] decompress(Compression codec, byte[] stored, int storedLength, Path path, long offset) {
    int[] pos = {0};
    long rawLength = Bytes.getVarint(stored, pos, storedLength);
    if (rawLength < 0 || rawLength > Integer.MAX_VALUE - 16) {
      throw new CorruptionException(path, offset, "bad uncompressed length " + rawLength + " of a " + codec
          + " block");
    }
    byte[] raw = new byte[(int) rawLength];
    int at = pos[0];
    int got;
    switch (codec) {
      case LZ4 -> {
        try {
          got = LZ4_DECOMPRESSOR.decompress(stored, at, storedLength - at, raw, 0, raw.length);
        } catch (LZ4Exception e) {
          throw new CorruptionException(path, offset, "LZ4 block does not decompress: " + e.getMessage());
        }
      }
      case ZSTD -> {
        if (!Compression.ZSTD.isAvailable()) {
          throw new io.cairn.engine.StoreException("table " + path + " has zstd blocks (one at offset " + offset
              + "); reading it needs com.github.luben:zstd-jni on the class path");
        }
        got = ZstdCodec.decompress(stored, at, storedLength - at, raw, path, offset);
      }
      default -> throw new IllegalArgumentException("not a compressed block type: " + codec);
    }
    if (got != raw.length) {
      throw new CorruptionException(path, offset, codec + " block decompressed to " + got + " bytes, its header says "
          + raw.length);
    }
    return raw;
  }
}
