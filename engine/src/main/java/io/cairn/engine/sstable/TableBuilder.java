package io.cairn.engine.sstable;

import io.cairn.engine.Compression;
import io.cairn.engine.PrefixExtractor;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.Checksum;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem.WritableFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a sorted table from internal keys given in order.
 *
 * <h2>File format (version 2)</h2>
 * <pre>
 * table   := (dataBlock | leafIndexBlock)* indexBlock* filterBlock propertiesBlock footer
 * block   := stored type:uint8 crc:uint32
 *            type = the codec's {@link Compression#code()}: 0 raw (stored = contents), 1 LZ4, 2 zstd (stored =
 *            rawLength:varint compressed, see {@link BlockCodec}); crc = masked CRC32C over stored and type.
 *            Every block, whatever it holds, has this trailer; data and index blocks are compressed with the
 *            table's codec when that saves an eighth, filter and properties blocks never
 * footer  := filterOffset:uint64 filterSize:uint32 indexOffset:uint64 indexSize:uint32
 *            propertiesOffset:uint64 propertiesSize:uint32 indexLayout:uint8 indexLevels:uint8
 *            formatVersion:uint16 crc:uint32 magic:uint64("cairnSST")      (52 bytes; crc covers the 40 before it)
 * </pre>
 * Data blocks are {@link BlockBuilder} blocks of about {@code blockBytes} with internal keys and stored values, restart
 * interval 16. An index entry maps the last internal key of a child block to the child's handle
 * ({@code offset:varint size:varint}); index blocks have restart interval 1, so each is an array of fence keys.
 * <ul>
 *   <li>{@link IndexLayout#ARRAY}: one index block over all data blocks; {@code indexLevels = 1}.</li>
 *   <li>{@link IndexLayout#BTREE}: leaf index blocks of about {@code blockBytes} are written as the data goes, then
 *   upper levels until one root block remains; the footer names the root and the number of levels.</li>
 * </ul>
 * The filter block is a {@link BloomFilter} over the distinct user keys and, with a {@link PrefixExtractor}, over
 * their distinct prefixes too ({@link BloomFilter#prefixHash}); the properties block is {@link TableProperties}, which
 * names the extractor and the codec and says how much compression saved. All integers are big-endian. Version 1 is
 * the same with every block raw; it is still read.
 *
 * <p>Not thread-safe: one builder is used by one flush or compaction.
 */
public final class TableBuilder {
  private static final int DATA_RESTART_INTERVAL = 16;

  private final WritableFile file;
  private final int blockBytes;
  private final int bloomBitsPerKey;
  private final IndexLayout layout;
  private final PrefixExtractor prefixes;
  private final BlockCodec.Compressor compressor;
  private final BlockBuilder data = new BlockBuilder(DATA_RESTART_INTERVAL);
  /** Pending entries of the lowest index level not yet written (all of them for ARRAY). */
  private final BlockBuilder leafIndex = new BlockBuilder(1);
  /** For BTREE: the fence entries (last key, handle) of leaf index blocks already written. */
  private final List<byte[][]> leafFences = new ArrayList<>();
  private final byte[] trailer = new byte[TableFormat.TRAILER_BYTES];

  private long offset;
  private long[] hashes = new long[1024];
  private int hashCount;
  private byte[] lastKey;
  /** The last prefix hashed into the filter (a user key holds it in its first {@code lastPrefixLength} bytes). */
  private byte[] lastPrefixKey;
  private int lastPrefixLength = -1;
  private byte[] smallest;
  private long entries;
  private long tombstones;
  private long expiring;
  private long minExpire = Long.MAX_VALUE;
  private long maxExpire = Long.MIN_VALUE;
  private long minSeq = Long.MAX_VALUE;
  private long maxSeq = Long.MIN_VALUE;
  private long rawKeyBytes;
  private long rawValueBytes;
  private long dataBlocks;
  /** Contents of the data and index blocks before compression, and what they take stored. */
  private long rawBlockBytes;
  private long storedBlockBytes;
  private boolean finished;

  public TableBuilder(WritableFile file, int blockBytes, int bloomBitsPerKey, IndexLayout layout) {
    this(file, blockBytes, bloomBitsPerKey, layout, null);
  }

  /** A table of raw blocks. @param prefixes whose prefixes also enter the filter, or null for whole keys only */
  public TableBuilder(WritableFile file, int blockBytes, int bloomBitsPerKey, IndexLayout layout,
      PrefixExtractor prefixes) {
    this(file, blockBytes, bloomBitsPerKey, layout, prefixes, Compression.NONE);
  }

  /**
   * @param prefixes whose prefixes also enter the filter, or null for whole keys only
   * @param compression the codec of the data and index blocks
   */
  public TableBuilder(WritableFile file, int blockBytes, int bloomBitsPerKey, IndexLayout layout,
      PrefixExtractor prefixes, Compression compression) {
    this.compressor = new BlockCodec.Compressor(compression);
    this.file = file;
    this.blockBytes = blockBytes;
    this.bloomBitsPerKey = bloomBitsPerKey;
    this.layout = layout;
    this.prefixes = prefixes;
    if (prefixes != null) {
      TableProperties.checkExtractorName(prefixes.name());
    }
  }

  public void add(byte[] internalKey, byte[] storedValue) throws IOException {
    if (finished) {
      throw new IllegalStateException("table already finished");
    }
    if (lastKey != null && InternalKey.compare(lastKey, internalKey) >= 0) {
      throw new IllegalArgumentException("keys out of order: " + InternalKey.describe(internalKey) + " after "
          + InternalKey.describe(lastKey));
    }
    if (smallest == null) {
      smallest = internalKey;
    }
    if (lastKey == null || !InternalKey.sameUserKey(lastKey, internalKey)) {
      int userLength = internalKey.length - InternalKey.TRAILER_BYTES;
      addHash(BloomFilter.hash(internalKey, 0, userLength));
      if (prefixes != null) {
        addPrefix(internalKey, userLength);
      }
    }
    byte type = InternalKey.type(internalKey);
    long seq = InternalKey.sequence(internalKey);
    minSeq = Math.min(minSeq, seq);
    maxSeq = Math.max(maxSeq, seq);
    entries++;
    if (type == InternalKey.TYPE_DELETION) {
      tombstones++;
    } else if (type == InternalKey.TYPE_EXPIRING_VALUE) {
      long at = Bytes.getLong(storedValue, 0);
      expiring++;
      minExpire = Math.min(minExpire, at);
      maxExpire = Math.max(maxExpire, at);
    }
    rawKeyBytes += internalKey.length;
    rawValueBytes += storedValue.length;
    data.add(internalKey, storedValue);
    lastKey = internalKey;
    if (data.currentSizeEstimate() >= blockBytes) {
      flushDataBlock();
    }
  }

  private void addHash(long h) {
    if (hashCount == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashCount * 2);
    }
    hashes[hashCount++] = h;
  }

  /** Hashes the prefix of a new user key unless the key before it had the same one (keys sharing a prefix are adjacent). */
  private void addPrefix(byte[] internalKey, int userLength) {
    int n = prefixes.prefixLength(internalKey, userLength);
    if (n < 0) {
      return;
    }
    if (n > userLength) {
      throw new IllegalStateException("prefix extractor " + prefixes.name() + " gave a prefix of " + n
          + " bytes for a key of " + userLength + " bytes");
    }
    if (n == lastPrefixLength && Arrays.equals(lastPrefixKey, 0, n, internalKey, 0, n)) {
      return;
    }
    addHash(BloomFilter.prefixHash(internalKey, 0, n));
    lastPrefixKey = internalKey;
    lastPrefixLength = n;
  }

  private void flushDataBlock() throws IOException {
    if (data.isEmpty()) {
      return;
    }
    byte[] fence = data.lastKey();
    BlockHandle h = writeCompressible(data.finish());
    dataBlocks++;
    leafIndex.add(fence, h.encode());
    if (layout == IndexLayout.BTREE && leafIndex.currentSizeEstimate() >= blockBytes) {
      flushLeafIndex(fence);
    }
  }

  private void flushLeafIndex(byte[] fence) throws IOException {
    if (leafIndex.isEmpty()) {
      return;
    }
    BlockHandle h = writeCompressible(leafIndex.finish());
    leafFences.add(new byte[][] {fence, h.encode()});
  }

  /** Writes a data or index block, compressed with the table's codec if that saves an eighth of it. */
  private BlockHandle writeCompressible(byte[] contents) throws IOException {
    byte[] stored = compressor.compress(contents);
    BlockHandle h = stored == null ? writeBlock(contents, contents.length, TableFormat.BLOCK_RAW)
        : writeBlock(stored, compressor.length, (byte) compressor.codec().code());
    rawBlockBytes += contents.length;
    storedBlockBytes += h.size();
    return h;
  }

  /** Writes {@code stored[0, length)} and its trailer (block type and checksum). */
  private BlockHandle writeBlock(byte[] stored, int length, byte type) throws IOException {
    trailer[0] = type;
    Bytes.putInt(trailer, 1, Checksum.mask(blockCrc(stored, length, type)));
    file.append(stored, 0, length);
    file.append(trailer, 0, trailer.length);
    BlockHandle h = new BlockHandle(offset, length);
    offset += length + trailer.length;
    return h;
  }

  private BlockHandle writeBlock(byte[] contents) throws IOException {
    return writeBlock(contents, contents.length, TableFormat.BLOCK_RAW);
  }

  /** The trailer's checksum: CRC32C over a block's stored bytes and its type. */
  static int blockCrc(byte[] stored, int length, byte type) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(stored, 0, length);
    c.update(type);
    return (int) c.getValue();
  }

  /** Bytes written so far, for cutting compaction output into files of a target size. */
  public long fileSizeEstimate() {
    return offset + data.currentSizeEstimate();
  }

  /** Writes filter, index, properties and footer. The caller syncs and closes the file. */
  public TableProperties finish() throws IOException {
    if (entries == 0) {
      throw new IllegalStateException("a table needs at least one entry");
    }
    flushDataBlock();
    int levels = 1;
    BlockHandle root;
    if (layout == IndexLayout.BTREE) {
      flushLeafIndex(lastKey);
      List<byte[][]> fences = leafFences;
      while (fences.size() > 1) {
        List<byte[][]> upper = new ArrayList<>();
        BlockBuilder b = new BlockBuilder(1);
        byte[] last = null;
        for (byte[][] f : fences) {
          b.add(f[0], f[1]);
          last = f[0];
          if (b.currentSizeEstimate() >= blockBytes) {
            upper.add(new byte[][] {last, writeCompressible(b.finish()).encode()});
          }
        }
        if (!b.isEmpty()) {
          upper.add(new byte[][] {last, writeCompressible(b.finish()).encode()});
        }
        fences = upper;
        levels++;
      }
      root = BlockHandle.decode(fences.get(0)[1]);
    } else {
      root = writeCompressible(leafIndex.finish());
    }
    BlockHandle filter = writeBlock(BloomFilter.build(hashes, hashCount, bloomBitsPerKey));
    TableProperties props = new TableProperties(entries, tombstones, expiring, minExpire, maxExpire, minSeq, maxSeq,
        rawKeyBytes, rawValueBytes, dataBlocks, smallest, lastKey, prefixes == null ? "" : prefixes.name(),
        compressor.codec(), rawBlockBytes, storedBlockBytes);
    BlockHandle propsHandle = writeBlock(props.encode());
    byte[] footer = new TableFormat.Footer(filter, root, propsHandle, layout, levels, TableFormat.FORMAT_VERSION)
        .encode();
    file.append(footer, 0, footer.length);
    offset += footer.length;
    finished = true;
    return props;
  }

  public long fileSize() {
    return offset;
  }
}
