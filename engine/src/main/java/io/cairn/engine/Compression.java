package io.cairn.engine;

/**
 * How a table's data and index blocks are compressed ({@link Options#compression}). Each block records the codec it
 * was written with, by {@link #code()} (never the ordinal), in its trailer's type byte; a block that would not shrink
 * by an eighth is stored raw ({@link #NONE}). The block cache holds blocks uncompressed, so a compressed table costs
 * CPU on a cache miss, not on a hit.
 */
public enum Compression {
  /** Blocks stored as they are. */
  NONE(0),
  /** LZ4 (lz4-java): fast to compress and very fast to decompress; about 2x on JSON-like values. */
  LZ4(1),
  /**
   * Zstandard (zstd-jni, level 3): about a third smaller than LZ4, at several times its cost to read. zstd-jni is an
   * optional dependency of the engine: add {@code com.github.luben:zstd-jni} to use it.
   */
  ZSTD(2);

  private static final boolean ZSTD_PRESENT = present("com.github.luben.zstd.Zstd");

  private final int code;

  Compression(int code) {
    this.code = code;
  }

  /** The block trailer's type byte for blocks written with this codec. */
  public int code() {
    return code;
  }

  /** Whether this codec's library is on the class path (only zstd's may be missing). */
  public boolean isAvailable() {
    return this != ZSTD || ZSTD_PRESENT;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Compression.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The codec a block type byte names, or null for an unknown one. */
  public static Compression fromCode(int code) {
    for (Compression c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
