package io.cairn.engine.sstable;

import io.cairn.engine.Compression;
import io.cairn.engine.CorruptionException;
import io.cairn.engine.StoreException;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.cache.BlockCache;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.Checksum;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.FileSystem.ReadableFile;
import io.cairn.engine.iterator.InternalIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads a table written by {@link TableBuilder}. The footer, the properties and, once first asked, the bloom filter
 * stay on the heap for the table's life; index and data blocks are read through the shared {@link BlockCache}. The
 * filter is pinned because every point read and prefix probe that reaches the table asks it first: in the cache it
 * would compete with data blocks, and a filter larger than a cache shard would be read from the file on every
 * lookup. Its cost is the filter's size, {@code bloomBitsPerKey / 8} bytes per key (1.25 at the default of 10 bits;
 * {@link #filterBytes()}). Every block's checksum is verified when it is read from the file.
 *
 * <p>A table opened for a store that tracks reads also keeps its {@link AccessBits} (about two bits per entry) for
 * its life in memory.
 *
 * <p>The file is read through a {@link FileHandles.Handle}, which the environment may close while the table is idle
 * and reopens on the next read; the cache knows the table's blocks by its {@code cacheId}, unique among the stores
 * sharing the cache.
 *
 * <p>Thread-safe: the file is read with positional reads; the filter field is set at most a few times to equal
 * contents (two first readers may both load it), and is volatile so a reader sees a whole array; the access bits
 * guard themselves.
 */
public final class TableReader implements AutoCloseable {
  private final Path path;
  private final long fileNumber;
  private final long cacheId;
  private final ReadableFile file;
  private final BlockCache<Object> cache;
  private final ReadCounters counters;
  private final TableFormat.Footer footer;
  private final TableProperties properties;
  private final long fileSize;
  private volatile byte[] filter;
  private final AccessBits accessBits;

  private TableReader(Path path, long fileNumber, long cacheId, ReadableFile file, BlockCache<Object> cache,
      ReadCounters counters, TableFormat.Footer footer, TableProperties properties, long fileSize, boolean trackReads) {
    this.path = path;
    this.fileNumber = fileNumber;
    this.cacheId = cacheId;
    this.file = file;
    this.cache = cache;
    this.counters = counters;
    this.footer = footer;
    this.properties = properties;
    this.fileSize = fileSize;
    this.accessBits = trackReads ? AccessBits.forEntries(properties.entries()) : AccessBits.UNTRACKED;
  }

  /**
   * Opens a table.
   *
   * @param cacheId the key of the table's blocks in {@code cache}: unique among the tables of every store sharing it
   * @param handles where the table's open file is kept (and closed while idle, if they are bounded)
   * @param trackReads give the table {@link AccessBits} of its own (a FIFO store with a drop listener), rather than
   *     {@link AccessBits#UNTRACKED}
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber, long cacheId, BlockCache<Object> cache,
      FileHandles handles, ReadCounters counters, boolean trackReads) throws IOException {
    ReadableFile file = handles.handle(fs, path);
    try {
      long size = file.size();
      if (size < TableFormat.FOOTER_BYTES) {
        throw new CorruptionException(path, 0, "file of " + size + " bytes is shorter than a table footer");
      }
      byte[] f = new byte[TableFormat.FOOTER_BYTES];
      long footerAt = size - TableFormat.FOOTER_BYTES;
      file.read(footerAt, f, 0, f.length);
      TableFormat.Footer footer = TableFormat.Footer.decode(path, f, footerAt);
      byte[] props = readContents(file, path, footer.properties());
      TableProperties properties = TableProperties.decode(props);
      if (properties == null) {
        throw new CorruptionException(path, footer.properties().offset(), "unreadable properties block");
      }
      return new TableReader(path, fileNumber, cacheId, file, cache, counters, footer, properties, size, trackReads);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Reads a block, checks its trailer and returns its contents (decompressed if it was stored compressed). */
  private static byte[] readContents(ReadableFile file, Path path, BlockHandle h) throws IOException {
    byte[] buf = new byte[h.size() + TableFormat.TRAILER_BYTES];
    file.read(h.offset(), buf, 0, buf.length);
    Compression codec = verifyTrailer(path, h, buf);
    return codec == Compression.NONE ? java.util.Arrays.copyOf(buf, h.size())
        : BlockCodec.decompress(codec, buf, h.size(), path, h.offset());
  }

  /**
   * The block stored at {@code h} in {@code buf} (its stored bytes, then its trailer), checked, and decompressed if
   * it was stored compressed: the block cache holds blocks uncompressed.
   */
  private Block toBlock(byte[] buf, BlockHandle h) {
    Compression codec = verifyTrailer(path, h, buf);
    if (codec == Compression.NONE) {
      return new Block(buf, h.size(), path, h.offset());
    }
    byte[] raw = BlockCodec.decompress(codec, buf, h.size(), path, h.offset());
    return new Block(raw, raw.length, path, h.offset());
  }

  Block block(BlockHandle h) {
    Block cached = (Block) cache.getIfPresent(cacheId, h.offset());
    if (cached != null) {
      counters.blockCacheHits.increment();
      return cached;
    }
    counters.blockCacheMisses.increment();
    try {
      byte[] buf = new byte[h.size() + TableFormat.TRAILER_BYTES];
      file.read(h.offset(), buf, 0, buf.length);
      Block b = toBlock(buf, h);
      cache.put(cacheId, h.offset(), b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("reading block at offset " + h.offset() + " of " + path, e);
    }
  }

  private byte[] filter() {
    byte[] f = filter;
    return f != null ? f : loadFilter();
  }

  private byte[] loadFilter() {
    BlockHandle h = footer.filter();
    try {
      byte[] f = readContents(file, path, h);
      filter = f;
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("reading filter of " + path, e);
    }
  }

  /** Heap bytes this table's pinned bloom filter holds: 0 until a lookup or probe first reads it. */
  public long filterBytes() {
    byte[] f = filter;
    return f == null ? 0 : f.length;
  }

  private BlockHandle handle(byte[] value, long at) {
    BlockHandle h = BlockHandle.decode(value);
    if (h == null || h.offset() + h.size() + TableFormat.TRAILER_BYTES > fileSize) {
      throw new CorruptionException(path, at, "bad block handle in index");
    }
    return h;
  }

  /**
   * Looks up the newest entry for {@code userKey} visible at the sequence encoded in {@code seekKey}.
   *
   * @param hash the key's {@link BloomFilter#hash}, computed once per lookup by the caller
   */
  public Lookup get(byte[] userKey, byte[] seekKey, long hash) {
    counters.bloomChecks.increment();
    byte[] filter = filter();
    if (!BloomFilter.mayContain(filter, footer.filter().size(), hash)) {
      counters.bloomUseful.increment();
      return null;
    }
    BlockHandle h = footer.index();
    for (int level = 0; level < footer.indexLevels(); level++) {
      Block.Cursor c = block(h).cursor();
      c.seek(seekKey);
      if (!c.valid()) {
        return notFound(userKey);
      }
      h = handle(c.value(), h.offset());
    }
    Block.Cursor c = block(h).cursor();
    c.seek(seekKey);
    if (c.valid() && c.userKeyEquals(userKey)) {
      return new Lookup(c.type(), c.value(), c.sequence());
    }
    return notFound(userKey);
  }

  /**
   * False only if no key with the prefix whose {@link BloomFilter#prefixHash} is {@code prefixHash} is in this table.
   * A table whose filter was not built with the extractor named {@code extractor} always answers true.
   */
  public boolean mayContainPrefix(String extractor, long prefixHash) {
    if (!extractor.equals(properties.prefixExtractor())) {
      return true;
    }
    counters.prefixChecks.increment();
    if (!BloomFilter.mayContain(filter(), footer.filter().size(), prefixHash)) {
      counters.prefixUseful.increment();
      return false;
    }
    return true;
  }

  private Lookup notFound(byte[] userKey) {
    if (InternalKey.compareUserKey(properties.smallest(), userKey) <= 0
        && InternalKey.compareUserKey(properties.largest(), userKey) >= 0) {
      counters.bloomFalsePositives.increment();
    }
    return null;
  }

  public InternalIterator iterator() {
    InternalIterator it = block(footer.index()).cursor();
    for (int level = 1; level < footer.indexLevels(); level++) {
      it = new TwoLevelIterator(it, null);
    }
    return new TwoLevelIterator(it, null);
  }

  /**
   * An iterator for a compaction: data blocks are read in {@code readaheadBytes} chunks and never enter the block
   * cache (blocks read once for a merge would only push the hot set out). Index blocks still come through the cache.
   */
  public InternalIterator compactionIterator(int readaheadBytes) {
    InternalIterator it = block(footer.index()).cursor();
    for (int level = 1; level < footer.indexLevels(); level++) {
      it = new TwoLevelIterator(it, null);
    }
    return new TwoLevelIterator(it, new Readahead(readaheadBytes));
  }

  /** Sequential reads in large chunks for a scan that visits every data block once, bypassing the cache. */
  private final class Readahead {
    private final int chunkBytes;
    private byte[] chunk = new byte[0];
    private long chunkStart = -1;

    Readahead(int chunkBytes) {
      this.chunkBytes = chunkBytes;
    }

    Block block(BlockHandle h) {
      int need = h.size() + TableFormat.TRAILER_BYTES;
      if (chunkStart < 0 || h.offset() < chunkStart || h.offset() + need > chunkStart + chunk.length) {
        long length = Math.min(Math.max(chunkBytes, need), fileSize - h.offset());
        try {
          byte[] buf = new byte[(int) length];
          file.read(h.offset(), buf, 0, buf.length);
          chunk = buf;
          chunkStart = h.offset();
        } catch (IOException e) {
          throw new UncheckedIOException("reading at offset " + h.offset() + " of " + path, e);
        }
      }
      int at = (int) (h.offset() - chunkStart);
      byte[] buf = java.util.Arrays.copyOfRange(chunk, at, at + need);
      return toBlock(buf, h);
    }
  }

  /** Checks the trailer of the block in {@code buf} (stored bytes, then trailer); returns the block's codec. */
  private static Compression verifyTrailer(Path path, BlockHandle h, byte[] buf) {
    byte type = buf[h.size()];
    Compression codec = Compression.fromCode(type & 0xff);
    if (codec == null) {
      throw new CorruptionException(path, h.offset() + h.size(), "unknown block type " + type);
    }
    int expected = Checksum.unmask(Bytes.getInt(buf, h.size() + 1));
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(buf, 0, h.size() + 1);
    if ((int) c.getValue() != expected) {
      throw new CorruptionException(path, h.offset(), "block checksum mismatch (block of " + h.size() + " bytes)");
    }
    return codec;
  }

  /** Which keys point reads returned from this table since it was opened; the store marks them. */
  public AccessBits accessBits() {
    return accessBits;
  }

  public TableProperties properties() {
    return properties;
  }

  public long fileSize() {
    return fileSize;
  }

  public long fileNumber() {
    return fileNumber;
  }

  /** The key of this table's blocks in the block cache. */
  public long cacheId() {
    return cacheId;
  }

  public Path path() {
    return path;
  }

  public IndexLayout indexLayout() {
    return footer.layout();
  }

  public int indexLevels() {
    return footer.indexLevels();
  }

  /** Reads every block and checks it, for verification tools and tests. */
  public void verify() {
    try (InternalIterator it = iterator()) {
      byte[] prev = null;
      for (it.seekToFirst(); it.valid(); it.next()) {
        if (prev != null && InternalKey.compare(prev, it.key()) >= 0) {
          throw new CorruptionException(path, 0, "keys out of order: " + InternalKey.describe(it.key()));
        }
        prev = it.key();
      }
    }
    filter();
  }

  /**
   * What {@link #verifyEachBlock} read from the blocks that were whole.
   *
   * @param dataBlocks data blocks read and found whole
   * @param entries their entries (tombstones included)
   * @param tombstones their tombstones
   * @param smallest the first internal key read, or null
   * @param largest the last internal key read, or null
   */
  public record BlockCheck(long dataBlocks, long entries, long tombstones, byte[] smallest, byte[] largest) {}

  /**
   * Reads every block from the file (not through the block cache) and checks it, for verification tools: each index
   * block, each data block an index entry leads to, and the filter, with their checksums, entry framing and key order.
   * Unlike {@link #verify()} it does not stop at the first damaged block: each damage is handed to {@code problems}
   * (naming the file and the block's offset) and the walk goes on with the next block the index names. Reads only.
   */
  public BlockCheck verifyEachBlock(java.util.function.Consumer<CorruptionException> problems) {
    long[] counts = new long[3];
    byte[][] range = new byte[2][];
    checkBlocks(footer.index(), 1, counts, range, problems);
    try {
      readContents(file, path, footer.filter());
    } catch (CorruptionException e) {
      problems.accept(e);
    } catch (IOException e) {
      problems.accept(new CorruptionException(path, footer.filter().offset(), "unreadable filter block: " + e));
    }
    return new BlockCheck(counts[0], counts[1], counts[2], range[0], range[1]);
  }

  /** Checks the block at {@code h}, an index block while {@code depth <= indexLevels}, then its children. */
  private void checkBlocks(BlockHandle h, int depth, long[] counts, byte[][] range,
      java.util.function.Consumer<CorruptionException> problems) {
    Block b;
    try {
      byte[] buf = new byte[h.size() + TableFormat.TRAILER_BYTES];
      file.read(h.offset(), buf, 0, buf.length);
      b = toBlock(buf, h);
    } catch (CorruptionException e) {
      problems.accept(e);
      return;
    } catch (IOException e) {
      problems.accept(new CorruptionException(path, h.offset(), "unreadable block of " + h.size() + " bytes: " + e));
      return;
    }
    boolean index = depth <= footer.indexLevels();
    long entries = 0;
    long tombstones = 0;
    byte[] first = null;
    byte[] last = null;
    java.util.List<BlockHandle> children = new java.util.ArrayList<>();
    try {
      Block.Cursor c = b.cursor();
      for (c.seekToFirst(); c.valid(); c.next()) {
        byte[] k = c.key();
        if (last != null && InternalKey.compare(last, k) >= 0) {
          throw new CorruptionException(path, h.offset(), "keys out of order: " + InternalKey.describe(k)
              + " after " + InternalKey.describe(last));
        }
        if (first == null) {
          first = k;
        }
        last = k;
        if (index) {
          children.add(handle(c.value(), h.offset()));
        } else {
          entries++;
          if (c.type() == InternalKey.TYPE_DELETION) {
            tombstones++;
          }
        }
      }
    } catch (CorruptionException e) {
      problems.accept(e);
      if (!index) {
        return;
      }
    }
    if (index) {
      for (BlockHandle child : children) {
        checkBlocks(child, depth + 1, counts, range, problems);
      }
      return;
    }
    if (first != null && range[1] != null && InternalKey.compare(range[1], first) >= 0) {
      problems.accept(new CorruptionException(path, h.offset(), "block starts at " + InternalKey.describe(first)
          + ", not after the previous block's last key " + InternalKey.describe(range[1])));
    }
    counts[0]++;
    counts[1] += entries;
    counts[2] += tombstones;
    if (first != null) {
      if (range[0] == null) {
        range[0] = first;
      }
      range[1] = last;
    }
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new StoreException("closing " + path, e);
    }
  }

  /** Iterates the blocks an index iterator points to: the children of one index level. */
  private final class TwoLevelIterator implements InternalIterator {
    private final InternalIterator index;
    private final Readahead readahead;
    private Block.Cursor child;

    /** @param readahead where data blocks come from when not through the cache (compaction), or null */
    TwoLevelIterator(InternalIterator index, Readahead readahead) {
      this.index = index;
      this.readahead = readahead;
    }

    @Override
    public boolean valid() {
      return child != null && child.valid();
    }

    @Override
    public void seekToFirst() {
      index.seekToFirst();
      openChild();
      if (child != null) {
        child.seekToFirst();
      }
      skipEmpty();
    }

    @Override
    public void seek(byte[] internalKey) {
      index.seek(internalKey);
      openChild();
      if (child != null) {
        child.seek(internalKey);
      }
      skipEmpty();
    }

    @Override
    public void next() {
      child.next();
      skipEmpty();
    }

    private void openChild() {
      if (!index.valid()) {
        child = null;
        return;
      }
      BlockHandle h = handle(index.value(), 0);
      child = (readahead != null ? readahead.block(h) : block(h)).cursor();
    }

    private void skipEmpty() {
      while (child != null && !child.valid()) {
        index.next();
        openChild();
        if (child != null) {
          child.seekToFirst();
        }
      }
    }

    @Override
    public byte[] key() {
      return child.key();
    }

    @Override
    public byte[] value() {
      return child.value();
    }
  }
}
