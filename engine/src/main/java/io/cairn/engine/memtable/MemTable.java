package io.cairn.engine.memtable;

import io.cairn.engine.PrefixExtractor;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrent skip list of internal keys. Many threads may read while the commit leader inserts; readers filter by
 * sequence number, so an entry inserted after a reader's snapshot is invisible to it.
 *
 * <p>With a {@link PrefixExtractor}, the memtable also keeps a small bloom filter of the prefixes it holds, so a
 * prefix scan can pass over it without a skip-list seek when the prefix is absent (a seek in a memtable of a few
 * hundred thousand entries costs about a microsecond of cache misses). Each prefix sets {@value #PREFIX_PROBES} bits
 * of one 64-bit word, so an answer costs one cache line. The bits are set before the entry enters the map, and a
 * reader only looks for entries its snapshot sequence lets it see, which the commit publishes after the insert; so a
 * reader never misses a prefix it should see.
 *
 * <p>Thread-safety: the map is lock-free; {@link #approximateBytes} is an atomic counter; the filter's words are set
 * with atomic ORs.
 */
public final class MemTable {
  /** Estimated per-entry overhead of a skip-list node and two arrays, added to the key and value lengths. */
  private static final int ENTRY_OVERHEAD_BYTES = 80;

  private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(InternalKey.COMPARATOR);
  private final AtomicLong bytes = new AtomicLong();
  private final long logNumber;
  private final PrefixExtractor extractor;
  private final AtomicLongArray prefixWords;

  /** Bits set per prefix, all in one word. */
  static final int PREFIX_PROBES = 4;
  /** Filter bits per entry the memtable can hold at its size budget. */
  private static final int PREFIX_BITS_PER_ENTRY = 16;

  /** @param logNumber the number of the WAL holding this memtable's writes (0 when there is no log) */
  public MemTable(long logNumber) {
    this(logNumber, null, 0);
  }

  /**
   * @param logNumber the number of the WAL holding this memtable's writes (0 when there is no log)
   * @param extractor names the key prefixes to keep a filter of; null for none
   * @param budgetBytes the size at which the memtable is flushed, which sizes the prefix filter
   */
  public MemTable(long logNumber, PrefixExtractor extractor, long budgetBytes) {
    this.logNumber = logNumber;
    this.extractor = extractor;
    if (extractor == null) {
      this.prefixWords = null;
    } else {
      long entries = Math.max(1024, budgetBytes / ENTRY_OVERHEAD_BYTES);
      long words = Math.min(1 << 24, Math.max(64, entries * PREFIX_BITS_PER_ENTRY / 64));
      this.prefixWords = new AtomicLongArray(Integer.highestOneBit((int) words - 1) << 1);
    }
  }

  public void add(long sequence, byte type, byte[] userKey, byte[] storedValue) {
    if (extractor != null) {
      int n = extractor.prefixLength(userKey, userKey.length);
      if (n >= 0) {
        long h = BloomFilter.prefixHash(userKey, 0, n);
        long bits = prefixBits(h);
        int word = prefixWord(h);
        if ((prefixWords.get(word) & bits) != bits) {
          prefixWords.getAndAccumulate(word, bits, (a, b) -> a | b);
        }
      }
    }
    byte[] ikey = InternalKey.encode(userKey, sequence, type);
    map.put(ikey, storedValue);
    bytes.addAndGet(ikey.length + storedValue.length + ENTRY_OVERHEAD_BYTES);
  }

  /**
   * False only if no key with the prefix whose {@link BloomFilter#prefixHash} is {@code prefixHash} was ever added
   * (under the extractor this memtable was made with); true when there is no filter.
   */
  public boolean mayContainPrefix(long prefixHash) {
    if (prefixWords == null) {
      return true;
    }
    long bits = prefixBits(prefixHash);
    return (prefixWords.get(prefixWord(prefixHash)) & bits) == bits;
  }

  private int prefixWord(long h) {
    return (int) (h >>> 40) & (prefixWords.length() - 1);
  }

  private static long prefixBits(long h) {
    long bits = 0;
    for (int i = 0; i < PREFIX_PROBES; i++) {
      bits |= 1L << (h >>> (6 * i));
    }
    return bits;
  }

  /**
   * The newest entry for {@code userKey} with a sequence at or below {@code snapshot}, or {@code null}. The caller
   * reads the type from the key (a tombstone is an answer too: the key is deleted).
   */
  public Map.Entry<byte[], byte[]> get(byte[] userKey, long snapshot) {
    Map.Entry<byte[], byte[]> e = map.ceilingEntry(InternalKey.seekKey(userKey, snapshot));
    if (e == null || InternalKey.compareUserKey(e.getKey(), userKey) != 0) {
      return null;
    }
    return e;
  }

  public long approximateBytes() {
    return bytes.get();
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  public long logNumber() {
    return logNumber;
  }

  public InternalIterator iterator() {
    return new SkipListIterator(map);
  }

  private static final class SkipListIterator implements InternalIterator {
    private final ConcurrentSkipListMap<byte[], byte[]> map;
    private Iterator<Map.Entry<byte[], byte[]>> it;
    private Map.Entry<byte[], byte[]> current;

    SkipListIterator(ConcurrentSkipListMap<byte[], byte[]> map) {
      this.map = map;
    }

    @Override
    public boolean valid() {
      return current != null;
    }

    @Override
    public void seekToFirst() {
      position(map);
    }

    @Override
    public void seek(byte[] internalKey) {
      position(map.tailMap(internalKey, true));
    }

    private void position(ConcurrentNavigableMap<byte[], byte[]> view) {
      it = view.entrySet().iterator();
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public void next() {
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public byte[] key() {
      return current.getKey();
    }

    @Override
    public byte[] value() {
      return current.getValue();
    }
  }
}
